"""The crash tests' and benchmarks' fixtures: forløb written straight into the database, mentors
who were asked about their hours with their answers waiting in a Maildir (scripts/crash-test-replies.py
and bench/replies.sh), and the helper servers of Tests/Support started on a free port."""
import os
import sqlite3
import subprocess
import sys

SUPPORT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Tests", "Support")

# 2026-03-20 09:00 UTC: when the questions went out.
SENT_AT = 1773997200


def start(script, *arguments):
    """A helper server of Tests/Support, once it says `READY <port>`: (process, port). It stops when
    its stdin closes."""
    process = subprocess.Popen([sys.executable, os.path.join(SUPPORT, script), *arguments],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline().split()
    if not line or line[0] != "READY":
        sys.exit(f"{script} did not start: {line}")
    return process, int(line[1])


def insert_pairs(con, count, contact=None):
    """`count` forløb in program symb (ids 1…count), mentor 2i-1 and mentee 2i with email only;
    `contact`: a date to log one contact of 60 minutes on, or None."""
    for i in range(1, count + 1):
        con.execute("INSERT INTO person (id, role, name, email, channels) VALUES (?, 'mentor', ?, ?, 'email')",
                    (2 * i - 1, f"Mentor {i}", f"m{i}@example.dk"))
        con.execute("INSERT INTO person (id, role, name, email, channels) VALUES (?, 'mentee', ?, ?, 'email')",
                    (2 * i, f"Mentee {i}", f"e{i}@example.dk"))
        con.execute("INSERT INTO relationship (id, mentor_id, mentee_id, program, start_date, planned_end) "
                    "VALUES (?, ?, ?, 'symb', '2026-01-05', '2026-07-05')", (i, 2 * i - 1, 2 * i))
        if contact:
            con.execute("INSERT INTO contact (relationship_id, date, minutes) VALUES (?, ?, 60)", (i, contact))


def seed(db, maildir, count, rule, period, answer, domain, subject, contact=None, name_suffix="fixture"):
    """`count` forløb in program symb whose mentor got `rule`'s email (key period `period`), each
    answered once with the message text `answer` (the part after the headers), In-Reply-To our
    Message-ID in `domain`. `contact`: a date to log one earlier contact on, or None."""
    con = sqlite3.connect(db)
    insert_pairs(con, count, contact)
    for i in range(1, count + 1):
        token = f"{i:032x}"
        con.execute(
            "INSERT INTO outbox (key, channel, rule, role, recipient, program, relationship_id, subject, body, status, "
            "not_before, sent_at, created_at, updated_at, message_token) VALUES "
            "(?, 'email', ?, 'mentor', ?, 'symb', ?, ?, 'Hej', 'sent', ?, ?, ?, ?, ?)",
            (f"{rule}:{i}:mentor:{period}", rule, 2 * i - 1, i, subject, SENT_AT, SENT_AT, SENT_AT, SENT_AT, token))
        message = (f"From: Mentor {i} <m{i}@example.dk>\r\nTo: svar@example.dk\r\nSubject: Re: {subject}\r\n"
                   f"Message-ID: <answer-{i}@example.net>\r\nIn-Reply-To: <mn.{token}@{domain}>\r\n"
                   f"Content-Type: text/plain; charset=utf-8\r\n\r\n{answer}")
        name = f"1774000000.M{i}P1.{name_suffix}"
        with open(os.path.join(maildir, "tmp", name), "w") as f:
            f.write(message)
        os.rename(os.path.join(maildir, "tmp", name), os.path.join(maildir, "new", name))
    con.commit()
    con.close()
