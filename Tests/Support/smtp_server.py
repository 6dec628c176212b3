#!/usr/bin/env python3
"""A real SMTP server for the tests (aiosmtpd), on a free loopback port.

Prints "READY <port>" when it listens. Every accepted message is parsed with Python's own MIME
parser and written to --out as N.json (headers decoded, parts, envelope) next to N.eml (raw).

Modes: ok; fail-once (451 on the first DATA, then 250); reject (550 on every RCPT);
refuse-sender (553 5.7.1 at RCPT: our sender, as Postfix's reject_sender_login_mismatch says it);
refuse-helo (504 5.5.2 at RCPT: our EHLO name, as reject_non_fqdn_helo_hostname says it);
refuse-everyone (550 5.1.1 "User unknown" for every recipient, naming each, as a relay that takes
itself for the final destination does);
defer (a recipient whose local part starts with "full" gets 452 4.2.2 "Mailbox full" at every RCPT;
any other is greylisted at its first RCPT, 450 4.2.0 as Postfix says postgrey's verdict, and taken
after); drop (close the connection instead of answering DATA); slow (wait 6 s before answering DATA);
hang (wait 120 s). Scripted servers for what aiosmtpd will not do: greet-421 (refuses at the
greeting), silent (accepts and never greets), auth-454 (a temporary AUTH failure).
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, out, mode):
        self.out = out
        self.mode = mode
        self.count = 0
        self.data_calls = 0
        self.greylisted = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "reject":
            return "550 5.1.1 mailbox unavailable"
        # Postfix's own words for each (smtpd_delay_reject=yes puts them all at RCPT).
        if self.mode == "refuse-sender":
            return f"553 5.7.1 <{envelope.mail_from}>: Sender address rejected: not owned by user mentor"
        if self.mode == "refuse-helo":
            return f"504 5.5.2 <{session.host_name}>: Helo command rejected: need fully-qualified hostname"
        if self.mode == "refuse-everyone":
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown in local recipient table"
        if self.mode == "defer":
            if address.lower().startswith("full"):
                return f"452 4.2.2 <{address}>: Recipient address rejected: Mailbox full"
            if address.lower() not in self.greylisted:
                self.greylisted.add(address.lower())
                return (f"450 4.2.0 <{address}>: Recipient address rejected: Greylisted, "
                        "see http://postgrey.schweikert.ch/help/example.dk.html")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_calls += 1
        if self.mode == "fail-once" and self.data_calls == 1:
            return "451 4.3.0 try again later"
        if self.mode == "drop":
            # Reset the connection with the DATA reply still owed: the client cannot know the outcome.
            server.transport.abort()
            await asyncio.sleep(0.2)
            return "421 gone"
        if self.mode in ("slow", "hang"):
            # Tells a test that a message is now in flight, waiting on us.
            with open(os.path.join(self.out, "data-started"), "w") as f:
                f.write("1")
        if self.mode == "slow":
            await asyncio.sleep(6)
        if self.mode == "hang":
            await asyncio.sleep(120)
        self.count += 1
        raw = envelope.original_content or envelope.content
        base = os.path.join(self.out, f"{time.time_ns()}-{self.count}")
        with open(base + ".eml", "wb") as f:
            f.write(raw)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        parts = []
        for part in message.walk():
            if part.is_multipart():
                continue
            parts.append({
                "type": part.get_content_type(),
                "params": dict(part.get_params() or []),
                "encoding": part.get("Content-Transfer-Encoding"),
                "text": part.get_content() if part.get_content_maintype() == "text" else None,
            })
        summary = {
            "mail_from": envelope.mail_from,
            "helo": session.host_name,
            "rcpt_tos": envelope.rcpt_tos,
            "auth": session.authenticated,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "headers": {k: str(v) for k, v in message.items()},
            "defects": [str(d) for d in message.defects],
            "parts": parts,
            "raw_has_crlf_only": b"\n" not in raw.replace(b"\r\n", b""),
        }
        with open(base + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump(summary, f, ensure_ascii=False)
        os.rename(base + ".json.tmp", base + ".json")
        return "250 2.0.0 queued as test-%d" % self.count


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
        # handled=False makes aiosmtpd answer 535 on failure (its default, True, answers nothing).
        return AuthResult(success=ok, handled=False)
    return check


def free_port():
    """A port nobody listens on now (aiosmtpd's controller cannot start on port 0)."""
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scripted(mode):
    """A raw SMTP server for one of the scripted modes; returns its port."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)

    def serve(conn):
        with conn:
            if mode == "silent":
                time.sleep(120)
                return
            if mode == "greet-421":
                conn.sendall(b"421 4.3.2 Service not available, closing transmission channel\r\n")
                return
            conn.sendall(b"220 test ESMTP\r\n")
            reader = conn.makefile("rb")
            for line in reader:
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    conn.sendall(b"250-test\r\n250 AUTH PLAIN LOGIN\r\n")
                elif verb == b"AUTH":
                    conn.sendall(b"454 4.7.0 Temporary authentication failure\r\n")
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:
                    conn.sendall(b"503 5.5.1 bad sequence\r\n")

    def accept():
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return listener.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--mode", default="ok")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--auth")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.mode in ("greet-421", "silent", "auth-454"):
        print(f"READY {scripted(args.mode)}", flush=True)
        sys.stdin.read()
        return
    context = None
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    kwargs = {}
    if args.auth:
        user, password = args.auth.split(":", 1)
        kwargs.update(authenticator=authenticator(user, password), auth_required=True,
                      auth_require_tls=context is not None)
    handler = Handler(args.out, args.mode)
    port = free_port()
    if args.implicit_tls:
        controller = Controller(handler, hostname="127.0.0.1", port=port, ssl_context=context, **kwargs)
    else:
        controller = Controller(handler, hostname="127.0.0.1", port=port, tls_context=context,
                                require_starttls=context is not None, **kwargs)
    controller.start()
    print(f"READY {port}", flush=True)
    try:
        sys.stdin.read()  # runs until the test closes our stdin
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
