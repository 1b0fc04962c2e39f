# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host names (helper/cta/hostnames.py): each source's format, bad lines skipped and counted,
the order of precedence, untrusted names kept as text, and host-names.json written by collect."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import unittest

from test.helper.common import run_helper
from test.helper.netlab import require_root, sh
from cta import hostnames
from cta.nftjson import parse_nft_json

EVIL = "<img src=x onerror=alert(1)>"
HOSTS = """# comment line
127.0.0.1\tlocalhost
10.0.0.7   alice alice.lan   # alice's laptop
10.0.0.7   shadowed
2001:DB8::0:5 bob
not-an-address  carol
10.0.0.9
fe80::1%eth0 linklocal
"""
DNSMASQ = f"""1767225600 52:54:00:12:34:56 10.0.0.8 dave 01:52:54:00:12:34:56
1767225600 52:54:00:12:34:57 10.0.0.10 * *
1767225601 52:54:00:12:34:58 10.0.0.11 {EVIL.replace(' ', '_')} *
garbage line
duid 00:01:00:01:2c:2d:2e:2f:52:54:00:00:00:01
1767225600 12345678 2001:db8::6 erin 00:01:00:01:aa
1767225600 52:54:00:12:34:59 10.0.0.7 notalice *
"""
DHCPD = """# The format of this file is documented in the dhcpd.leases(5) manual page.
lease 10.0.0.12 {
  starts 3 2026/12/02 00:00:00;
  binding state active;
  client-hostname "frank";
}
lease 10.0.0.12 {
  client-hostname "frank\\"s \\101pple";
}
lease 10.0.0.13 {
  client-hostname "bad\\001name";
}
lease 10.0.0.14 {
  client-hostname unquoted;
}
lease 999.0.0.1 {
}
"""
KEA4 = """address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context
10.0.0.20,52:54:00:00:00:20,,3600,1767225600,1,0,0,grace.example.,0,
10.0.0.21,52:54:00:00:00:21,,3600,1767225600,1,0,0,heidi&#x2c inc,0,
10.0.0.22,52:54:00:00:00:22,,3600,1767225600,1,0,0,declined,1,
10.0.0.23,short
"""
KEA6 = """address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context
2001:db8::30,00:01:aa,3600,1767225600,1,1800,0,1,128,0,0,ivan,,0,
2001:db8:0:100::,00:01:bb,3600,1767225600,1,1800,2,2,64,0,0,judy-net,,0,
"""


class Parsers(unittest.TestCase):
    def test_hosts(self) -> None:
        found = hostnames.parse_hosts(HOSTS)
        self.assertEqual(found.names, {"127.0.0.1": "localhost", "10.0.0.7": "alice", "2001:db8::5": "bob",
                                       "fe80::1": "linklocal"})
        self.assertEqual(found.skipped, 2)          # not-an-address, an address without a name

    def test_dnsmasq(self) -> None:
        found = hostnames.parse_dnsmasq(DNSMASQ)
        self.assertEqual(found.names, {"10.0.0.8": "dave", "10.0.0.11": EVIL.replace(" ", "_"),
                                       "2001:db8::6": "erin", "10.0.0.7": "notalice"})
        self.assertEqual(found.skipped, 1)

    def test_dhcpd(self) -> None:
        found = hostnames.parse_dhcpd(DHCPD)
        self.assertEqual(found.names, {"10.0.0.12": 'frank"s Apple'})     # the later lease wins
        self.assertEqual(found.skipped, 3)          # a control character, unquoted, a bad address

    def test_kea(self) -> None:
        four, six = hostnames.parse_kea(KEA4), hostnames.parse_kea(KEA6)
        self.assertEqual(four.names, {"10.0.0.20": "grace.example", "10.0.0.21": "heidi, inc"})
        self.assertEqual(four.skipped, 1)
        self.assertEqual(six.names, {"2001:db8::30": "ivan", "2001:db8:0:100::/64": "judy-net"})
        self.assertEqual(hostnames.parse_kea("no,header\n1,2\n").skipped, 2)

    def test_names_are_checked_not_interpreted(self) -> None:
        self.assertEqual(hostnames.clean_name(EVIL), EVIL)
        for bad in ("", "   ", "a\nb", "a\x7fb", "a\x85b", "x" * 254):
            self.assertIsNone(hostnames.clean_name(bad), repr(bad))
        self.assertEqual(hostnames.address_key("2001:0DB8:0001:0002:0000:0000:0000:0000/64"), "2001:db8:1:2::/64")
        self.assertIsNone(hostnames.address_key("2001:db8:1:2::1/64"))     # host bits set: not a prefix
        self.assertIsNone(hostnames.address_key("10.0.0.256"))


