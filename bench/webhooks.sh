#!/usr/bin/env bash
# Webhooks benchmark: signed GatewayAPI inbound webhooks (each a new message id with a token of its
# own, so each is verified, read and recorded in its own transaction) posted over keep-alive by wrk
# to `run`'s endpoint for SECONDS_EACH (default 15), while another client holds all 64 of the
# endpoint's connections open and idle; next to nginx answering a static 200 to the same requests on
# the same machine. Prints requests/s, the 99th percentile latency and the non-2xx answers.
# Then the same webhooks without the idle holder, alone and while leaders work at the desk (signed-in
# sessions loading the attention page and pair pages in a loop, 4 connections, no pause) in one run:
# the desk runs on stores of its own, never under the endpoint's lock.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${MENTOR_NOTIFY_BIN:-$PWD/.build/release/mentor-notify}
[ -x "$bin" ] || scripts/release-build.sh >/dev/null
command -v wrk >/dev/null && command -v nginx >/dev/null || {
    echo "webhooks: installing wrk and nginx-light" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null
}
work=$(mktemp -d)
. bench/lib.sh
port=$(free_port); static=$(free_port)
printf 's3cret' > "$work/secret"; printf 'token' > "$work/token"; chmod 600 "$work/secret" "$work/token"
cat > "$work/config.json" <<JSON
{ "http": { "listen": "127.0.0.1:$port", "publicURL": "https://mentor.example.dk" }, "desk": { "enabled": true },
  "sms": { "provider": "gatewayapi", "url": "http://127.0.0.1:9/rest/mtsms", "sender": "Mentor",
           "tokenFile": "$work/token", "webhookSecretFile": "$work/secret" },
  "templates": "$PWD/templates",
  "programs": [ { "id": "symb", "preset": "symb", "leaders": [ { "name": "L", "email": "l@example.dk" },
                                                                { "name": "M", "email": "m@example.dk" } ] } ] }
JSON
export MENTOR_NOTIFY_DB=$work/bench.db MENTOR_NOTIFY_CONFIG=$work/config.json
"$bin" init >/dev/null 2>&1
# A program for the leaders' pages to show: 400 people, 200 forløb, 1500 contacts.
python3 bench/generate.py --dir "$work/data" --people 400 --forloeb 200 --contacts 1500 --program symb
# Contacts are logged after they happen: the generator's later ones are left out.
python3 - "$work/data/contacts.csv" <<'PY'
import datetime, sys
rows = open(sys.argv[1], encoding="utf-8").read().splitlines()
today = datetime.date.today().isoformat()
open(sys.argv[1], "w", encoding="utf-8").write("\n".join([rows[0]] + [r for r in rows[1:] if r.split(",")[2] <= today]) + "\n")
PY
for kind in people relationships contacts; do
    "$bin" --log-level error import "$kind" "$work/data/$kind.csv" >/dev/null
done
"$bin" --log-level warning run 2> "$work/run.log" &
daemon=$!
static_nginx "$work/nginx" "$static" '{}'
cleanup() { kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; stop_nginx "$work/nginx"; rm -rf "$work"; }
trap cleanup EXIT
# GatewayAPI signs each event: the JWT's payload is the body. Tokens are made here, one per message
# id, and wrk posts each body with its own token (a token never opens another body).
python3 - "$work/signed" <<'PY'
import base64, hashlib, hmac, sys
b = lambda x: base64.urlsafe_b64encode(x).rstrip(b"=").decode()
head = b(b'{"alg":"HS256","typ":"JWT"}')
with open(sys.argv[1], "w") as out:
    for thread in (1, 2):
        for n in range(1, 60001):
            body = '{"id": %d, "msisdn": 4599%06d, "receiver": 4512345678, "message": "ja"}' % (thread * 1000000 + n, n)
            payload = b(body.encode())
            token = f"{head}.{payload}." + b(hmac.new(b"s3cret", f"{head}.{payload}".encode(), hashlib.sha256).digest())
            out.write(f"{thread}\t{body}\t{token}\n")
