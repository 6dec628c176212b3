#!/usr/bin/env python3
"""Crash test: deliver a 500-message outbox to a real SMTP server while killing mentor-notify with
SIGKILL at random moments, at least 200 times, restarting after each. Then: every message delivered?
duplicates (the same Message-ID twice) at most one per kill? PRAGMA integrity_check ok?

Usage: scripts/crash-test.py [--kills 200] [--messages 500] [--seed N]
"""
import argparse
import datetime
import json
import os
import random
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
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--max-delay-ms", type=int, default=120)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="mentor-notify-crash-")
    inbox = os.path.join(work, "in")
    server, port = reply_fixture.start("smtp_server.py", "--out", inbox)
    db = os.path.join(work, "crash.db")
    config = os.path.join(work, "config.json")
    with open(config, "w") as f:
        json.dump({
            "email": {"url": f"smtp://127.0.0.1:{port}", "from": "Mentorshoppen <noreply@example.dk>", "starttls": "none"},
            "templates": os.path.join(ROOT, "templates"),
            "programs": [{"id": "symb", "preset": "symb", "name": "SYMB MentorKorps",
                          "leaders": [{"name": "Louise", "email": "leder@example.dk"}],
                          "contactNudgeDays": None, "firstMeetingReminderDays": None, "firstMeetingAlertDays": None}],
        }, f)
    env = dict(os.environ, MENTOR_NOTIFY_DB=db, MENTOR_NOTIFY_CONFIG=config)
    subprocess.run([BIN, "init"], env=env, check=True, capture_output=True)
    # Forløb whose last contact was long ago: each makes one missed-contact alert to the leader.
    con = sqlite3.connect(db)
    reply_fixture.insert_pairs(con, args.messages, contact="2026-02-01")
    con.commit()
    con.close()

    clock = datetime.datetime(2026, 3, 10, 9, 0)

    def next_moment():
        # Past the 300 s lease, so a killed run's leases are recovered; inside the send window.
        nonlocal clock
        clock += datetime.timedelta(seconds=301)
        if clock.hour >= 19:
            clock = (clock + datetime.timedelta(days=1)).replace(hour=9, minute=0)
        return clock.strftime("%Y-%m-%dT%H:%M")

    kills = 0
    killed_mid_delivery = 0
    started = time.monotonic()
    while kills < args.kills:
        process = subprocess.Popen([BIN, "--log-level", "error", "tick", "--at", next_moment()], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, args.max_delay_ms) / 1000)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
            con = sqlite3.connect(db)
            if con.execute("SELECT count(*) FROM outbox WHERE status = 'sending'").fetchone()[0]:
                killed_mid_delivery += 1
            con.close()
        # Once everything is out, keep killing idle cycles too: the database must survive those as well.
    for _ in range(50):
        subprocess.run([BIN, "--log-level", "error", "tick", "--at", next_moment()], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        con = sqlite3.connect(db)
        left = con.execute("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')").fetchone()[0]
        con.close()
        if left == 0:
            break
    elapsed = time.monotonic() - started
    time.sleep(0.5)
    server.stdin.close()
    server.wait(timeout=10)

    ids = []
    for name in os.listdir(inbox):
        if name.endswith(".json"):
            with open(os.path.join(inbox, name), encoding="utf-8") as f:
                ids.append(json.load(f)["headers"].get("Message-ID"))
    con = sqlite3.connect(db)
    statuses = dict(con.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall())
    integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    expected = {f"<mn.{row[0]}@example.dk>" for row in con.execute("SELECT message_token FROM outbox")}
    con.close()
    unique = set(ids)
    duplicates = len(ids) - len(unique)
    lost = len(expected - unique)
    print(f"crash-test: seed {args.seed}; {kills} SIGKILLs ({killed_mid_delivery} left a message in flight) in {elapsed:.0f} s")
    print(f"crash-test: outbox {statuses}; received {len(ids)} messages, {len(unique)} distinct Message-IDs")
    print(f"crash-test: lost {lost}, duplicates {duplicates} (goal: at most one per kill, {kills}), "
          f"integrity_check {integrity}")
    ok = lost == 0 and duplicates <= kills and integrity == "ok" and statuses.get("sent") == len(expected) == args.messages
    print("crash-test: " + ("PASS" if ok else "FAIL"))
    if ok:
        import shutil
        shutil.rmtree(work)
    else:
        print(f"crash-test: kept {work} for a look")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
