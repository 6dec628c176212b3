#!/usr/bin/env bash
# make test-deb: the Debian package as an administrator meets it, on this machine. Builds the
# package of this tree (N+1) and of the release before it (N, from git: an older database schema),
# installs N with apt-get, runs check, init and tick as the mentor-notify user with no Swift on
# PATH, leaves messages waiting, upgrades to N+1 (the database is migrated, nothing is lost), reads
# the man pages, runs lintian and systemd-analyze, then removes (data stays) and purges (data gone).
#   PREVIOUS=<git commit or tag> selects N (default: the last commit of version 0.1.0).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "test-deb: run as root (it installs a package)" >&2; exit 77; }
previous=${PREVIOUS:-e2c723a}
work=$(mktemp -d)
chmod 755 "$work"
cleanup() {
    apt-get purge -y -qq mentor-notify >/dev/null 2>&1 || true
    git worktree remove --force "$work/previous" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
export DEBIAN_FRONTEND=noninteractive
fail() { echo "test-deb: FAIL: $*" >&2; exit 1; }
step() { echo "test-deb: $*"; }
plain=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/var/lib/mentor-notify)
as_service() { runuser -u mentor-notify -- "${plain[@]}" /usr/bin/mentor-notify --config /etc/mentor-notify/mentor-notify.json "$@"; }

step "building N+1 from this tree"
new=$(OUT="$work" scripts/build-deb.sh | tail -1)
step "building N from $previous (with this tree's packaging)"
git worktree add --detach "$work/previous" "$previous" >/dev/null 2>&1
cp -r scripts/build-deb.sh packaging man systemd "$work/previous/" 2>/dev/null || true
cp scripts/build-deb.sh "$work/previous/scripts/build-deb.sh"
old=$(cd "$work/previous" && OUT="$work" scripts/build-deb.sh 0.1.0 | tail -1)
ls -l "$old" "$new"

step "lintian on $(basename "$new")"
lintian --info --display-info "$new" > "$work/lintian.txt" 2>&1 || true
cat "$work/lintian.txt"
if grep -q '^E: ' "$work/lintian.txt"; then fail "lintian reports errors"; fi

step "install N"
apt-get install -y -qq "$old" >/dev/null
id mentor-notify >/dev/null || fail "no mentor-notify user"
[ "$(stat -c '%U:%G %a' /var/lib/mentor-notify)" = "mentor-notify:mentor-notify 750" ] || fail "state folder"
[ "$(stat -c '%U:%G %a' /var/lib/mentor-notify/mentor-notify.db)" = "mentor-notify:mentor-notify 640" ] || fail "database"
[ "$(stat -c '%U:%G %a' /etc/mentor-notify/smtp-password)" = "root:mentor-notify 640" ] || fail "secret file mode"
[ "$(systemctl is-enabled mentor-notify.service 2>/dev/null || true)" = disabled ] || fail "the service is enabled before a config exists"
if ldd /usr/bin/mentor-notify | grep -q swift; then fail "links a Swift library"; fi
cat > /etc/mentor-notify/mentor-notify.json <<'JSON'
{ "database": "/var/lib/mentor-notify/mentor-notify.db",
  "spool": "/var/lib/mentor-notify/spool",
  "templates": "/usr/share/mentor-notify/templates",
  "programs": [ { "id": "symb", "preset": "symb", "name": "SYMB MentorKorps",
                  "leaders": [ { "name": "Louise", "email": "louise@example.dk" } ] } ] }