class Gather(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="cta-names-")
        for key, text in (("hosts", HOSTS), ("dnsmasq", DNSMASQ), ("dhcpd", DHCPD), ("kea4", KEA4), ("kea6", KEA6)):
            with open(os.path.join(self.dir, os.path.basename(hostnames.DEFAULT_PATHS[key])), "w") as f:
                f.write(text)

    def tearDown(self) -> None:
        shutil.rmtree(self.dir)

    def test_precedence_configuration_hosts_then_leases(self) -> None:
        names, report = hostnames.gather({"10.0.0.8": "from-config", "bad": "x", "10.0.0.99": EVIL},
                                         {k: os.path.join(self.dir, os.path.basename(v))
                                          for k, v in hostnames.DEFAULT_PATHS.items()})
        self.assertEqual(names["10.0.0.8"], "from-config")      # the configuration over dnsmasq
        self.assertEqual(names["10.0.0.7"], "alice")            # /etc/hosts over dnsmasq
        self.assertEqual(names["10.0.0.99"], EVIL)
        self.assertEqual(names["2001:db8:0:100::/64"], "judy-net")
        self.assertEqual(report["config"], {"names": 2, "skipped": 1})
        self.assertEqual((report["dhcpd"]["names"], report["dhcpd"]["skipped"]), (1, 3))

    def test_missing_files_give_nothing(self) -> None:
        names, report = hostnames.gather({}, {k: os.path.join(self.dir, "nothing", k) for k in hostnames.DEFAULT_PATHS})
        self.assertEqual(names, {})
        self.assertTrue(all(report[k].get("missing") for k in hostnames.DEFAULT_PATHS))

    def test_names_command_and_collect_writes_the_page_file(self) -> None:
        store = os.path.join(self.dir, "store")
        config = os.path.join(self.dir, "config.json")
        with open(config, "w") as f:
            json.dump({"host_names": {"10.0.0.99": EVIL},
                       "sources": {k: {"enabled": k == "interfaces"} for k in
                                   ("nft_counters", "nft_rules", "iptables", "ip6tables", "interfaces")}}, f)
        env = {"CTA_HOST_NAMES_DIR": self.dir}
        out = json.loads(run_helper("names", "--config", config, "--store", store, "--json", env=env).stdout)
        self.assertEqual(out["names"]["10.0.0.99"], EVIL)
        self.assertEqual(out["sources"]["hosts"]["skipped"], 2)
        if os.geteuid() != 0:
            self.skipTest("collect needs root")
        run_helper("collect", "--config", config, "--store", store, env=env)
        path = os.path.join(store, hostnames.FILE_NAME)
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        self.assertEqual(doc["version"], 1)
        self.assertEqual(doc["names"], out["names"])
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o644)
        # no names any more: the file goes
        with open(config, "w") as f:
            json.dump({"sources": {"interfaces": {"enabled": True}, "nft_counters": {"enabled": False},
                                   "nft_rules": {"enabled": False}, "iptables": {"enabled": False},
                                   "ip6tables": {"enabled": False}}}, f)
        run_helper("collect", "--config", config, "--store", store, env={"CTA_HOST_NAMES_DIR": os.path.join(self.dir, "none")})
        self.assertFalse(os.path.exists(path))


class Configuration(unittest.TestCase):
    def test_host_names_key_as_the_page_reads_it(self) -> None:
        from cta.config import ConfigError, parse_config
        cfg = parse_config({"host_names": {"10.0.0.7": "alice", "not an address": EVIL}})
        self.assertEqual(cfg.host_names, {"10.0.0.7": "alice", "not an address": EVIL})
        for bad in ([], "x", {"10.0.0.7": 7}, {"10.0.0.7": None}):
            with self.assertRaises(ConfigError) as e:
                parse_config({"host_names": bad})
            self.assertEqual(str(e.exception), "config.json: host_names: must be an object of address: name strings")


class AsNftPrintsThem(unittest.TestCase):
    """The page looks a name up by the element's key as collect read it from nft: the helper's
    spelling of an address must be nft's, for addresses written in any spelling. Real nft, in a
    network namespace of the test's own. Needs root."""

    def test_keys_from_real_set_elements(self) -> None:
        require_root(self)
        ns = f"ctanames{os.getpid()}"
        spellings = {"10.0.0.7": "10.0.0.7", "2001:DB8:0:0:0:0:0:5": "2001:db8::5",
                     "2001:db8:0:1:0:0:0:0/64": "2001:db8:0:1::/64", "fe80::0:1": "fe80::1",
                     "2001:db8:a:b:c:d:e:f": "2001:db8:a:b:c:d:e:f", "::ffff:a00:9": "::ffff:10.0.0.9",
                     "::10.0.0.10": "::10.0.0.10", "::1": "::1", "::2": "::2"}
        ruleset = """
table inet names {
    set v4 { type ipv4_addr; counter; elements = { 10.0.0.7 } }
    set v6 { type ipv6_addr; counter; elements = { 2001:db8::5, fe80::1, 2001:db8:a:b:c:d:e:f, ::ffff:10.0.0.9,
                                                    ::10.0.0.10, ::1, ::2 } }
    set nets { type ipv6_addr; flags interval; counter; elements = { 2001:db8:0:1::/64 } }
}
"""
        sh("ip", "netns", "add", ns)
        try:
            sh("ip", "netns", "exec", ns, "nft", "-f", "-", input=ruleset)
            text = sh("ip", "netns", "exec", ns, "nft", "-j", "list", "ruleset")
            keys = sorted(r.ident.name for r in parse_nft_json(text, []).counters)
            self.assertEqual(keys, sorted(spellings.values()))
            for spelled, key in spellings.items():
                with self.subTest(spelled=spelled):
                    self.assertEqual(hostnames.address_key(spelled), key)
        finally:
            sh("ip", "netns", "del", ns, check=False)

if __name__ == "__main__":
    unittest.main()
