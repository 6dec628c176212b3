#!/usr/bin/env bash
# Replies benchmark: 1,000 replies waiting in Dovecot, read in one cycle (STATUS, UID SEARCH, a FETCH
# per message, MIME and the reply table, one transaction each with the contact and the confirmation,
# UID MOVE), next to the curl command line fetching the same 1,000 messages over one connection with
# URL globbing (fetch only: the floor for getting the bytes through libcurl). ROUNDS times each.
set -euo pipefail
cd "$(dirname "$0")/.."
replies=${REPLIES:-1000}
rounds=${ROUNDS:-3}
bin=$PWD/.build/release/mentor-notify
[ -x "$bin" ] || scripts/release-build.sh >/dev/null
work=$(mktemp -d)
chmod 755 "$work"
coproc IMAP { exec python3 Tests/Support/imap_server.py --dir "$work/imap"; }
read -r ready port <&"${IMAP[0]}"
[ "$ready" = READY ] || { echo "replies: Dovecot did not start" >&2; exit 1; }
cleanup() { exec {IMAP[1]}>&- 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
maildir=$work/imap/mail/svar/Maildir
printf hemmelig > "$work/pw" && chmod 600 "$work/pw"
cat > "$work/config.json" <<JSON
{ "replies": { "address": "svar@example.dk",
               "imap": { "url": "imap://127.0.0.1:$port/INBOX", "username": "svar", "passwordFile": "$work/pw",
                         "starttls": "none" } },
  "spool": "$work/spool", "templates": "$PWD/templates",
  "programs": [ { "id": "symb", "preset": "symb", "leaders": [ { "name": "Louise", "email": "l@example.dk" } ],
                  "contactNudgeDays": null, "firstMeetingReminderDays": null, "firstMeetingAlertDays": null,
                  "missedContactDays": null } ] }
JSON
export MENTOR_NOTIFY_CONFIG=$work/config.json MENTOR_NOTIFY_DB=$work/bench.db
# seed: a fresh database whose mentors were each asked about their hours, and their answers in INBOX.
seed() {
    rm -rf "$work"/bench.db* "$work/spool" "$maildir/.Processed"
    "$bin" init >/dev/null 2>&1
    python3 - "$work/bench.db" "$maildir" "$replies" <<'PY'
import sys
sys.path.insert(0, "scripts")
import reply_fixture
answer = ("3,5\r\n\r\nDen fre. 20. mar. 2026 kl. 09.00 skrev Mentorshoppen <svar@example.dk>:\r\n> Hej\r\n"
          + "> tekst\r\n" * 40)
reply_fixture.seed(sys.argv[1], sys.argv[2], int(sys.argv[3]), "monthly-hours", "2026-03", answer, "localhost",
                   "Jeres kontakt i marts", name_suffix="bench")
PY
}
seconds() { python3 -c 'import time; print(time.monotonic())'; }
ours=(); theirs=()
for round in $(seq "$rounds"); do
    seed
    # curl: the same messages, fetched by UID over one connection (Dovecot numbers them 1..N afresh
    # for each round's INBOX is not guaranteed, so the UIDs are asked for first).
    uids=$(curl -s -u svar:hemmelig "imap://127.0.0.1:$port/INBOX" -X "UID SEARCH ALL" | tr -dc '0-9 \n' | tr ' ' '\n' | grep . | sort -n)
    first=$(echo "$uids" | head -1); last=$(echo "$uids" | tail -1)
    start=$(seconds)
    curl -s -u svar:hemmelig "imap://127.0.0.1:$port/INBOX;UID=[$first-$last]" -o /dev/null
    end=$(seconds)
    theirs+=("$(python3 -c "print(f'{$end - $start:.3f}')")")
    start=$(seconds)
    "$bin" --log-level warning tick --at 2026-03-20T19:00 >/dev/null
    end=$(seconds)
    ours+=("$(python3 -c "print(f'{$end - $start:.3f}')")")
    acted=$(python3 -c "import sqlite3; print(sqlite3.connect('$work/bench.db').execute(\"SELECT count(*) FROM inbound WHERE action='hours'\").fetchone()[0])")
    [ "$acted" = "$replies" ] || { echo "replies: round $round acted on $acted of $replies" >&2; exit 1; }
done
python3 - "$replies" "${ours[*]}" "${theirs[*]}" <<'PY'
import statistics, sys
n = int(sys.argv[1]); ours = [float(x) for x in sys.argv[2].split()]; theirs = [float(x) for x in sys.argv[3].split()]
mo, mt = statistics.median(ours), statistics.median(theirs)
print(f"replies: {n} replies from Dovecot in one cycle: median {mo:.2f} s ({mo / n * 1000:.2f} ms a reply: fetch, read, "
      f"act, confirm, move); rounds {', '.join(f'{x:.2f}' for x in ours)}")
print(f"replies: curl fetching the same {n} messages (fetch only): median {mt:.2f} s ({mt / n * 1000:.2f} ms a message); "
      f"rounds {', '.join(f'{x:.2f}' for x in theirs)}")
print(f"replies: ratio {mo / mt:.1f}x the fetch-only floor")
PY
