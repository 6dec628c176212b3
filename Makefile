# mentor-notify — see README.md. The two set-up commands are `make demo` and `make test`.
SWIFT ?= swift
PREFIX ?= /usr/local
DESTDIR ?=
BIN = .build/release/mentor-notify

.PHONY: demo test build release lint format bench profile install clean crash-test fuzz texts deb test-deb

## The main job on the embedded default: a demo database and a simulated year on the spool.
demo:
	@scripts/deps.sh build
	SWIFT=$(SWIFT) scripts/release-build.sh
	$(BIN) demo --dir demo

## The whole test suite (installs the Debian and PyPI packages it needs when missing).
test:
	@scripts/deps.sh test
	$(SWIFT) format lint --strict --recursive Sources Tests
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel --num-workers 2
	@# The fuzz targets build and their seeds (earlier findings) run clean, so they cannot rot.
	FUZZ_CHECK=1 scripts/fuzz.sh

build:
	@scripts/deps.sh build
	$(SWIFT) build

release:
	@scripts/deps.sh build
	SWIFT=$(SWIFT) scripts/release-build.sh

## The Debian package: mentor-notify_VERSION_amd64.deb, the Swift standard library linked in.
deb:
	@scripts/deps.sh deb
	scripts/build-deb.sh

## Installs, upgrades, runs, removes and purges the package in a Debian 12 container booted with systemd, and runs lintian on it.
test-deb:
	@scripts/deps.sh deb
	scripts/test-deb.sh

## Every text as people read it, into one file for a read-through (and the golden-file test).
texts:
	@scripts/deps.sh build
	UPDATE_TEXTS=1 $(SWIFT) test --filter GoldenTextTests.everyTextIsAsReviewed
	@echo "texts: Tests/NotifierTests/Golden/texts.txt (review the diff with git diff)"

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests

format:
	$(SWIFT) format --in-place --recursive Sources Tests

bench:
	@scripts/deps.sh test
	bench/run.sh

## Instruction counts (callgrind) of a delivery tick, per message and stage, beside the C libcurl loop's.
profile: release
	@scripts/deps.sh bench
	bench/profile.sh

## SIGKILL at random moments during delivery of a 500-message outbox, 200 times: lost, duplicates, integrity;
## while a cycle reads 200 replies from Dovecot: each acted on once, confirmations, integrity; and while
## `backup` copies the delivering daemon's database: restored on a new path, nothing sent before it goes again.
crash-test: release
	@scripts/deps.sh test
	scripts/crash-test.py --kills 200
	scripts/crash-test-replies.py --kills 100

## libFuzzer on the CSV reader, validators, template renderer, MIME builder and gateway answers (FUZZ_SECONDS each).
fuzz:
	scripts/fuzz.sh

install: release
	install -D -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/mentor-notify
	install -d $(DESTDIR)$(PREFIX)/share/mentor-notify/templates/da $(DESTDIR)$(PREFIX)/share/mentor-notify/templates/en
	install -m 0644 templates/da/*.txt $(DESTDIR)$(PREFIX)/share/mentor-notify/templates/da/
	install -m 0644 templates/en/*.txt $(DESTDIR)$(PREFIX)/share/mentor-notify/templates/en/
	install -d $(DESTDIR)/lib/systemd/system
	for unit in mentor-notify.service mentor-notify-backup.service; do \
		sed 's|@BINDIR@|$(PREFIX)/bin|' systemd/$$unit > $(DESTDIR)/lib/systemd/system/$$unit && \
		chmod 0644 $(DESTDIR)/lib/systemd/system/$$unit || exit 1; \
	done
	install -m 0644 systemd/mentor-notify.socket systemd/mentor-notify-backup.timer $(DESTDIR)/lib/systemd/system/
	install -D -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/mentor-notify/README.md
	install -D -m 0644 systemd/mentor-notify.sysusers $(DESTDIR)/usr/lib/sysusers.d/mentor-notify.conf
	install -D -m 0644 systemd/mentor-notify.tmpfiles $(DESTDIR)/usr/lib/tmpfiles.d/mentor-notify.conf
	install -D -m 0640 systemd/mentor-notify.example.json $(DESTDIR)/etc/mentor-notify/mentor-notify.example.json

clean:
	rm -rf .build demo
