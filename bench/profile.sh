#!/usr/bin/env bash
# Delivery profile: instruction counts (valgrind's callgrind), which a busy machine does not blur as it
# does wall and CPU times. One tick delivers the delivery benchmark's outbox (bench/lib.sh: café
# invitations, EMAILS by email to an SMTP sink, SMS by SMS to an HTTP stub), and an idle tick follows;
# the C libcurl loop (bench/curl_loop.c) sends the same invitation and SMS under callgrind too.
# Prints, per channel, instructions per message (whole tick, and delivery alone: the tick less the
# idle one) beside the C loop's, the stages per message (inclusive), and the top ten functions by
# their own instructions. BIN: the binary to profile (default the release build); KEEP=DIR keeps the
# callgrind files there.
set -euo pipefail
cd "$(dirname "$0")/.."
emails=${EMAILS:-500}
sms=${SMS:-500}
bin=${BIN:-.build/release/mentor-notify}
[ -x "$bin" ] || scripts/release-build.sh >/dev/null
command -v valgrind >/dev/null || scripts/deps.sh bench
command -v smtp-sink >/dev/null && command -v nginx >/dev/null || scripts/deps.sh test
work=$(mktemp -d)
. bench/lib.sh
delivery_servers "$work"
cleanup() { kill "$sink_pid" 2>/dev/null || true; stop_nginx "$work/nginx"; rm -rf "$work"; }
trap cleanup EXIT
sleep 0.5
delivery_config "$work/config.json" "$smtp_port" "$http_port"
export MENTOR_NOTIFY_SMS_TOKEN=bench
grind() {  # grind NAME COMMAND...: runs COMMAND under callgrind into $work/NAME; prints its instructions
    valgrind --tool=callgrind --callgrind-out-file="$work/$1" "${@:2}" >/dev/null 2>"$work/$1.log"
    sed -n 's/^events: Ir$//; s/^summary: //p' "$work/$1"
}
# The C loop's sample: one invitation as mentor-notify renders it, through the spool.
python3 -c "
import json; c = json.load(open('$work/config.json')); del c['email']; del c['sms']; c['spool'] = '$work/spool'; print(json.dumps(c))
" > "$work/spool.json"
delivery_queue "$bin" "$work/config.json" "$work/sample.db" email 1
MENTOR_NOTIFY_DB="$work/sample.db" "$bin" --log-level error --config "$work/spool.json" tick --at 2026-11-23T09:30 \
    >/dev/null
samples=("$work"/spool/*.eml)
gcc -O2 -o "$work/curl_loop" bench/curl_loop.c -lcurl
loop() {  # loop NAME EMAILS SMS: the C loop under callgrind
    grind "$1" "$work/curl_loop" "smtp://127.0.0.1:$smtp_port" "$2" "http://127.0.0.1:$http_port/rest/mtsms" "$3" \
        "${samples[0]}"
}
c_none=$(loop c-none 0 0)
c_email=$(loop c-email "$emails" 0)
c_sms=$(loop c-sms 0 "$sms")
for channel in email sms; do
    count=$emails
    [ "$channel" = sms ] && count=$sms
    delivery_queue "$bin" "$work/config.json" "$work/$channel.db" "$channel" "$count"
    export MENTOR_NOTIFY_DB="$work/$channel.db"
    tick=("$bin" --config "$work/config.json" --log-level error tick)
    # A tick before, under callgrind too, as the service's earlier ticks were: under valgrind
    # /proc/self/exe is valgrind's, so the fingerprint of the program (IdlePlan) and the SMS length
    # check remembered under it would be new to the profiled tick, which no real tick of an
    # unchanged program, config and texts sees. The window is closed then: nothing is sent.
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "${tick[@]}" --at 2026-11-22T21:01 >/dev/null 2>&1
    grind "$channel" "${tick[@]}" --at 2026-11-23T09:30 > "$work/$channel.total"
    grind "$channel-idle" "${tick[@]}" --at 2026-11-23T09:31 > "$work/$channel.idle"
    sent=$(sqlite3 "$work/$channel.db" "SELECT count(*) FROM outbox WHERE status = 'sent'")
    callgrind_annotate --inclusive=yes --threshold=100 "$work/$channel" 2>/dev/null | swift demangle --simplified \
        > "$work/$channel.inclusive"
    callgrind_annotate --threshold=100 "$work/$channel" 2>/dev/null | swift demangle --simplified > "$work/$channel.self"
    python3 - "$channel" "$sent" "$(cat "$work/$channel.total")" "$(cat "$work/$channel.idle")" \
        "$c_none" "$c_email" "$c_sms" "$work/$channel.inclusive" "$work/$channel.self" "$count" <<'PY'
import re, sys
channel, sent, total, idle, c_none, c_email, c_sms = sys.argv[1], int(sys.argv[2]), *map(int, sys.argv[3:8])
inclusive, own = open(sys.argv[8]).read().splitlines(), open(sys.argv[9]).read().splitlines()
line = re.compile(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$")
def rows(lines):
    for text in lines:
        m = line.match(text)
        if m and "PROGRAM TOTALS" not in m.group(2):
            yield int(m.group(1).replace(",", "")), m.group(2)
def stage(pattern):
    # A function's inclusive count; callgrind lists it once per source file it has code from (inlining),
    # and the largest of those lines is the whole function.
    return max((ir for ir, name in rows(inclusive) if pattern in name), default=0)
n = max(sent, 1)
c_per = ((c_email if channel == "email" else c_sms) - c_none) / int(sys.argv[10])
print(f"profile: {channel}: {sent} sent; {total / n / 1000:.0f}k instructions each (whole tick), "
      f"{(total - idle) / n / 1000:.0f}k (delivery alone: the tick less an idle one, {idle / 1e6:.0f}M); "
      f"C loop {c_per / 1000:.0f}k each; ratio {(total - idle) / n / c_per:.1f}x (delivery alone)")
stages = [
    ("start-up: templates loaded", "TemplateCatalog.load(directory:)"),
    ("planning (the cycle's plan)", "Cycle.plan(now:since:today:report:)"),
    ("lease", "Store.lease(now:leaseSeconds:limit:windowOpen:channel:)"),
    ("policy checks", "Deliverer.check(_:now:people:relationships:)"),
    ("building the message", "Deliverer.message(_:to:body:now:)"),
    ("libcurl (curl_easy_perform)", "curl_easy_perform"),
    ("sent journal (record)", "SentJournal.record("),
    ("sent marks (journal to SQLite)", "SentJournal.commit(to:)"),
    ("durability barrier", "Store.deliveryBarrier()"),
]
for label, pattern in stages:
    ir = stage(pattern)
    per = f"{ir / n / 1000:8.1f}k each" if not label.startswith(("start-up", "planning")) else f"{ir / 1e6:8.1f}M once"
    print(f"profile: {channel}:   {label:34} {per}")
print(f"profile: {channel}: top ten functions by their own instructions (of {total / 1e6:.0f}M):")
for ir, name in list(rows(own))[:10]:
    print(f"profile: {channel}:   {ir / 1e6:7.1f}M  {name[:150]}")
PY
done
if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp "$work"/email "$work"/sms "$work"/*.inclusive "$work"/*.self "$KEEP"/; fi