PY
# Each of 2 threads posts the webhooks signed for it, in turn (again from the first when it runs
# out: the same webhook twice is acknowledged, acted on once).
cat > "$work/post.lua" <<LUA
local next_id = 1
function setup(thread) thread:set("tid", next_id); next_id = next_id + 1 end
local signed = {}
local at = 0
function init(args)
    for line in io.lines("$work/signed") do
        local thread, body, token = line:match("^(%d+)\t(.-)\t(.+)$")
        if tonumber(thread) == tid then signed[#signed + 1] = { body, token } end
    end
end
function request()
    at = at % #signed + 1
    local body, token = signed[at][1], signed[at][2]
    return wrk.format("POST", "/hooks/gatewayapi/inbound",
        { ["Content-Type"] = "application/json", ["X-Gwapi-Signature"] = token }, body)
end
LUA
# Someone holds every one of the endpoint's 64 connections open and idle (each after a request of
# its own), opening a new one whenever one is closed: the gateway's webhooks must still get in.
cat > "$work/hold.py" <<'PY'
import socket, sys, time
port, seconds = int(sys.argv[1]), float(sys.argv[2])
def held():
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    s.recv(4096)
    s.setblocking(False)
    return s
conns = [held() for _ in range(64)]
reopened = 0
end = time.time() + seconds
while time.time() < end:
    for i, s in enumerate(conns):
        try:
            if s.recv(1, socket.MSG_PEEK) == b"":
                s.close(); conns[i] = held(); reopened += 1
        except BlockingIOError:
            pass
        except OSError:
            conns[i] = held(); reopened += 1
    time.sleep(0.05)
print(f"idle holder: 64 keep-alive connections held; {reopened} closed by the server and opened again")
PY
for i in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
seconds=${SECONDS_EACH:-15}
echo "== mentor-notify run: signed webhooks for ${seconds} s, 2 threads x 4 connections, keep-alive,"
echo "   while another client holds 64 idle keep-alive connections"
python3 "$work/hold.py" "$port" "$((seconds + 3))" > "$work/hold.log" &
holder=$!
sleep 1
wrk -t2 -c8 -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port" > "$work/wrk.log"
grep -E "Requests/sec|99%|requests in|Socket errors" "$work/wrk.log"
echo "non-2xx answers: $(grep -oE "Non-2xx or 3xx responses: [0-9]+" "$work/wrk.log" | grep -oE "[0-9]+$" || echo 0)"
wait "$holder"; cat "$work/hold.log"
recorded=$(python3 -c "import sqlite3; print(sqlite3.connect('$work/bench.db').execute('SELECT count(*) FROM inbound').fetchone()[0])")
echo "recorded in inbound: $recorded"

# Leaders at the desk: a session each for two leaders, signed in as a browser signs in (the link
# `desk link` prints, its button posted back); the attention page and ten pair pages in turn.
leaders_ok=1
: > "$work/cookies"
for leader in l@example.dk m@example.dk; do
    link=$("$bin" desk link --leader "$leader" 2>&1 | grep -oE 'https?://[^ ]+/desk/login/[A-Za-z0-9_-]+' | head -1) || true
    if [ -z "$link" ] || ! python3 bench/desk_session.py "$link" "http://127.0.0.1:$port" >> "$work/cookies"; then
        echo "desk: no session for $leader (is sign-in built? 'desk link' said: $link)"; leaders_ok=0
    fi
done
pairs=$(python3 -c "import sqlite3; print(' '.join(str(r[0]) for r in sqlite3.connect('$work/bench.db').execute('SELECT id FROM relationship ORDER BY id LIMIT 10')))")
{
    echo "local paths = { \"/desk/\""; for id in $pairs; do echo ", \"/desk/pairs/$id\""; done; echo "}"
    echo "local cookies = {"; while read -r cookie; do echo "\"$cookie\","; done < "$work/cookies"; echo "}"
    cat <<'LUA'
local at = 0
function request()
    at = at + 1
    return wrk.format("GET", paths[at % #paths + 1], { ["Cookie"] = cookies[at % #cookies + 1] })
end
LUA
} > "$work/leaders.lua"
if [ "$leaders_ok" = 1 ]; then
    first=$(head -1 "$work/cookies")
    for path in /desk/ "/desk/pairs/${pairs%% *}"; do
        code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $first" "http://127.0.0.1:$port$path")
        [ "$code" = 200 ] || { echo "desk: $path answered $code to a signed-in leader"; leaders_ok=0; }
    done
fi
figures() {  # requests/s, p99 and non-2xx of a wrk log
    printf '%s req/s, p99 %s, non-2xx %s' "$(awk '/Requests\/sec/ {print $2}' "$1")" \
        "$(awk '$1 == "99%" {print $2}' "$1")" \
        "$(grep -oE "Non-2xx or 3xx responses: [0-9]+" "$1" | grep -oE "[0-9]+$" || echo 0)"
}
if [ "$leaders_ok" = 1 ]; then
    echo "== mentor-notify run: signed webhooks for ${seconds} s (2 threads x 4 connections), no idle holder,"
    echo "   alone, then while 2 leaders load the attention page and pair pages over 4 connections, no pause"
    wrk -t2 -c8 -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port" > "$work/alone.log"
    wrk -t1 -c4 -d"$((seconds + 2))s" --latency -s "$work/leaders.lua" "http://127.0.0.1:$port" > "$work/desk.log" &
    desk=$!
    sleep 1
    wrk -t2 -c8 -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port" > "$work/with.log"
    wait "$desk"
    echo "webhooks alone:              $(figures "$work/alone.log")"
    echo "webhooks while leaders work: $(figures "$work/with.log")"
    echo "desk pages meanwhile:        $(figures "$work/desk.log")"
fi
echo "== nginx: a static 200 to the same requests"
wrk -t2 -c8 -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$static" | grep -E "Requests/sec|99%|requests in"
