# Shared by the benchmarks (sourced): a free loopback port, nginx answering every request with a
# fixed JSON 200 — the SMS gateway's stand-in, or the static baseline a measurement is set beside —
# and the delivery benchmark's config and outbox (bench/delivery.sh, bench/profile.sh).

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# static_nginx DIR PORT BODY: nginx with its files in DIR, on 127.0.0.1:PORT, answering BODY.
static_nginx() {
    mkdir -p "$1/logs"
    cat > "$1/nginx.conf" <<NGINX
worker_processes 1;
error_log $1/error.log;
pid $1/nginx.pid;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $1;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$2;
        location / { default_type application/json; return 200 '$3'; }
    }
}
NGINX
    nginx -p "$1" -c "$1/nginx.conf"
}

# stop_nginx DIR: stops the nginx static_nginx started there.
stop_nginx() { nginx -p "$1" -c "$1/nginx.conf" -s stop 2>/dev/null || true; }

# delivery_config FILE SMTP_PORT HTTP_PORT: the delivery benchmark's config, email to an SMTP sink and
# SMS through gatewayapi's API to a stub, café evenings every other Wednesday.
delivery_config() {
    cat > "$1" <<JSON
{ "email": { "url": "smtp://127.0.0.1:$2", "from": "Mentorshoppen <noreply@example.dk>", "starttls": "none" },
  "sms": { "provider": "gatewayapi", "url": "http://127.0.0.1:$3/rest/mtsms", "sender": "Mentor" },
  "templates": "$PWD/templates",
  "programs": [ { "id": "holstebro", "preset": "mentorshoppen", "name": "Mentorshoppen Holstebro",
                  "leaders": [ { "name": "Elias", "email": "leder@example.dk" } ],
                  "cafe": { "weekday": "wednesday", "time": "18:00", "everyWeeks": 2, "from": "2026-01-07",
                            "place": "Mentorshoppen" } } ] }
JSON
}

# delivery_queue BIN CONFIG DB CHANNEL COUNT: a new database with COUNT forløb whose mentee takes
# CHANNEL, their café invitations enqueued by a tick after the send window closed and not yet sent
# (the next morning's tick, 2026-11-23T09:30, delivers them).
delivery_queue() {
    rm -f "$3" "$3"-*
    MENTOR_NOTIFY_DB="$3" "$1" init >/dev/null 2>&1
    python3 - "$3" "$4" "$5" <<'PY'
import sqlite3, sys
db, channel, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
con = sqlite3.connect(db)
rows = []
for i in range(1, n + 1):
    rows.append((2 * i - 1, "mentor", f"Mentor {i}", f"m{i}@example.dk", None, "email"))
    rows.append((2 * i, "mentee", f"Mentee {i}", f"p{i}@example.dk" if channel == "email" else None,
                 f"+4520{i:06d}" if channel == "sms" else None, channel))
con.executemany("INSERT INTO person (id, role, name, email, phone, channels) VALUES (?, ?, ?, ?, ?, ?)", rows)
con.executemany("INSERT INTO relationship (mentor_id, mentee_id, program, start_date, planned_end) VALUES (?, ?, 'holstebro', '2026-11-20', '2027-11-20')",
                ((2 * i - 1, 2 * i) for i in range(1, n + 1)))
con.commit()
PY
    MENTOR_NOTIFY_DB="$3" "$1" --config "$2" --log-level error tick --at 2026-11-22T21:00 >/dev/null
}

# delivery_servers DIR: an SMTP sink (postfix's smtp-sink) and the SMS gateway's stand-in (nginx) on
# free loopback ports, nginx's files in DIR; sets smtp_port, http_port and sink_pid.
delivery_servers() {
    smtp_port=$(free_port)
    http_port=$(free_port)
    smtp-sink -u nobody 127.0.0.1:"$smtp_port" 256 &
    sink_pid=$!
    static_nginx "$1/nginx" "$http_port" '{"ids":[1]}'
}
