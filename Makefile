# SPDX-License-Identifier: LGPL-2.1-or-later
# cockpit-traffic-accounting: build, install, test and demo. `make` builds dist/.

PACKAGE_NAME := cockpit-traffic-accounting
VERSION := $(shell node -p "require('./package.json').version" 2>/dev/null || echo 0)
PREFIX ?= /usr
DESTDIR ?=
COCKPIT_DIR := $(DESTDIR)$(PREFIX)/share/cockpit/traffic-accounting
HELPER_DIR := $(DESTDIR)$(PREFIX)/libexec/$(PACKAGE_NAME)
UNIT_DIR ?= $(PREFIX)/lib/systemd/system
METAINFO_DIR := $(DESTDIR)$(PREFIX)/share/metainfo
# The AppStream file is named by its component id, as AppStream asks.
METAINFO := packaging/org.cockpit_project.traffic_accounting.metainfo.xml
DEVEL_DIR := $(HOME)/.local/share/cockpit/traffic-accounting
TARFILE := $(PACKAGE_NAME)-$(VERSION).tar.xz
# Reproducible tarballs: every file gets the time of the last commit.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

BUILD_INPUTS := $(shell find src po -type f 2>/dev/null) manifest.json build.ts package.json package-lock.json

all: dist/manifest.json

node_modules/.package-lock.json: package-lock.json
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

dist/manifest.json: node_modules/.package-lock.json $(BUILD_INPUTS)
	npm run --silent build

watch: node_modules/.package-lock.json
	npm run watch

# The page runs the helper and reads the configuration at fixed paths under /usr and /etc (see
# src/host/helper.ts), and the units name /usr/libexec: another PREFIX would install a page and
# units that point at nothing, so it is refused. DESTDIR is free.
install: all
	@if [ "$(PREFIX)" != /usr ]; then \
	    echo "PREFIX=$(PREFIX): only /usr works (the page and the units call /usr/libexec/$(PACKAGE_NAME)/cta-helper); use DESTDIR to install elsewhere" >&2; \
	    exit 1; \
	fi
	mkdir -p $(COCKPIT_DIR)
	cp -r dist/. $(COCKPIT_DIR)/
	if [ -d helper/cta ]; then \
	    mkdir -p $(HELPER_DIR)/cta && \
	    install -m 0755 helper/cta-helper $(HELPER_DIR)/cta-helper && \
	    install -m 0644 helper/cta/*.py $(HELPER_DIR)/cta/; \
	fi
	if [ -d helper/systemd ]; then \
	    mkdir -p $(DESTDIR)$(UNIT_DIR) && \
	    install -m 0644 helper/systemd/*.service helper/systemd/*.timer $(DESTDIR)$(UNIT_DIR)/; \
	fi
	mkdir -p $(METAINFO_DIR)
	install -m 0644 $(METAINFO) $(METAINFO_DIR)/

# Serve this checkout's dist/ from the current user's Cockpit (log in again to see changes).
devel-install: all
	mkdir -p $(dir $(DEVEL_DIR))
	ln -sfn $(CURDIR)/dist $(DEVEL_DIR)

devel-uninstall:
	rm -f $(DEVEL_DIR)

# Source tarball with the built page, so packages build without npm. The page is built anew from
# the committed sources inside the tarball's tree (never copied from the work tree's dist/, which
# may hold a development build or uncommitted changes), so the tarball depends only on HEAD and
# the locked npm packages, and two builds of it are the same bytes.
dist: $(TARFILE)

# Phony as well: a new commit makes a new tarball, whatever the old one's time.
.PHONY: $(TARFILE)
$(TARFILE): node_modules/.package-lock.json
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && src="$$tmp/$(PACKAGE_NAME)-$(VERSION)" && \
	mkdir "$$src" && git archive HEAD | tar -x -C "$$src" && \
	ln -s $(CURDIR)/node_modules "$$src/node_modules" && \
	(cd "$$src" && NODE_ENV=production npm run --silent build >/dev/null) && rm "$$src/node_modules" && \
	tar --sort=name --mtime=@$(SOURCE_DATE_EPOCH) --owner=0 --group=0 --numeric-owner \
	    --mode=go=rX,u+rw,a-s \
	    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
	    -C "$$tmp" -cf "$$tmp/source.tar" $(PACKAGE_NAME)-$(VERSION) && \
	xz -T1 -9 < "$$tmp/source.tar" > $@.part && mv $@.part $@

# Distribution packages, built from the dist tarball (and the spec and debian/ inside it) as a
# distribution would, in a throw-away directory; the .rpm and .deb land in PKG_OUTPUT. Debian's rpm has no package database to check
# BuildRequires against, so on a host where rpm does not know itself, rpmbuild gets --nodeps.
PKG_OUTPUT ?= $(CURDIR)
# e.g. RPMBUILD_OPTS="--without vendor_preset"
RPMBUILD_OPTS ?=
SPEC := packaging/$(PACKAGE_NAME).spec

rpm: $(TARFILE)
	work=$$(mktemp -d) && trap 'rm -rf "$$work"' EXIT && \
	tar -xOf $(TARFILE) $(PACKAGE_NAME)-$(VERSION)/$(SPEC) > "$$work/$(PACKAGE_NAME).spec" && \
	{ grep -q '^Version: *$(VERSION)$$' "$$work/$(PACKAGE_NAME).spec" || \
	    { echo "$(SPEC): Version is not $(VERSION)" >&2; exit 1; }; } && \
	ln -s $(abspath $(TARFILE)) "$$work/$(PACKAGE_NAME)-$(VERSION).tar.xz" && \
	rpmbuild -bb $$(rpm -q rpm >/dev/null 2>&1 || echo --nodeps) $(RPMBUILD_OPTS) \
	    --define "_topdir $$work" --define "_sourcedir $$work" --define "_tmppath $$work" \
	    --define "_rpmdir $(abspath $(PKG_OUTPUT))" \
	    --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
	    "$$work/$(PACKAGE_NAME).spec"

deb: $(TARFILE)
	work=$$(mktemp -d) && trap 'rm -rf "$$work"' EXIT && \
	tar -xf $(TARFILE) -C "$$work" && src="$$work/$(PACKAGE_NAME)-$(VERSION)" && \
	{ head -n1 "$$src/packaging/debian/changelog" | grep -q '($(VERSION)-' || \
	    { echo "packaging/debian/changelog: version is not $(VERSION)-*" >&2; exit 1; }; } && \
	cp -r "$$src/packaging/debian" "$$src/debian" && \
	(cd "$$src" && dpkg-buildpackage -us -uc -b) && \
	cp "$$work"/$(PACKAGE_NAME)_*.deb $(PKG_OUTPUT)/

check:
	./tools/check.sh

# Only the .deb under a real systemd booted with systemd-nspawn (test/systemd/; `make check` runs
# it too). Root only; the first run debootstraps a tree into /var/cache/cta-nspawn.
check-systemd:
	mkdir -p test/artifacts
	/usr/bin/python3 tools/run-python-tests.py test/systemd test/artifacts/python-systemd.json; \
	npx tsx tools/summary.ts python-systemd=test/artifacts/python-systemd.json

demo:
	./tools/install-deps.sh
	npm run --silent build
	npx tsx tools/demo.ts

bench: all
	npm run --silent bench

pot:
	npx tsx po/extract.ts > po/traffic-accounting.pot

clean:
	rm -rf dist test/artifacts .dist-tmp $(PACKAGE_NAME)-*.tar.xz

.PHONY: all watch install devel-install devel-uninstall dist rpm deb check check-systemd demo bench pot clean
