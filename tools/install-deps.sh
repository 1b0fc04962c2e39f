#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs what a fresh Debian machine lacks to build, test and demo this project: Cockpit,
# Chromium, the firewall tools whose counters we read, and Node's packages. As root it installs
# them; as anybody else it names exactly what is missing and exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian package, and a file it provides that proves it is usable.
REQUIRED=(
    "cockpit-ws:/usr/lib/cockpit/cockpit-ws"
    "cockpit-bridge:/usr/bin/cockpit-bridge"
    "cockpit-system:/usr/share/cockpit/shell/manifest.json"
    "chromium:/usr/bin/chromium"
    "nftables:/usr/sbin/nft"
    "iptables:/usr/sbin/iptables-legacy"
    "python3:/usr/bin/python3"
    "iproute2:/usr/bin/ip"
    "iputils-ping:/usr/bin/ping"
    "util-linux:/usr/sbin/runuser"
    "procps:/usr/bin/pgrep"
    "gawk:/usr/bin/gawk"
    "curl:/usr/bin/curl"
    "fonts-dejavu-core:/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    "rsync:/usr/bin/rsync"
    "xz-utils:/usr/bin/xz"
    "systemd:/usr/bin/systemd-analyze"
    "rpm:/usr/bin/rpmbuild"
    "debhelper:/usr/bin/dh"
    "dpkg-dev:/usr/bin/dpkg-buildpackage"
    "appstream:/usr/bin/appstreamcli"
    "fakeroot:/usr/bin/fakeroot"
    "faketime:/usr/bin/faketime"
    "python3-mypy:/usr/lib/python3/dist-packages/mypy/__main__.py"
    "flake8:/usr/bin/flake8"
    "debootstrap:/usr/sbin/debootstrap"
    "systemd-container:/usr/bin/systemd-nspawn"
)

missing=()
for entry in "${REQUIRED[@]}"; do
    package=${entry%%:*}
    file=${entry#*:}
    [ -e "$file" ] || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "Missing Debian packages: ${missing[*]}" >&2
        echo "Install them as root: apt-get install ${missing[*]}" >&2
        exit 1
    fi
    echo "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# Node packages at the versions of the lock file, when they are absent or older than the lock.
# Not `npm ci`: the registry reachable here lacks some other platforms' optional binaries that
# the lock file names, and `npm ci` refuses to start over that; `npm install` with an in-sync
# lock installs the same versions and leaves the lock as it is.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "Installing npm packages"
    npm install --no-audit --no-fund --loglevel=error
fi
