"""Mentors who were asked about their hours, and their answers waiting in a Maildir: the fixture
that scripts/crash-test-replies.py and bench/replies.sh both read replies from."""
import os
import sqlite3

# 2026-03-20 09:00 UTC: when the questions went out.
SENT_AT = 1773997200


def seed(db, maildir, count, rule, period, answer, domain, subject, contact=None, name_suffix="fixture"):
    """`count` forløb in program symb whose mentor got `rule`'s email (key period `period`), each
    answered once with the message text `answer` (the part after the headers), In-Reply-To our
    Message-ID in `domain`. `contact`: a date to log one earlier contact on, or None."""
    con = sqlite3.connect(db)
    for i in range(1, count + 1):
        con.execute("INSERT INTO person (id, role, name, email, channels) VALUES (?, 'mentor', ?, ?, 'email')",
                    (2 * i - 1, f"Mentor {i}", f"m{i}@example.dk"))
        con.execute("INSERT INTO person (id, role, name, email, channels) VALUES (?, 'mentee', ?, ?, 'email')",
                    (2 * i, f"Mentee {i}", f"e{i}@example.dk"))
        con.execute("INSERT INTO relationship (id, mentor_id, mentee_id, program, start_date, planned_end) "
                    "VALUES (?, ?, ?, 'symb', '2026-01-05', '2026-07-05')", (i, 2 * i - 1, 2 * i))
        if contact:
            con.execute("INSERT INTO contact (relationship_id, date, minutes) VALUES (?, ?, 60)", (i, contact))
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
