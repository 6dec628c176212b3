/// The `--help` text of each command.
enum Usage {
    static let text: [String: String] = [
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
        "forget": """
        usage: mentor-notify forget ID

        Erases the person's name, email, phone, birthdate and the message bodies to them, and rewrites the
        database file so the values are gone from it. Counts for statistics stay.
        """,
        "match": """
        usage: mentor-notify match --mentor ID --mentee ID --program PROGRAM --start YYYY-MM-DD [--end YYYY-MM-DD] [--force]

        Starts a forløb and prints its id. Without --end it runs the program's duration. The program's
        eligibility rules are checked; --force matches anyway and says which rule was overridden.
        """,
        "extend":
            "usage: mentor-notify extend REL --until YYYY-MM-DD\n\nMoves the planned end; the end notices follow the new date.",
        "end": "usage: mentor-notify end REL --date YYYY-MM-DD [--reason TEXT]\n\nRecords that a forløb ended.",
        "contact": """
        usage: mentor-notify contact REL --date YYYY-MM-DD --minutes N [--kind meeting|phone|video|other]

        Logs contact that took place (1-1440 minutes).
        """,
        "meeting":
            "usage: mentor-notify meeting REL --at YYYY-MM-DDTHH:MM [--place TEXT]\n\nA planned meeting; both get a reminder the day before.",
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
        usage: mentor-notify import people|relationships|contacts FILE [--force]

        Reads a CSV file (UTF-8 or Windows-1252, ',' or ';'), all rows or none. A bad row stops the import
        with FILE:LINE: reason. Columns:
          people:        ref,role,name[,email,phone,birthdate,channels,lang,certificate]
          relationships: mentor_ref,mentee_ref,program,start[,end]
          contacts:      mentor_ref,mentee_ref,date,minutes[,kind]
        --force imports relationships that break a program's eligibility rules.
        """,
        "plan":
            "usage: mentor-notify plan [--at YYYY-MM-DDTHH:MM] [--json]\n\nWhat is due at that moment (default: now). Writes nothing.",
        "tick":
            "usage: mentor-notify tick [--at YYYY-MM-DDTHH:MM]\n\nOne cycle: enqueue what is due, deliver what is ready, exit.",
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
        usage: mentor-notify person add|list|opt-out|opt-in ...

          person add      enter a mentor or a mentee (`person add --help`)
          person list     list people
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

        Minutes per pair against the program's monthly target (`report hours --help`).
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

        Last cycle, outbox counts, oldest pending, next due. Exits 1 when the last cycle is older than
        statusMaxAgeMinutes (for monitoring).
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