JSON
chgrp mentor-notify /etc/mentor-notify/mentor-notify.json && chmod 0640 /etc/mentor-notify/mentor-notify.json
step "N: check, init, people, a forløb, ticks as the service user without Swift on PATH"
as_service check
as_service init
mentor=$(as_service person add --role mentor --name "Søren Mikkelsen" --email soren@example.dk | tail -1)
mentee=$(as_service person add --role mentee --name "Amira Hansen" --email amira@example.dk | tail -1)
as_service match --mentor "$mentor" --mentee "$mentee" --program symb --start 2026-03-02 >/dev/null
as_service tick --at 2026-03-09T10:00
# Evening: the leader's alert is due, the window is closed, it waits.
as_service tick --at 2026-03-16T22:00
before=$(as_service outbox --json)
pending=$(echo "$before" | python3 -c 'import json,sys; print(sum(r["status"]=="pending" for r in json.load(sys.stdin)))')
sent=$(echo "$before" | python3 -c 'import json,sys; print(sum(r["status"]=="sent" for r in json.load(sys.stdin)))')
[ "$pending" -ge 1 ] && [ "$sent" -ge 2 ] || fail "expected sent and waiting messages before the upgrade ($sent sent, $pending pending)"
schema() { python3 -c 'import sqlite3; print(",".join(r[0] for r in sqlite3.connect("/var/lib/mentor-notify/mentor-notify.db").execute("SELECT id FROM schema_migrations ORDER BY id")))' 2>/dev/null || echo "?"; }
step "N: $sent sent, $pending waiting; schema $(schema)"

step "upgrade to N+1"
apt-get install -y -qq "$new" >/dev/null
[ "$(as_service --version | awk '{print $NF}')" != 0.1.0 ] || fail "still the old binary"
after=$(as_service outbox --json)
echo "$before" | python3 -c '
import json, sys
before = {r["id"]: r["status"] for r in json.load(sys.stdin)}
after = {r["id"]: r["status"] for r in json.loads(sys.argv[1])}
lost = [i for i in before if i not in after or after[i] != before[i]]
sys.exit(f"test-deb: FAIL: rows changed by the upgrade: {lost}" if lost else 0)' "$after"
step "N+1: every row as it was; schema $(schema)"
as_service tick --at 2026-03-17T10:00
left=$(as_service outbox --json | python3 -c 'import json,sys; print(sum(r["status"]=="pending" for r in json.load(sys.stdin)))')
[ "$left" = 0 ] || fail "$left messages still waiting after the morning's tick"
as_service check
as_service status || true
step "N+1: run for a few seconds"
set +e
timeout --preserve-status -s INT 6 runuser -u mentor-notify -- "${plain[@]}" /usr/bin/mentor-notify --config /etc/mentor-notify/mentor-notify.json run 2> "$work/run.log"
code=$?
set -e
grep -q "event=daemon-start" "$work/run.log" || fail "run did not start: $(cat "$work/run.log")"
[ "$code" = 0 ] || fail "run exited $code on SIGINT"
step "man pages"
MANPAGER=cat man mentor-notify 2>/dev/null | grep -q "replies" || fail "man mentor-notify"
MANPAGER=cat man 5 mentor-notify.json 2>/dev/null | grep -q "processedFolder" || fail "man mentor-notify.json"
step "systemd-analyze"
systemd-analyze verify /lib/systemd/system/mentor-notify.service /lib/systemd/system/mentor-notify.socket
systemd-analyze security --offline=true /lib/systemd/system/mentor-notify.service 2>/dev/null | tail -1 || true

step "remove: the data and the config stay"
apt-get remove -y -qq mentor-notify >/dev/null
[ ! -e /usr/bin/mentor-notify ] || fail "the binary is still there"
[ -f /var/lib/mentor-notify/mentor-notify.db ] || fail "remove erased the database"
[ -f /etc/mentor-notify/mentor-notify.json ] || fail "remove erased the config"
step "purge: the data and the config go"
apt-get purge -y -qq mentor-notify >/dev/null
[ ! -e /var/lib/mentor-notify ] || fail "purge left /var/lib/mentor-notify"
[ ! -e /etc/mentor-notify ] || fail "purge left /etc/mentor-notify"
dpkg-deb -f "$new" Depends Installed-Size | sed 's/^/test-deb: /'
echo "test-deb: package size $(stat -c %s "$new") bytes"
echo "test-deb: PASS"
