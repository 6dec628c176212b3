#!/usr/bin/env bash
# The part of make test-deb that runs inside the booted Debian 12 container (see scripts/test-deb.sh),
# as root under the container's systemd, with /test holding previous.deb (N) and current.deb (N+1).
# Installs N and leaves data, upgrades to N+1 (nothing lost), then drives the units as systemd
# runs them: the service starts (READY=1), reloads (SIGHUP) and stops, and the journal of each has
# no warning from our units; the backup timer is installed and enabled, every unit passes
# systemd-analyze verify, the backup service scores no worse than the service; the backup service
# writes a copy; a copy of N's database is restored and migrated; remove keeps the data, purge
# erases it.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
fail() { echo "test-deb: FAIL: $*" >&2; exit 1; }
step() { echo "test-deb: $*"; }
skip() { echo "test-deb: SKIPPED: $*"; }
units=(mentor-notify.service mentor-notify.socket mentor-notify-backup.service mentor-notify-backup.timer)
plain=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/var/lib/mentor-notify)
as_service() { runuser -u mentor-notify -- "${plain[@]}" /usr/bin/mentor-notify --config /etc/mentor-notify/mentor-notify.json "$@"; }
db=/var/lib/mentor-notify/mentor-notify.db
schema() { python3 -c 'import sqlite3,sys; print(",".join(r[0] for r in sqlite3.connect(sys.argv[1]).execute("SELECT id FROM schema_migrations ORDER BY id")))' "$1"; }
count() { python3 -c 'import json,sys; print(sum(r["status"]==sys.argv[1] for r in json.load(sys.stdin)))' "$1"; }
# A command is there when the binary's usage lists it (`backup` and `restore` come with SPEC.md's
# "Backups"; a build without them says so here rather than pretending).
has_command() { /usr/bin/mentor-notify --help 2>&1 | grep -Eq "^  $1( |$)"; }

# The journal since `mark`, from our units and from systemd about them: any line at warning or
# above fails, and so does Dispatch's thread-priority complaint (it logs at notice).
mark() { journalctl --show-cursor -n 0 -q | sed -n 's/^-- cursor: //p'; }
journal_clean() {
    local what=$1 cursor=$2 matches=() unit
    journalctl --sync
    for unit in "${units[@]}"; do matches+=(-u "$unit"); done
    local all warnings
    all=$(journalctl -q --no-pager -o short-precise --after-cursor="$cursor" "${matches[@]}")
    warnings=$(journalctl -q --no-pager -o short-precise --after-cursor="$cursor" -p warning "${matches[@]}")
    echo "$all" | sed "s/^/test-deb:   [$what] /"
    if [ -n "$warnings" ]; then fail "the journal of the $what has warnings: $warnings"; fi
    if echo "$all" | grep -qi "thread priority"; then fail "the journal of the $what has Dispatch's thread-priority line"; fi
}
wait_journal() {
    local cursor=$1 pattern=$2 i
    for i in $(seq 100); do
        journalctl -q --no-pager --after-cursor="$cursor" -u mentor-notify.service | grep -q "$pattern" && return 0
        sleep 0.1
    done
    fail "no '$pattern' in the journal within 10 s"
}

step "in the container: $(systemctl --version | head -1), $(. /etc/os-release; echo "$PRETTY_NAME"), state $(systemctl is-system-running || true)"
step "install N"
apt-get install -y -qq /test/previous.deb >/dev/null
id mentor-notify >/dev/null || fail "no mentor-notify user"
[ "$(stat -c '%U:%G %a' /var/lib/mentor-notify)" = "mentor-notify:mentor-notify 750" ] || fail "state folder"
[ "$(stat -c '%U:%G %a' $db)" = "mentor-notify:mentor-notify 640" ] || fail "database"
[ "$(stat -c '%U:%G %a' /etc/mentor-notify/smtp-password)" = "root:mentor-notify 640" ] || fail "secret file mode"
[ "$(systemctl is-enabled mentor-notify.service 2>/dev/null || true)" = disabled ] || fail "the service is enabled before a config exists"
if ldd /usr/bin/mentor-notify | grep -q swift; then fail "links a Swift library"; fi
backup_config=""
if has_command backup; then backup_config='"backup": { "dir": "/var/backups/mentor-notify", "keep": 14 },'; fi
cat > /etc/mentor-notify/mentor-notify.json <<JSON
{ "database": "$db",
  "spool": "/var/lib/mentor-notify/spool",
  "templates": "/usr/share/mentor-notify/templates",
  $backup_config
  "programs": [ { "id": "symb", "preset": "symb", "name": "SYMB MentorKorps",
                  "leaders": [ { "name": "Louise", "email": "louise@example.dk" } ] } ] }
