#!/usr/bin/env python3
"""An HTTP server on loopback acting as an SMS gateway (gatewayapi or twilio) for the tests.

Prints "READY <port>". Checks each request's shape like the provider would, answers per --mode,
and appends what it received to --log as JSON lines.
Modes: ok; 429 (with Retry-After: 7); 500; 400; 401; hang (no answer for 30 s); fail-once (500, then ok).
"""
import argparse
import base64
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def make_handler(args, state):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def reply(self, status, body, headers=None):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            record = {"path": self.path, "headers": dict(self.headers), "body": body.decode("utf-8", "replace"),
                      "problems": []}
            with state["lock"]:
                state["count"] += 1
                count = state["count"]
                state["connections"].add(self.client_address[1])
                record["connection"] = self.client_address[1]
            if args.provider == "gatewayapi":
                if self.headers.get("Authorization") != f"Token {args.token}":
                    record["problems"].append("bad Authorization")
                if self.headers.get("Content-Type") != "application/json":
                    record["problems"].append("not JSON")
                try:
                    payload = json.loads(body)
                    if set(payload) - {"sender", "message", "recipients", "userref"} or not payload.get("message"):
                        record["problems"].append("unexpected keys")
                    msisdn = payload["recipients"][0]["msisdn"]
                    if not isinstance(msisdn, int):
                        record["problems"].append("msisdn not a number")
                    record["json"] = payload
                except Exception as error:  # noqa: BLE001 - any malformed body is a problem to report
                    record["problems"].append(f"bad body: {error}")
            else:
                expected = "Basic " + base64.b64encode(f"{args.sid}:{args.token}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    record["problems"].append("bad Authorization")
                form = urllib.parse.parse_qs(body.decode())
                record["form"] = {k: v[0] for k, v in form.items()}
                if set(form) != {"To", "From", "Body"}:
                    record["problems"].append("unexpected form fields")
            with open(args.log, "a", encoding="utf-8") as f:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
            mode = args.mode
            if mode == "fail-once":
                mode = "500" if count == 1 else "ok"
            if mode == "hang":
                time.sleep(6)
                return
            if mode == "429":
                return self.reply(429, {"code": "RATE"}, {"Retry-After": "7"})
            if mode in ("500", "400", "401"):
                return self.reply(int(mode), {"message": "error from the stub"})
            if args.provider == "gatewayapi":
                return self.reply(200, {"ids": [1000 + count], "usage": {"count": 1}})
            return self.reply(201, {"sid": f"SM{count:032d}", "status": "queued"})

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--provider", default="gatewayapi")
    parser.add_argument("--mode", default="ok")
    parser.add_argument("--token", default="test-token")
    parser.add_argument("--sid", default="AC123")
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    state = {"lock": threading.Lock(), "count": 0, "connections": set()}
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(args, state))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"READY {server.server_address[1]}", flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
