# SPDX-License-Identifier: LGPL-2.1-or-later
"""Version 2's line grammar (docs/store-format.md, "Lines"): `p` period blocks in the period
tiers, `i` blocks only in detail, the tiers each version knows."""

from __future__ import annotations

import unittest

import test.helper.common  # noqa: F401  (the helper on the import path)
from cta.store import Identity, StoreError, parse

FID = "0123456789abcdef"
COUNTER = "c 0 nft-counter inet filter - 1 web\n"
WEB = Identity("nft-counter", "inet", "filter", "", 1, "web")   # "-" is the empty field


def file(tier: str, body: str, version: int = 2) -> bytes:
    return f"#cta {version} {tier} {FID}\n{COUNTER}{body}".encode()


class PeriodBlocks(unittest.TestCase):
    def test_period_block_in_each_period_tier(self) -> None:
        for tier in ("hourly", "daily", "monthly", "whole"):
            pf = parse(file(tier, "p 3600 7200 1\n0 500 5\n"), f"{tier}/x.cta")
            self.assertEqual(pf.corrupt, [], tier)
            self.assertEqual(pf.version, 2)
            self.assertEqual([(b.kind, b.start, b.end) for b in pf.blocks], [("p", 3600, 7200)])
            self.assertEqual([(r.ident, r.bytes, r.packets) for r in pf.records()], [(WEB, 500, 5)])

    def test_empty_period_block_is_kept(self) -> None:
        # `p s e 0` says "this period is rolled up": the reader must see it, unlike `i s e 0`
        pf = parse(file("hourly", "p 0 3600 0\np 3600 7200 1\n0 1 1\n"), "hourly/x.cta")
        self.assertEqual([(b.start, b.end, len(b.rows)) for b in pf.blocks], [(0, 3600, 0), (3600, 7200, 1)])
        self.assertEqual(pf.valid_length, len(file("hourly", "p 0 3600 0\np 3600 7200 1\n0 1 1\n")))

    def test_detail_keeps_interval_blocks_only(self) -> None:
        pf = parse(file("detail", "i 0 300 1\n0 9 1\np 0 3600 1\n0 9 1\n"), "detail/x.cta")
        self.assertEqual([b.kind for b in pf.blocks], ["i"])
        self.assertEqual([c.reason for c in pf.corrupt],
                         ["period line outside a period tier", "unknown line kind"])

    def test_interval_block_in_a_period_tier_is_corrupt(self) -> None:
        pf = parse(file("daily", "i 0 300 1\n0 9 1\np 0 86400 0\n"), "daily/x.cta")
        self.assertEqual([b.kind for b in pf.blocks], ["p"])
        self.assertEqual(len(pf.corrupt), 2)
        self.assertEqual(pf.corrupt[0].reason, "interval line in a period tier")

    def test_version_1_knows_no_period_lines_nor_new_tiers(self) -> None:
        pf = parse(file("hourly", "p 0 3600 1\n0 9 1\n", version=1), "hourly/x.cta")
        self.assertEqual(pf.blocks, [])
        self.assertEqual(pf.corrupt[0].reason, "period line outside a period tier")
        for tier in ("monthly", "whole"):
            with self.assertRaisesRegex(StoreError, "malformed #cta header"):
                parse(file(tier, "", version=1), f"{tier}/x.cta")

    def test_a_period_line_cuts_a_block_short(self) -> None:
        pf = parse(file("hourly", "p 0 3600 2\n0 9 1\np 3600 7200 1\n0 4 1\n"), "hourly/x.cta")
        self.assertEqual([(b.start, [r[1] for r in b.rows]) for b in pf.blocks], [(3600, [4])])
        self.assertEqual(pf.corrupt[0].reason, "interval block cut short")

    def test_unknown_version(self) -> None:
        with self.assertRaisesRegex(StoreError, "unsupported store format version 3"):
            parse(file("hourly", "", version=3), "hourly/x.cta")

    def test_torn_period_block(self) -> None:
        pf = parse(file("monthly", "p 0 3600 2\n0 9 1\n"), "monthly/x.cta")
        self.assertTrue(pf.torn)
        self.assertEqual(pf.blocks, [])


if __name__ == "__main__":
    unittest.main()
