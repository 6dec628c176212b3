/// The `--help` text of each command.
enum Usage {
    static let text: [String: String] = [
        "desk link": """
        usage: mentor-notify desk link --leader EMAIL [--at YYYY-MM-DDTHH:MM]

        Prints a sign-in link to the leader's desk (PUBLIC/desk/) for a leader named in the config,
        for when mail is down: give it to them yourself. It works for 15 minutes and once; only its
        hash is stored. An address that leads no program that day is refused.
        """,
        "init":
            "usage: mentor-notify init\n\nCreates the database, or migrates an existing one to the current schema. Safe to run again.",
        "person add": """
        usage: mentor-notify person add --role mentor|mentee --name NAME [--email E] [--phone P]
               [--birthdate YYYY-MM-DD] [--certificate YYYY-MM-DD] [--channels email,sms] [--lang da|en] [--ref REF]

        Adds a person and prints the new id. Without --channels a person gets email if they have an
        address, else SMS. --certificate is the date of a mentor's straffe- og børneattest.
        """,
        "person list":
            "usage: mentor-notify person list [--json]\n\nLists people (forgotten people show without personal data).",
        "person opt-out": """
        usage: mentor-notify person opt-out ID --channel email|sms [--at YYYY-MM-DDTHH:MM]

        No more messages to the person on that channel; the program's next monthly digest lists it.
        """,
        "person opt-in": """
        usage: mentor-notify person opt-in ID --channel email|sms [--at YYYY-MM-DDTHH:MM]

        Messages to the person on that channel again: undoes an opt-out (a "stop" answer or person
        opt-out), an unsubscribe link and a complaint (the email marked as spam) on that channel. The
        leader's word, recorded; the program's next monthly digest lists it.
        """,
        "person edit": """
        usage: mentor-notify person edit ID [--name N] [--email E | --no-email] [--phone P | --no-phone]
               [--birthdate YYYY-MM-DD] [--certificate YYYY-MM-DD] [--channels email,sms] [--lang da|en] [--ref REF]

        Corrects a person: only what is given changes, with the checks of `person add` (a chosen channel
        keeps its address, a ref names one person, a forgotten person stays forgotten). Messages not yet
        sent go to the new address or number; after a new name or language, waiting texts are written anew
        by the next cycle; those waiting on a channel no longer chosen are written anew on the new one. A new address does not undo an opt-out. Prints
        which fields changed.
        """,
        "person show": """
        usage: mentor-notify person show ID [--json]

        Everything held about one person (GDPR art. 15), to give them: personal data, forløb (program,
        dates, the other person's name), contacts, meetings, evaluations, messages to them (date, rule,
        channel, status, and the text while it is kept), replies acted on (date and what was done, never
        what they wrote), opt-outs, café answers and personal reminders. --json holds the same.
        """,
        "forget": """
        usage: mentor-notify forget ID

        Erases the person's name, email, phone, birthdate and the message bodies to them, their name and
        former names from the texts to others, the free text about their forløb (an end reason written as
        text, meeting places and the places meetings moved from, their reminders' texts: the reminders
        stop), and rewrites the database file so the values are gone from it.
        Counts for statistics stay. `person show ID` then shows no personal value. The ref is kept only
        as a keyed hash, so that importing the sheet again does not bring the person back.
        Backups made before keep the person until they are pruned: it names those in backup.dir that
        hold them and the day the last of them goes with one backup a day and backup.keep.
        """,
        "match": """
        usage: mentor-notify match --mentor ID --mentee ID --program PROGRAM --start YYYY-MM-DD [--end YYYY-MM-DD] [--force]

        Starts a forløb and prints its id. Without --end it runs the program's duration. The program's
        eligibility rules are checked; --force matches anyway and says which rule was overridden.
        """,
        "extend":
            "usage: mentor-notify extend REL --until YYYY-MM-DD\n\nMoves the planned end; the end notices follow the new date.",
        "end": """
        usage: mentor-notify end REL --date YYYY-MM-DD [--reason completed|mentee-left|mentor-left|no-contact|moved|other]

        Records that a forløb ended. The reason is a category (default: other), never free text. An end
        before the planned end gives each person one evaluation request (the final one) and one reminder.
        """,
        "forloeb list": """
        usage: mentor-notify forloeb list [--program P] [--all] [--json]

        The pairs running and about to start (--all: ended ones too): id, program, mentor, mentee, start,
        planned end, last contact, status.
        """,
        "forloeb show": """
        usage: mentor-notify forloeb show REL [--json]

        One pair's timeline: dates, contacts, meetings, evaluations, messages (date, rule, role, channel,
        status) and the answers acted on (never a text).
        """,
        "attention": """
        usage: mentor-notify attention [--program P] [--at YYYY-MM-DDTHH:MM] [--json]

        The pairs that need a look, most urgent first, each with why and since when: said no to
        continuing, nobody reachable, a message failed, first meeting not held, no contact, no mentor
        agreement, an evaluation not returned, below target last month, ends soon.
        """,
        "contact": """
        usage: mentor-notify contact REL --date YYYY-MM-DD --minutes N [--kind meeting|phone|video|other] [--yes]
               mentor-notify contact list|fix|remove ...

        Logs contact that took place (1-1440 minutes; over 8 hours asks for --yes) and prints the
        contact's id last (for `contact fix` and `contact remove`). `contact list REL`
        shows a forløb's contacts, `contact fix ID` corrects one, `contact remove ID` removes one.
        """,
        "contact list": """
        usage: mentor-notify contact list REL [--json]

        The contacts logged for a forløb, oldest first, with their ids (for `contact fix` and `contact remove`).
        """,
        "contact fix": """
        usage: mentor-notify contact fix ID [--date YYYY-MM-DD] [--minutes N] [--kind meeting|phone|video|other] [--yes]

        Corrects a logged contact, with the checks of `contact`; the month's hours follow. Over 8 hours
        (480 minutes) asks for --yes.
        """,
        "contact remove": """
        usage: mentor-notify contact remove ID

        Removes a contact logged by mistake; the month's hours follow.
        """,
        "meeting": """
        usage: mentor-notify meeting REL --at YYYY-MM-DDTHH:MM [--place TEXT]
               mentor-notify meeting list|move|cancel ...

        A planned meeting; both get a reminder the day before. `meeting list REL` shows a forløb's
        meetings, `meeting move ID` moves one, `meeting cancel ID` cancels one.
        """,
        "forloeb": """
        usage: mentor-notify forloeb list|show ...

          forloeb list    the pairs, by name: running and about to start (--all: ended too)
          forloeb show    one pair's timeline: contacts, meetings, evaluations, messages, answers
        """,
        "evaluated":
            "usage: mentor-notify evaluated REL --by mentor|mentee [--date YYYY-MM-DD]\n\nAn evaluation was returned (default date: today).",
        "meeting list": """
        usage: mentor-notify meeting list REL [--json]

        The forløb's meetings, moved and cancelled ones marked, with the mentor's and mentee's names.
        """,
        "meeting move": """
        usage: mentor-notify meeting move ID --at YYYY-MM-DDTHH:MM [--place TEXT]

        Moves a meeting: it is reminded at its new time only, and those whose calendar holds its
        invitation get the update (same UID, SEQUENCE one up) at the next cycle; those reminded by
        SMS an SMS. Both name the old time and the new.
        """,
        "meeting cancel": """
        usage: mentor-notify meeting cancel ID

        Cancels a meeting: no reminder, and those invited get a cancellation (METHOD:CANCEL); those
        reminded by SMS get it by SMS.
        """,
        "cafe list": """
        usage: mentor-notify cafe list [--program PROGRAM] [--from YYYY-MM-DD] [--json]

        The café evenings of the 90 days from today (or --from), from the config's rhythm and one-off
        ones, cancelled ones marked.
        """,
        "cafe cancel": """
        usage: mentor-notify cafe cancel --program PROGRAM --at YYYY-MM-DDTHH:MM

        Cancels a café evening (one-off or from the rhythm): no invitation, and the mentees already
        invited get a cancellation (METHOD:CANCEL), by SMS those invited by SMS.
        """,
        "reminder list": """
        usage: mentor-notify reminder list [--person ID] [--json]

        Personal reminders with their person's name, days, pause and status.
        """,
        "reminder stop": """
        usage: mentor-notify reminder stop ID

        Nothing more is sent for the reminder.
        """,
        "reminder pause": """
        usage: mentor-notify reminder pause ID --from YYYY-MM-DD --until YYYY-MM-DD

        Nothing is sent from the one day through the other.
        """,
        "cafe add":
            "usage: mentor-notify cafe add --program PROGRAM --at YYYY-MM-DDTHH:MM [--place TEXT]\n\nA one-off café evening; recurring ones come from the config.",
        "reminder add": """
        usage: mentor-notify reminder add --person ID --time HH:MM --days mon,tue,wed,thu,fri --text TEXT [--until YYYY-MM-DD] [--on-holidays]

        A personal recurring reminder (the wake-up SMS), sent at its own time, outside the send window.
        Not sent on Danish public holidays, 24 and 31 December, unless added with --on-holidays.
        """,
        "import": """
        usage: mentor-notify import people|relationships|contacts FILE [--dry-run] [--force] [--yes]

        Reads a CSV file (UTF-8 or Windows-1252, ',' or ';'), all rows or none. The file is the master
        copy: import it again whenever it changes. A person whose ref exists is updated (a column in the
        file sets the value, an empty cell clears it, a column not in the file leaves it); a forløb with
        the same mentor, mentee, program and start is the same forløb and its end follows the file (an
        empty end leaves it); a contact already there is not added again. Nothing is deleted. It prints
        e.g. "3 added, 2 changed: phone ×1, email ×1; 7 unchanged; 1 in the database but not in the file".
        A bad row stops the import with FILE:LINE: reason. A row naming the ref of a forgotten person is
        skipped and counted ("1 forgotten (skipped: ref e1 — remove the row from the sheet)").
        Columns (Danish names in brackets, any case):
          people:        ref, role (rolle), name (navn), email (e-mail), phone (telefon, mobil),
                         birthdate (fødselsdato), channels (kanaler), lang (sprog), certificate (børneattest)
          relationships: mentor_ref (mentor), mentee_ref (mentee), program, start, end (slut)
          contacts:      mentor_ref (mentor), mentee_ref (mentee), date (dato), minutes (minutter), kind (type)
        Dates: YYYY-MM-DD or as Danish Excel writes them, day first with a four-digit year
        (12-04-1968, 12.04.1968, 12/04/1968). Rows of empty cells are skipped.
        --dry-run  checks every row and prints what the import would do; writes nothing.
        --force    matches relationships that break a program's eligibility rules, naming each row and rule.
        --yes      imports contacts over 8 hours (480 minutes); without it such a row stops the import.
        """,
        "plan":
            "usage: mentor-notify plan [--at YYYY-MM-DDTHH:MM] [--json]\n\nWhat is due at that moment (default: now). Writes nothing.",
        "tick":
            "usage: mentor-notify tick [--at YYYY-MM-DDTHH:MM]\n\nOne cycle: enqueue what is due, deliver what is ready, exit.\n"
            + "--at is a what-if the daemon's own cycles do not count; a moment ahead of the clock is refused on a\n"
            + "database the daemon uses (use `plan --at` to look ahead).",
        "run":
            "usage: mentor-notify run\n\nThe daemon: a cycle every minute until SIGTERM/SIGINT; SIGHUP reloads config and templates.",
        "outbox": """
        usage: mentor-notify outbox [--status pending|sending|sent|failed|expired|suppressed] [--json]
               mentor-notify outbox retry ID... | --failed-since YYYY-MM-DD

        The message log. `outbox retry` puts failed messages back in the queue, to be sent in the next
        cycle (after the address was corrected, or the server was fixed); messages whose moment has
        passed are not sent again.
        """,
        "outbox retry": """
        usage: mentor-notify outbox retry ID... | --failed-since YYYY-MM-DD

        Puts the failed messages with these ids, or every message that failed on or after the date, back
        in the queue with a fresh retry allowance. Prints the ids re-queued, one a line. A message whose
        moment has passed (a reminder for a past meeting) is left failed, and said so.
        """,
        "person": """
        usage: mentor-notify person add|list|edit|show|opt-out|opt-in ...

          person add      enter a mentor or a mentee (`person add --help`)
          person list     list people
          person edit     correct a person's data (`person edit --help`)
          person show     everything held about one person (GDPR art. 15)
          person opt-out  stop one channel to a person
          person opt-in   start it again, after an opt-out, an unsubscribe or a complaint
        """,
        "cafe": """
        usage: mentor-notify cafe add|list|cancel ...

          cafe add        a one-off café evening; recurring ones come from the config (`cafe add --help`)
          cafe list       the coming evenings, cancelled ones marked
          cafe cancel     cancel an evening; those invited get a cancellation
        """,
        "reminder": """
        usage: mentor-notify reminder add|list|stop|pause ...

          reminder add    a personal recurring reminder (`reminder add --help`)
          reminder list   the reminders, with names and status
          reminder stop   nothing more is sent
          reminder pause  nothing is sent between two dates
        """,
        "report": """
        usage: mentor-notify report hours --month YYYY-MM [--program P] [--csv]
               mentor-notify report year --year YYYY [--program P] [--csv | --json]

        Minutes per pair against the program's monthly target (`report hours --help`); the board's
        numbers for a year, per program and in all, without names (`report year --help`).
        """,
        "report year": """
        usage: mentor-notify report year --year YYYY [--program P] [--csv | --json]

        The board's numbers for the year, per program and in all, without names: pairs running,
        started, ended by reason and at their planned end, average length in months, contact hours
        (total, median per pair and month), share of pair-months at the monthly target, evaluations
        asked and returned per role, café evenings and yes-answers, messages by channel and outcome,
        opt-outs. A year not yet over is counted up to today. --program: that program only. --csv:
        one row per figure, one column per program (`;`, decimal comma). --json: one object per
        program, then `all`. Each figure is defined in mentor-notify(1).
        """,
        "audit": """
        usage: mentor-notify audit [--days N] [--json]

        Who changed what and when in the last N days (default 30), oldest first: the time, the Unix
        user (the user behind sudo) or the desk leader, the command, and the ids it touched or
        created (for `import` its kind and the ids it added or changed; for `cafe cancel` the
        program and the evening). Never a person's value: no name, address, text or date of theirs.
        Every command that changes data is recorded when it succeeded; reading, `init`, `tick`, `run`
        and `demo` are not.
        """,
        "report hours":
            "usage: mentor-notify report hours --month YYYY-MM [--program P] [--csv]\n\nMinutes per pair against the target.",
        "check": """
        usage: mentor-notify check [--connect]

        Validates the config, the templates and the database. Exit 78 on a config error. --connect also
        logs in to the replies mailbox (exit 69 when it cannot be read).
        """,
        "status": """
        usage: mentor-notify status [--json]

        Last cycle, outbox counts, oldest pending, next due, the newest backup's age. Exits 1 when the
        last cycle is older than statusMaxAgeMinutes (for monitoring), and, with a `backup` section in
        the config, when the newest backup in backup.dir is older than two days.
        """,
        "backup": """
        usage: mentor-notify backup [--to DIR] [--at YYYY-MM-DDTHH:MM]

        Writes a consistent copy of the database while the daemon runs (SQLite's online backup), checks
        it (PRAGMA integrity_check) and prints its path: DIR/mentor-notify-YYYYMMDD-HHMMSS.db, the time
        in UTC, mode 0640. DIR is --to, else the config's backup.dir (default /var/backups/mentor-notify).
        Copies beyond backup.keep (default 14), oldest first, are removed; no other file in DIR is touched.
        Messages the daemon sent but had not yet marked in the database are marked sent in the copy.
        """,
        "restore": """
        usage: mentor-notify restore FILE

        Puts a copy made by `backup` in place of the database. The daemon must be stopped (exit 75
        otherwise: systemctl stop mentor-notify). Checks the copy (integrity, a schema no newer than
        this version's), migrates it, replays the sent journals beside the database into it (what was
        sent is not sent again), keeps the current database as DB.before-restore, and only then puts
        the copy in its place. Start the daemon again afterwards.
        """,
        "replies": """
        usage: mentor-notify replies [--json] [--days N]

        What came back in the last N days (default 30), newest first: when, the channel, the message it
        answered, the person, and what was done (hours, rsvp, continue, agreement, evaluated, opt-out,
        opt-in, forwarded, unverified, bounce, complaint, ignored-auto, unmatched, unreadable). What people
        wrote is never shown or kept.
        """,
        "demo": """
        usage: mentor-notify demo [--dir DIR] [--from YYYY-MM-DD] [--days N]

        Creates a database of fictional people in all five presets in DIR (default ./demo), runs the
        daemon's cycles hour by hour over a simulated year on the spool transport, and prints what
        happened: messages per rule per month and a few texts as a person reads them.
        """,
    ]
}
