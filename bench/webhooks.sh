#!/usr/bin/env bash
# Webhooks benchmark: signed GatewayAPI inbound webhooks (each a new message id, so each is verified,
# read and recorded in its own transaction) posted over keep-alive by wrk to `run`'s endpoint for
# SECONDS_EACH (default 15: over 20,000 at the rate seen), next to nginx answering a static 200 to the
# same requests on the same machine. Prints requests/s and the 99th percentile latency of both.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/.build/release/mentor-notify
[ -x "$bin" ] || swift build -c release --product mentor-notify >/dev/null
command -v wrk >/dev/null && command -v nginx >/dev/null || {
    echo "webhooks: installing wrk and nginx-light" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null
}
work=$(mktemp -d)
. bench/lib.sh
port=$(free_port); static=$(free_port)
printf 's3cret' > "$work/secret"; printf 'token' > "$work/token"; chmod 600 "$work/secret" "$work/token"
cat > "$work/config.json" <<JSON
{ "http": { "listen": "127.0.0.1:$port" },
  "sms": { "provider": "gatewayapi", "url": "http://127.0.0.1:9/rest/mtsms", "sender": "Mentor",
           "tokenFile": "$work/token", "webhookSecretFile": "$work/secret" },
  "templates": "$PWD/templates",
  "programs": [ { "id": "symb", "preset": "symb", "leaders": [ { "name": "L", "email": "l@example.dk" } ] } ] }
JSON
export MENTOR_NOTIFY_DB=$work/bench.db MENTOR_NOTIFY_CONFIG=$work/config.json
"$bin" init >/dev/null 2>&1
"$bin" --log-level warning run 2> "$work/run.log" &
daemon=$!
static_nginx "$work/nginx" "$static" '{}'
cleanup() { kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; stop_nginx "$work/nginx"; rm -rf "$work"; }
trap cleanup EXIT
signature=$(python3 - <<'PY'
import base64, hashlib, hmac
b = lambda x: base64.urlsafe_b64encode(x).rstrip(b"=").decode()
head, body = b(b'{"alg":"HS256","typ":"JWT"}'), b(b'{"id":1}')
print(f"{head}.{body}." + b(hmac.new(b"s3cret", f"{head}.{body}".encode(), hashlib.sha256).digest()))
PY
)
# Each of 2 threads posts webhooks with message ids of its own.
cat > "$work/post.lua" <<LUA
local counter = 0
local thread_id = 0
local next_id = 1
function setup(thread) thread:set("tid", next_id); next_id = next_id + 1 end
function init(args) thread_id = tid end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Gwapi-Signature"] = "$signature"
function request()
    counter = counter + 1
    local body = string.format('{"id": %d, "msisdn": 4599%06d, "receiver": 4512345678, "message": "ja"}', thread_id * 1000000 + counter, counter)
    return wrk.format(nil, "/hooks/gatewayapi/inbound", nil, body)
end
function response(status, headers, body)
    if status ~= 200 then io.stderr:write("status " .. status .. "\n") end
end
LUA
for i in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
seconds=${SECONDS_EACH:-15}
echo "== mentor-notify run: signed webhooks for ${seconds} s, 2 threads x 4 connections, keep-alive"
wrk -t2 -c8 -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec|99%|requests in|Non-2xx"
recorded=$(python3 -c "import sqlite3; print(sqlite3.connect('$work/bench.db').execute('SELECT count(*) FROM inbound').fetchone()[0])")
echo "recorded in inbound: $recorded"
echo "== nginx: a static 200 to the same requests"
wrk -t2 -c8 -d"${seconds}s" --latency -s "$work/post.lua" "http://127.0.0.1:$static" | grep -E "Requests/sec|99%|requests in"
