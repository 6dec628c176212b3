#!/usr/bin/env python3
"""Crash test: deliver a 500-message outbox to a real SMTP server while killing mentor-notify with
SIGKILL at random moments, at least 200 times, restarting after each. Then: every message delivered?
duplicates (the same Message-ID twice) at most one per kill? PRAGMA integrity_check ok?

And a backup run (SPEC.md "Backups"): the daemon delivers, is killed while `backup` copies its
database, the newest copy is restored on a new database path and delivered from. Nothing the server
had received before the copy was taken is sent again; nothing the copy held is lost.

Usage: scripts/crash-test.py [--kills 200] [--messages 500] [--seed N] [--backup-only]
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
    parser.add_argument("--backup-only", action="store_true", help="only the backup run")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    if args.backup_only:
        return backup_run(rng, args.seed)
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
    backed = backup_run(rng, args.seed)
    return 0 if ok and backed == 0 else 1


def received(inbox):
    """The Message-IDs the SMTP server has accepted so far, one per message."""
    ids = []
    for name in sorted(os.listdir(inbox)):
        if name.endswith(".json"):
            with open(os.path.join(inbox, name), encoding="utf-8") as f:
                ids.append(json.load(f)["headers"].get("Message-ID"))
    return ids


def backup_run(rng, seed, messages=400):
    """The daemon delivers an outbox of `messages`; SIGKILL while `backup` runs; the newest copy
    restored on a new path and delivered from with `tick`. Returns 0 when nothing received before
    the copy was taken came again, nothing the copy held went missing, and the copy was whole."""
    import shutil
    work = tempfile.mkdtemp(prefix="mentor-notify-backup-crash-")
    inbox = os.path.join(work, "in")
    server, port = reply_fixture.start("smtp_server.py", "--out", inbox)
    db = os.path.join(work, "live.db")
    config = os.path.join(work, "config.json")
    with open(config, "w") as f:
        json.dump({
            "timezone": "UTC",
            "email": {"url": f"smtp://127.0.0.1:{port}", "from": "Mentorshoppen <noreply@example.dk>", "starttls": "none"},
            "templates": os.path.join(ROOT, "templates"),
            "backup": {"dir": os.path.join(work, "backups"), "keep": 3},
            "programs": [{"id": "symb", "preset": "symb", "name": "SYMB MentorKorps",
                          "leaders": [{"name": "Louise", "email": "leder@example.dk"}]}],
        }, f)
    env = dict(os.environ, MENTOR_NOTIFY_DB=db, MENTOR_NOTIFY_CONFIG=config)
    subprocess.run([BIN, "init"], env=env, check=True, capture_output=True)
    # Confirmations of answers (never withdrawn by a cycle), due now, outside the send window's
    # rule; and 20 MB of other rows, so that a copy takes long enough to be killed across.
    now = int(time.time())
    con = sqlite3.connect(db)
    for i in range(1, messages + 1):
        con.execute("INSERT INTO person (id, role, name, email, channels) VALUES (?, 'mentor', ?, ?, 'email')",
                    (i, f"Mentor {i}", f"m{i}@example.dk"))
        con.execute(
            "INSERT INTO outbox (key, channel, rule, role, recipient, program, subject, body, status, in_window, "
            "not_before, created_at, updated_at, message_token) VALUES "
            "(?, 'email', 'reply-confirmation', 'mentor', ?, 'symb', 'Tak', 'Tak for dit svar.', 'pending', 0, ?, ?, ?, ?)",
            (f"reply-confirmation:{i}:mentor:crash", i, now - 60, now - 60, now - 60, f"{i:032x}"))
    con.execute("CREATE TABLE filler (bytes BLOB)")
    con.executemany("INSERT INTO filler VALUES (randomblob(4000))", [()] * 5000)
    con.commit()
    con.close()

    daemon = subprocess.Popen([BIN, "--log-level", "error", "run"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    threshold = rng.randint(messages // 10, messages // 2)
    while len(received(inbox)) < threshold and time.monotonic() - started < 30:
        time.sleep(0.005)
    before_copy = set(received(inbox))
    backup = subprocess.Popen([BIN, "--log-level", "error", "backup"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    time.sleep(rng.uniform(0.02, 0.08))
    backup_was_running = backup.poll() is None
    daemon.send_signal(signal.SIGKILL)
    daemon.wait()
    out, err = backup.communicate(timeout=60)
    copy = out.strip().splitlines()[-1] if backup.returncode == 0 and out.strip() else None
    time.sleep(0.3)
    before_restore = received(inbox)

    restored_db = os.path.join(work, "restored", "new.db")
    os.makedirs(os.path.dirname(restored_db))
    restored_env = dict(env, MENTOR_NOTIFY_DB=restored_db)
    restore = subprocess.run([BIN, "--log-level", "error", "restore", copy or "missing"], env=restored_env,
                             capture_output=True, text=True)
    held = {}
    if restore.returncode == 0:
        con = sqlite3.connect(copy)
        held = dict(con.execute("SELECT message_token, status FROM outbox").fetchall())
        con.close()
        for _ in range(20):
            subprocess.run([BIN, "--log-level", "error", "tick"], env=restored_env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            con = sqlite3.connect(restored_db)
            left = con.execute("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')").fetchone()[0]
            con.close()
            if left == 0:
                break
    elapsed = time.monotonic() - started
    time.sleep(0.3)
    server.stdin.close()
    server.wait(timeout=10)

    after_restore = received(inbox)[len(before_restore):]
    again = before_copy & set(after_restore)
    twice = set(before_restore) & set(after_restore)
    everything = set(before_restore) | set(after_restore)
    missing = {f"<mn.{token}@example.dk>" for token, status in held.items()
               if status in ("pending", "sending", "sent")} - everything
    statuses = {}
    integrity = "not restored"
    if restore.returncode == 0:
        con = sqlite3.connect(restored_db)
        statuses = dict(con.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall())
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        con.close()
    print(f"crash-test backup: seed {seed}; SIGKILL after {len(before_copy)} of {messages} received, backup "
          f"{'still running' if backup_was_running else 'ALREADY DONE'} at the kill; {elapsed:.1f} s")
    print(f"crash-test backup: backup exit {backup.returncode} {err.strip()}; restore exit {restore.returncode} "
          f"{restore.stderr.strip()}")
    print(f"crash-test backup: the copy held {len(held)} messages ({sum(1 for s in held.values() if s == 'sent')} "
          f"sent); {len(after_restore)} received after the restore; restored outbox {statuses}")
    print(f"crash-test backup: received before the copy and again after the restore {len(again)} (goal 0); "
          f"received twice in all {len(twice)} (the message in flight at the kill: at most 1); "
          f"held by the copy but never received {len(missing)} (goal 0); integrity_check {integrity}")
    ok = (backup_was_running and backup.returncode == 0 and restore.returncode == 0 and not again
          and len(twice) <= 1 and not missing and integrity == "ok"
          and set(statuses) == {"sent"} and len(held) == messages)
    print("crash-test backup: " + ("PASS" if ok else "FAIL"))
    if ok:
        shutil.rmtree(work)
    else:
        print(f"crash-test backup: kept {work} for a look")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
