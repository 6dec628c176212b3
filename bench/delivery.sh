#!/usr/bin/env bash
# Delivery benchmark: 2,000 emails to an SMTP sink (postfix's smtp-sink) and 5,000 SMS to an HTTP stub
# (nginx), end to end from the outbox with its bookkeeping, next to a plain C loop with one reused
# libcurl handle (the limit) and Python's smtplib on one connection (the peer), in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
emails=${EMAILS:-2000}
sms=${SMS:-5000}
bin=.build/release/mentor-notify
[ -x "$bin" ] || swift build -c release --product mentor-notify >/dev/null
command -v smtp-sink >/dev/null && command -v nginx >/dev/null || {
    echo "delivery: installing postfix (for smtp-sink) and nginx-light" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix nginx-light >/dev/null
}
work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
smtp_port=$(free_port)
http_port=$(free_port)
smtp-sink -u nobody 127.0.0.1:"$smtp_port" 256 &
sink_pid=$!
mkdir -p "$work/nginx/logs"
cat > "$work/nginx/nginx.conf" <<NGINX
worker_processes 1;
error_log $work/nginx/error.log;
pid $work/nginx/nginx.pid;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $work/nginx;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$http_port;
        location / { default_type application/json; return 200 '{"ids":[1]}'; }
    }
}
NGINX
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
cleanup() { kill "$sink_pid" 2>/dev/null || true; nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
sleep 0.5


py_email=$(python3 - "$smtp_port" "$emails" <<'PY'
import smtplib, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
message = ("From: <noreply@example.dk>\r\nTo: <leder@example.dk>\r\nSubject: benchmark\r\n\r\nHej Amira\r\n").encode()
s = smtplib.SMTP("127.0.0.1", port)
start = time.monotonic()
for _ in range(n):
    s.sendmail("noreply@example.dk", ["leder@example.dk"], message)
print(round(n / (time.monotonic() - start)))
s.quit()
PY
)

# mentor-notify: 7,000 mentees in active forløb invited to a café evening. The invitations are planned and
# enqueued by a tick after the send window closed; the next morning's tick delivers them, and is timed.
export MENTOR_NOTIFY_DB="$work/bench.db"
"$bin" init >/dev/null 2>&1
python3 - "$MENTOR_NOTIFY_DB" "$emails" "$sms" <<'PY'
import sqlite3, sys
db, emails, sms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
n = emails + sms
con = sqlite3.connect(db)
rows = []
for i in range(1, n + 1):
    rows.append((2 * i - 1, "mentor", f"Mentor {i}", f"m{i}@example.dk", None, "email"))
    rows.append((2 * i, "mentee", f"Mentee {i}", f"p{i}@example.dk" if i <= emails else None,
                 f"+4520{i:06d}" if i > emails else None, "email" if i <= emails else "sms"))
con.executemany("INSERT INTO person (id, role, name, email, phone, channels) VALUES (?, ?, ?, ?, ?, ?)", rows)
con.executemany("INSERT INTO relationship (mentor_id, mentee_id, program, start_date, planned_end) VALUES (?, ?, 'holstebro', '2026-11-20', '2027-11-20')",
                ((2 * i - 1, 2 * i) for i in range(1, n + 1)))
con.commit()
PY
cat > "$work/config.json" <<JSON
{ "email": { "url": "smtp://127.0.0.1:$smtp_port", "from": "Mentorshoppen <noreply@example.dk>", "starttls": "none" },
  "sms": { "provider": "gatewayapi", "url": "http://127.0.0.1:$http_port/rest/mtsms", "sender": "Mentor" },
  "templates": "$PWD/templates",
  "programs": [ { "id": "holstebro", "preset": "mentorshoppen", "name": "Mentorshoppen Holstebro",
                  "leaders": [ { "name": "Elias", "email": "leder@example.dk" } ],
                  "cafe": { "weekday": "wednesday", "time": "18:00", "everyWeeks": 2, "from": "2026-01-07",
                            "place": "Mentorshoppen" } } ] }
JSON
export MENTOR_NOTIFY_SMS_TOKEN=bench
"$bin" --config "$work/config.json" --log-level error tick --at 2026-11-22T21:00 >/dev/null
# The baseline sends the very bytes mentor-notify sends: one invitation rendered through the spool.
cp "$MENTOR_NOTIFY_DB" "$work/sample.db"
python3 -c "
import json; c = json.load(open('$work/config.json')); del c['email']; del c['sms']; c['spool'] = '$work/sample-spool'; print(json.dumps(c))
" > "$work/sample.json"
MENTOR_NOTIFY_DB="$work/sample.db" "$bin" --log-level error --config "$work/sample.json" tick --at 2026-11-23T09:30 >/dev/null
samples=("$work"/sample-spool/*.eml)
sample=${samples[0]}
gcc -O2 -o "$work/curl_loop" bench/curl_loop.c -lcurl
read -r c_email c_sms < <("$work/curl_loop" "smtp://127.0.0.1:$smtp_port" "$emails" "http://127.0.0.1:$http_port/rest/mtsms" "$sms" "$sample")
printf 'delivery: the baseline sends %s (%d bytes, an invitation with its calendar part)\n' "$(basename "$sample")" "$(wc -c < "$sample")"
queued=$(sqlite3 "$MENTOR_NOTIFY_DB" "SELECT count(*) FROM outbox WHERE status = 'pending'")
start=$(date +%s.%N)
${PERF:-} /usr/bin/time -f "%M" -o "$work/rss" "$bin" --config "$work/config.json" --log-level error tick --at 2026-11-23T09:30 >/dev/null
end=$(date +%s.%N)
# The same cycle again with nothing left to send: what planning and start-up cost on their own.
idle_start=$(date +%s.%N)
"$bin" --config "$work/config.json" --log-level error tick --at 2026-11-23T09:31 >/dev/null
idle_end=$(date +%s.%N)
sent=$(sqlite3 "$MENTOR_NOTIFY_DB" "SELECT count(*) FROM outbox WHERE status = 'sent'")
sent_email=$(sqlite3 "$MENTOR_NOTIFY_DB" "SELECT count(*) FROM outbox WHERE status = 'sent' AND channel = 'email'")
python3 - "$start" "$end" "$sent" "$sent_email" "$emails" "$sms" "$c_email" "$c_sms" "$py_email" "$(cat "$work/rss")" "$idle_start" "$idle_end" <<'PY'
import sys
start, end, sent, sent_email, emails, sms, c_email, c_sms, py_email, rss, idle_start, idle_end = sys.argv[1:]
idle = float(idle_end) - float(idle_start)
total = float(end) - float(start)
sent, sent_email = int(sent), int(sent_email)
rate = sent / total
# The C loop's time for the same mix, to compare one mixed run against the limit.
c_time = int(emails) / float(c_email) + int(sms) / float(c_sms)
print(f"delivery: mentor-notify sent {sent} of {int(emails) + int(sms)} queued invitations ({sent_email} email, {sent - sent_email} SMS) "
      f"in {total:.2f} s = {rate:.0f} msg/s, peak {int(rss) // 1024} MiB, with outbox bookkeeping (synchronous=FULL)")
print(f"delivery: C libcurl loop (limit): {c_email} emails/s, {c_sms} SMS/s -> same mix in {c_time:.2f} s")
print(f"delivery: Python smtplib, one connection (peer): {py_email} emails/s")
delivering = total - idle
print(f"delivery: of which the cycle's start-up and planning (an idle tick): {idle:.2f} s; delivering: {delivering:.2f} s "
      f"= {sent / delivering:.0f} msg/s")
print(f"delivery: mentor-notify / C loop = {c_time / total:.2f}x whole tick, {c_time / delivering:.2f}x delivery alone "
      f"(goal >= 0.9x)")
PY
