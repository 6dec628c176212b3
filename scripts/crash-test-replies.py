#!/usr/bin/env python3
"""Crash test for the loop back: 200 replies wait in a real IMAP server (Dovecot), with a few
messages among them that cannot be read; mentor-notify reads them while being killed with SIGKILL
at random moments, and restarted each time. Then: was every reply acted on exactly once (one
contact per reply), was every one confirmed, were confirmations sent twice at most once per kill,
did every unreadable message end in the unreadable folder without holding back the others, and is
the database intact?

Usage: scripts/crash-test-replies.py [--kills 50] [--replies 200] [--unreadable 3] [--seed N]
"""
import argparse
import datetime
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

import reply_fixture

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("MENTOR_NOTIFY_BIN", os.path.join(ROOT, ".build", "release", "mentor-notify"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--replies", type=int, default=200)
    parser.add_argument("--unreadable", type=int, default=3)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--max-delay-ms", type=int, default=150)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="mentor-notify-crash-replies-")
    os.chmod(work, 0o755)
    smtp, smtp_port = reply_fixture.start("smtp_server.py", "--out", os.path.join(work, "in"))
    imap, imap_port = reply_fixture.start("imap_server.py", "--dir", os.path.join(work, "imap"))
    maildir = os.path.join(work, "imap", "mail", "svar", "Maildir")
    with open(os.path.join(work, "imap-password"), "w") as f:
        f.write("hemmelig")
    os.chmod(os.path.join(work, "imap-password"), 0o600)
    db = os.path.join(work, "crash.db")
    config = os.path.join(work, "config.json")
    with open(config, "w") as f:
        json.dump({
            "email": {"url": f"smtp://127.0.0.1:{smtp_port}", "from": "SYMB <noreply@example.dk>", "starttls": "none"},
            "replies": {"address": "svar@example.dk",
                        "imap": {"url": f"imap://127.0.0.1:{imap_port}/INBOX", "username": "svar",
                                 "passwordFile": os.path.join(work, "imap-password"), "starttls": "none"}},
            "templates": os.path.join(ROOT, "templates"),
            "programs": [{"id": "symb", "preset": "symb", "name": "SYMB MentorKorps",
                          "leaders": [{"name": "Louise", "email": "leder@example.dk"}],
                          "contactNudgeDays": None, "firstMeetingReminderDays": None, "firstMeetingAlertDays": None,
                          "missedContactDays": None}],
        }, f)
    env = dict(os.environ, MENTOR_NOTIFY_DB=db, MENTOR_NOTIFY_CONFIG=config)
    subprocess.run([BIN, "init"], env=env, check=True, capture_output=True)
    # Mentors who were sent a question about their hours, each answering it once with "2".
    reply_fixture.seed(db, maildir, args.replies, "contact-nudge", "2026-03-02", "2\r\n\r\n> Hej\r\n",
                       "example.dk", "Kontakt", contact="2026-03-02", name_suffix="crash")
    # Broken MIME (a multipart without a boundary) among them: each waits three polls, then moves on.
    for i in range(args.unreadable):
        name = f"1774000000.M{(i + 1) * args.replies // (args.unreadable + 1)}Q1.broken"
        with open(os.path.join(maildir, "tmp", name), "w") as f:
            f.write(f"From: someone@example.net\r\nMessage-ID: <broken{i}@example.net>\r\n"
                    "Content-Type: multipart/mixed\r\n\r\n--\r\n3\r\n")
        os.rename(os.path.join(maildir, "tmp", name), os.path.join(maildir, "new", name))

    clock = datetime.datetime(2026, 3, 20, 10, 0)

    def next_moment():
        nonlocal clock
        clock += datetime.timedelta(seconds=301)
        return clock.strftime("%Y-%m-%dT%H:%M")

    def waiting():
        return sum(len(os.listdir(os.path.join(maildir, sub))) for sub in ("new", "cur"))

    kills = 0
    started = time.monotonic()
    while kills < args.kills and waiting() > 0:
        process = subprocess.Popen([BIN, "--log-level", "error", "tick", "--at", next_moment()], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, args.max_delay_ms) / 1000)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
    for _ in range(20):
        subprocess.run([BIN, "--log-level", "error", "tick", "--at", next_moment()], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        con = sqlite3.connect(db)
        left = con.execute("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')").fetchone()[0]
        con.close()
        if left == 0 and waiting() == 0:
            break
    elapsed = time.monotonic() - started
    time.sleep(0.5)
    for server in (smtp, imap):
        server.stdin.close()
        server.wait(timeout=10)

    con = sqlite3.connect(db)
    per_forloeb = dict(con.execute(
        "SELECT relationship_id, count(*) FROM contact WHERE kind = 'other' GROUP BY relationship_id").fetchall())
    inbound = con.execute("SELECT count(*) FROM inbound WHERE action = 'hours'").fetchone()[0]
    unreadable = con.execute("SELECT count(*) FROM inbound WHERE action = 'unreadable'").fetchone()[0]
    confirmations = con.execute("SELECT count(*) FROM outbox WHERE rule = 'reply-confirmation'").fetchone()[0]
    integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    con.close()
    received = []
    for name in os.listdir(os.path.join(work, "in")):
        if name.endswith(".json"):
            with open(os.path.join(work, "in", name), encoding="utf-8") as f:
                received.append(json.load(f)["headers"].get("Message-ID"))
    twice = len(received) - len(set(received))
    once = all(per_forloeb.get(i) == 1 for i in range(1, args.replies + 1))
    processed = sum(len(os.listdir(os.path.join(maildir, ".Processed", sub))) for sub in ("new", "cur"))
    moved = sum(len(os.listdir(os.path.join(maildir, ".Unreadable", sub)))
                for sub in ("new", "cur") if os.path.isdir(os.path.join(maildir, ".Unreadable", sub)))
    print(f"crash-test-replies: seed {args.seed}; {kills} SIGKILLs in {elapsed:.0f} s")
    print(f"crash-test-replies: {args.replies} replies; acted on {inbound}, each forløb's hours logged once: {once}; "
          f"left in INBOX {waiting()}, in Processed {processed}; unreadable {args.unreadable}: "
          f"in Unreadable {moved}, listed {unreadable}")
    print(f"crash-test-replies: confirmations queued {confirmations}, received {len(received)} "
          f"({len(set(received))} distinct; twice: {twice}, goal at most one per kill: {kills}); "
          f"integrity_check {integrity}")
    ok = (once and inbound == args.replies and confirmations == args.replies and len(set(received)) == args.replies
          and twice <= kills and integrity == "ok" and waiting() == 0 and moved == args.unreadable
          and unreadable <= args.unreadable)
    print("crash-test-replies: " + ("PASS" if ok else "FAIL"))
    if ok:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"crash-test-replies: kept {work} for a look")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