JSON
chgrp mentor-notify /etc/mentor-notify/mentor-notify.json && chmod 0640 /etc/mentor-notify/mentor-notify.json
old_config=/etc/mentor-notify/mentor-notify.json
# N knows no backup key: it reads a config without one until the upgrade.
if [ -n "$backup_config" ]; then
    grep -v '"backup"' /etc/mentor-notify/mentor-notify.json > /root/n.json
    chgrp mentor-notify /root/n.json && chmod 0640 /root/n.json && chmod 0711 /root
    old_config=/root/n.json
fi
as_old() { runuser -u mentor-notify -- "${plain[@]}" /usr/bin/mentor-notify --config "$old_config" "$@"; }

step "N: check, init, people, a forløb, ticks as the service user"
as_old check
as_old init
mentor=$(as_old person add --role mentor --name "Søren Mikkelsen" --email soren@example.dk | tail -1)
mentee=$(as_old person add --role mentee --name "Amira Hansen" --email amira@example.dk | tail -1)
as_old match --mentor "$mentor" --mentee "$mentee" --program symb --start 2026-03-02 >/dev/null
as_old tick --at 2026-03-09T10:00
# Evening: the leader's alert is due, the window is closed, it waits.
as_old tick --at 2026-03-16T22:00
before=$(as_old outbox --json)
pending=$(echo "$before" | count pending)
sent=$(echo "$before" | count sent)
[ "$pending" -ge 1 ] && [ "$sent" -ge 2 ] || fail "expected sent and waiting messages before the upgrade ($sent sent, $pending pending)"
# A copy of N's database as N left it (SQLite's online backup), for the restore below.
python3 -c 'import sqlite3,sys; sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))' $db /root/n-copy.db
old_schema=$(schema $db)
step "N: $sent sent, $pending waiting; schema $old_schema"

step "upgrade to N+1"
apt-get install -y -qq /test/current.deb >/dev/null
[ "$(as_service --version | awk '{print $NF}')" != 0.1.0 ] || fail "still the old binary"
after=$(as_service outbox --json)
echo "$before" | python3 -c '
import json, sys
before = {r["id"]: r["status"] for r in json.load(sys.stdin)}
after = {r["id"]: r["status"] for r in json.loads(sys.argv[1])}
lost = [i for i in before if i not in after or after[i] != before[i]]
sys.exit(f"test-deb: FAIL: rows changed by the upgrade: {lost}" if lost else 0)' "$after"
new_schema=$(schema $db)
step "N+1: every row as it was; schema $new_schema"
as_service check
# Before the service runs a cycle at today's clock, after which a tick in March is refused.
as_service tick --at 2026-03-17T10:00 >/dev/null
left=$(as_service outbox --json | count pending)
[ "$left" = 0 ] || fail "$left messages still waiting after the morning's tick"

step "units: installed, the timer enabled and waiting, systemd-analyze verify"
for unit in "${units[@]}"; do [ -f "/lib/systemd/system/$unit" ] || fail "$unit not installed"; done
[ "$(systemctl is-enabled mentor-notify-backup.timer)" = enabled ] || fail "the backup timer is not enabled"
[ "$(systemctl is-active mentor-notify-backup.timer)" = active ] || fail "the backup timer is not active"
[ "$(stat -c '%U:%G %a' /var/backups/mentor-notify)" = "mentor-notify:mentor-notify 750" ] || fail "backup folder"
systemctl list-timers --all --no-pager mentor-notify-backup.timer | sed 's/^/test-deb:   /'
systemctl show -p Persistent,RandomizedDelayUSec mentor-notify-backup.timer | sed 's/^/test-deb:   /'
(cd /lib/systemd/system && systemd-analyze verify "${units[@]}") || fail "systemd-analyze verify"
score() { systemd-analyze security --no-pager "$1" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p'; }
main_score=$(score mentor-notify.service)
backup_score=$(score mentor-notify-backup.service)
step "systemd-analyze security: mentor-notify.service $main_score, mentor-notify-backup.service $backup_score"
python3 -c 'import sys; sys.exit(0 if float(sys.argv[2]) <= float(sys.argv[1]) else 1)' "$main_score" "$backup_score" \
    || fail "the backup service is less hardened than the service ($backup_score > $main_score)"

step "the service: start (READY=1), reload (SIGHUP), stop, each with a clean journal"
cursor=$(mark)
systemctl start mentor-notify.service
# Type=notify: start returns once the daemon said READY=1.
[ "$(systemctl show -P SubState mentor-notify.service)" = running ] || fail "not running after start"
wait_journal "$cursor" "event=cycle "
step "  $(systemctl show -P StatusText mentor-notify.service)"
journal_clean start "$cursor"
cursor=$(mark)
systemctl reload mentor-notify.service
wait_journal "$cursor" "event=reloaded"
journal_clean reload "$cursor"
cursor=$(mark)
systemctl stop mentor-notify.service
wait_journal "$cursor" "event=daemon-stop"
[ "$(systemctl show -P Result mentor-notify.service)" = success ] || fail "the service's result is $(systemctl show -P Result mentor-notify.service)"
[ "$(systemctl show -P NRestarts mentor-notify.service)" = 0 ] || fail "the service restarted"
journal_clean stop "$cursor"

if has_command backup; then
    step "the backup service, once"
    cursor=$(mark)
    systemctl start mentor-notify-backup.service || true
    [ "$(systemctl show -P Result mentor-notify-backup.service)" = success ] \
        || { journalctl -q --no-pager -u mentor-notify-backup.service; fail "the backup service failed"; }
    journal_clean backup "$cursor"
    copy=$(ls /var/backups/mentor-notify/mentor-notify-*.db 2>/dev/null | tail -1)
    [ -n "$copy" ] || fail "no backup in /var/backups/mentor-notify"
    [[ $(basename "$copy") =~ ^mentor-notify-[0-9]{8}-[0-9]{6}\.db$ ]] || fail "backup name $copy"
    [ "$(stat -c '%U:%G %a' "$copy")" = "mentor-notify:mentor-notify 640" ] || fail "backup mode $(stat -c '%U:%G %a' "$copy")"
    [ "$(schema "$copy")" = "$new_schema" ] || fail "the backup's schema differs"
    step "  $copy, $(stat -c %s "$copy") bytes"
else
    skip "the backup service: this build has no 'backup' command (SPEC.md \"Backups\"); the timer and unit are checked above"
fi

if has_command restore; then
    step "restore a copy of N's database (schema $old_schema) with the service stopped"
    install -o mentor-notify -g mentor-notify -m 0640 /root/n-copy.db /var/backups/mentor-notify/from-n.db
    as_service restore /var/backups/mentor-notify/from-n.db
    [ "$(schema $db)" = "$new_schema" ] || fail "the restored database was not migrated: $(schema $db)"
    ls /var/lib/mentor-notify/*before-restore* >/dev/null 2>&1 || fail "no ….before-restore beside the database"
    restored=$(as_service outbox --json)
    echo "$before" | python3 -c '
import json, sys
before = {r["id"]: r["status"] for r in json.load(sys.stdin)}
after = {r["id"]: r["status"] for r in json.loads(sys.argv[1])}
lost = [i for i in before if i not in after or (before[i] == "sent" and after[i] != "sent")]
sys.exit(f"test-deb: FAIL: rows lost or sent again after the restore: {lost}" if lost else 0)' "$restored"
    as_service check
    step "  restored and migrated to $new_schema; what N had sent stays sent"
else
    skip "restore of N's database: this build has no 'restore' command (SPEC.md \"Backups\")"
fi

step "remove: the data, the backups and the config stay; the timer goes"
apt-get remove -y -qq mentor-notify >/dev/null
[ ! -e /usr/bin/mentor-notify ] || fail "the binary is still there"
[ -f $db ] || fail "remove erased the database"
[ -d /var/backups/mentor-notify ] || fail "remove erased the backups"
[ -f /etc/mentor-notify/mentor-notify.json ] || fail "remove erased the config"
[ "$(systemctl is-active mentor-notify-backup.timer || true)" != active ] || fail "the timer still runs after remove"
step "purge: the data, the backups and the config go"
apt-get purge -y -qq mentor-notify >/dev/null
[ ! -e /var/lib/mentor-notify ] || fail "purge left /var/lib/mentor-notify"
[ ! -e /var/backups/mentor-notify ] || fail "purge left /var/backups/mentor-notify"
[ ! -e /etc/mentor-notify ] || fail "purge left /etc/mentor-notify"
[ -z "$(find /etc/systemd/system -name 'mentor-notify*')" ] || fail "purge left unit links: $(find /etc/systemd/system -name 'mentor-notify*')"
step "inside the container: PASS"
