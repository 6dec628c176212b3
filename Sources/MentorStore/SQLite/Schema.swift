import MentorModel

/// The database schema as ordered migrations. Never edit a released migration: add a new one.
public enum Schema {
    public static let migrator = Migrator([
        .init(id: "001-core", sql: core),
        .init(id: "002-contact-summary", sql: contactSummary),
        .init(id: "003-channel-holds", sql: channelHolds),
        .init(id: "004-replies", sql: replies),
        .init(id: "005-delivery-reports", sql: deliveryReports),
        .init(id: "006-unsubscribe", sql: unsubscribe),
        .init(id: "007-proven-senders", sql: provenSenders),
        .init(id: "008-complaints", sql: complaints),
        .init(id: "009-unreadable-mail", sql: unreadableMail, rewrite: hashInboundKeys),
        .init(id: "010-events", sql: events),
        .init(id: "011-people", sql: people),
        .init(id: "012-ends", sql: endReasonCategories),
        .init(id: "013-audit", sql: audit),
        .init(id: "014-forgotten-refs", sql: forgottenRefs),
        .init(id: "015-former-values", sql: formerValues),
        .init(id: "016-reply-threads", sql: replyThreads),
        .init(id: "017-desk", sql: desk),
        .init(id: "018-change-mark", sql: ChangeMark.table, rewrite: ChangeMark.installTriggers),
        .init(id: "019-month-minutes", sql: monthMinutes),
        .init(id: "020-status-change-indexes", sql: statusChangeIndexes),
        .init(id: "021-ready-anytime", sql: readyAnytime),
    ])

    /// Outside the send window only rows that ignore it may go: they have an index of their own,
    /// where the ready index would walk every pending row due (an evening's queue of tomorrow's
    /// messages, read page by page at every idle cycle) to find none. The ready check and the lease
    /// name it (`INDEXED BY`).
    static let readyAnytime = """
        CREATE INDEX IF NOT EXISTS outbox_ready_anytime ON outbox(not_before) WHERE status = 'pending' AND in_window = 0;
        """

    /// Fewer index entries moved by a message's status changes (lease, sent mark), which cost as
    /// much as rewriting the row. The rule index served its status only to the year report, whose
    /// rows of one rule are nearly all sent: it now holds when a row was queued, which the
    /// scheduler's question (which requests went out since) seeks on and no status change moves.
    /// A row gets a provider id and a sent time once, when it is sent: those indexes hold only the
    /// rows that have one, so the mark inserts an entry rather than moving one.
    static let statusChangeIndexes = """
        DROP INDEX IF EXISTS outbox_rule_status;
        CREATE INDEX outbox_rule_created ON outbox(rule, created_at);
        DROP INDEX IF EXISTS outbox_provider;
        CREATE INDEX outbox_provider ON outbox(provider_id) WHERE provider_id IS NOT NULL;
        DROP INDEX IF EXISTS outbox_recipient_channel;
        CREATE INDEX outbox_recipient_channel ON outbox(recipient, channel, sent_at) WHERE sent_at IS NOT NULL;
        """

    /// A month's minutes by forløb from the month's index alone: planning reads two months of every
    /// running forløb each time it plans, and looking each row up in the table behind the index
    /// took most of that (100,000 seeks a month at 100,000 forløb).
    static let monthMinutes = """
        DROP INDEX IF EXISTS contact_month_month;
        CREATE INDEX contact_month_month ON contact_month(month, minutes);
        """

    /// The leader's desk (Repositories/DeskSessions.swift): sign-in links and sessions, each known
    /// by the SHA-256 of its token only. A mailed link's row is kept for an hour after it was
    /// made (past its 15 minutes), so the rows are also the rate limits' counts, across restarts.
    static let desk = """
        CREATE TABLE desk_link (
            hash TEXT PRIMARY KEY,
            address TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at INTEGER,
            mailed INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX desk_link_made ON desk_link(created_at);
        CREATE TABLE desk_session (
            hash TEXT PRIMARY KEY,
            address TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            seen_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        """

    /// What a reply's confirmation threads with (`MailThread.stored`): the reply's Message-ID and
    /// the chain it named, never its words; cleared when the confirmation is sent (or its text erased).
    static let replyThreads = """
        ALTER TABLE outbox ADD COLUMN thread TEXT;
        """

    /// The names a person had and the places a meeting had before a correction or a move: texts
    /// already sent carry them, and `forget` erases each of them there (and these rows). Kept by
    /// triggers, so that every path that changes a name or a place (an edit, an import, a move)
    /// is covered. A name given back is no longer a former one.
    static let formerValues =
        formerValue("former_name", of: ("person", "person_id"), column: "name", trigger: "person_renamed")
        + formerValue(
            "meeting_former_place", of: ("meeting", "meeting_id"), column: "place", trigger: "meeting_place_moved")

    /// A table of the values `column` of `owner` had, and the trigger that keeps it. Written out
    /// by 015-former-values: never change what this returns.
    static func formerValue(
        _ table: String, of owner: (table: String, key: String), column: String, trigger: String
    ) -> String {
        """
        CREATE TABLE \(table) (
            \(owner.key) INTEGER NOT NULL REFERENCES \(owner.table)(id),
            \(column) TEXT NOT NULL,
            PRIMARY KEY (\(owner.key), \(column))
        ) WITHOUT ROWID;
        CREATE TRIGGER \(trigger) AFTER UPDATE OF \(column) ON \(owner.table)
            WHEN old.\(column) IS NOT NULL AND new.\(column) IS NOT NULL AND old.\(column) <> new.\(column) BEGIN
            INSERT OR IGNORE INTO \(table) (\(owner.key), \(column)) VALUES (new.id, old.\(column));
            DELETE FROM \(table) WHERE \(owner.key) = new.id AND \(column) = new.\(column);
        END;

        """
    }

    /// The refs of forgotten people, as HMAC-SHA256 keyed with `meta`'s `forgotten-ref.key`
    /// (Repositories/ForgottenRefs.swift), so that importing the leader's sheet again does not bring
    /// them back. Of people forgotten before this migration nothing can be remembered: their ref was
    /// already erased, so a sheet that still holds their row adds them anew until it is removed.
    static let forgottenRefs = """
        CREATE TABLE forgotten_ref (hash TEXT PRIMARY KEY) WITHOUT ROWID;
        """

    /// Meetings, café evenings and reminders can be corrected and undone. A meeting's `sequence` is
    /// its calendar `SEQUENCE` (one more per move or cancellation). A cancelled café evening is a
    /// row of its own, as an evening of the config's rhythm has none to mark. An outbox row keeps its
    /// event's `UID` (and `SEQUENCE`) beyond the retention of its calendar text: an update or a
    /// cancellation goes to those an invitation reached, under the `UID` their calendar knows.
    /// `meeting_move` keeps the time a meeting had before each move (by the `SEQUENCE` the move
    /// gave it), written by a trigger with the move itself: an update names the time it replaces,
    /// and the SMS reminders sent for an earlier time are found by it.
    static let events = """
        ALTER TABLE meeting ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE meeting ADD COLUMN cancelled_at INTEGER;
        CREATE INDEX meeting_relationship ON meeting(relationship_id);
        CREATE TABLE meeting_move (
            meeting_id INTEGER NOT NULL REFERENCES meeting(id),
            sequence INTEGER NOT NULL,
            from_at TEXT NOT NULL,
            PRIMARY KEY (meeting_id, sequence)
        ) WITHOUT ROWID;
        CREATE TRIGGER meeting_moved AFTER UPDATE OF at ON meeting WHEN old.at <> new.at BEGIN
            INSERT OR REPLACE INTO meeting_move (meeting_id, sequence, from_at) VALUES (new.id, new.sequence, old.at);
        END;
        CREATE TABLE cafe_cancellation (
            program TEXT NOT NULL,
            at TEXT NOT NULL,
            cancelled_at INTEGER NOT NULL,
            PRIMARY KEY (program, at)
        ) WITHOUT ROWID;
        ALTER TABLE reminder ADD COLUMN on_holidays INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE reminder ADD COLUMN paused_from TEXT;
        ALTER TABLE reminder ADD COLUMN paused_until TEXT;
        ALTER TABLE reminder ADD COLUMN stopped_at INTEGER;
        ALTER TABLE outbox ADD COLUMN event_uid TEXT;
        ALTER TABLE outbox ADD COLUMN event_sequence INTEGER;
        UPDATE outbox SET event_uid = json_extract(calendar, '$.uid'),
            event_sequence = coalesce(json_extract(calendar, '$.sequence'), 0)
            WHERE calendar IS NOT NULL AND json_valid(calendar);
        CREATE INDEX outbox_event_uid ON outbox(event_uid) WHERE event_uid IS NOT NULL;
        """

    /// An end reason is a category (`EndReason`), never free text: the text leaders once wrote
    /// ("Ahmad har fået fast job…") names people and survived `forget`. Text that is not a
    /// category becomes `other`; `secure_delete` zeroes what it overwrote. The categories are
    /// written out: a released migration must not change when `EndReason` grows.
    static let endReasonCategories = """
        UPDATE relationship SET end_reason = 'other'
            WHERE end_reason IS NOT NULL
                AND end_reason NOT IN ('completed', 'mentee-left', 'mentor-left', 'no-contact', 'moved', 'other');
        """

    /// Who changed what and when (`audit`): the actor, the command and the ids it touched, as a
    /// comma-separated list of numbers; never a value, so `forget` leaves the rows as they are.
    static let audit = """
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            actor TEXT NOT NULL,
            command TEXT NOT NULL,
            ids TEXT NOT NULL
        );
        CREATE INDEX audit_at ON audit(at);
        """

    /// Corrections. A contact can be fixed: the summary follows an update as it follows an insert
    /// and a delete. And `forget` before this left the meeting places of the person's forløb: they
    /// go for those already forgotten (VACUUM then runs with the next `forget`; `secure_delete`
    /// zeroes the freed bytes now). Free-text end reasons go for everyone in 012-ends.
    static let people = """
        CREATE TRIGGER contact_after_update AFTER UPDATE OF relationship_id, date, minutes ON contact BEGIN
            UPDATE contact_month SET minutes = minutes - OLD.minutes
                WHERE relationship_id = OLD.relationship_id AND month = substr(OLD.date, 1, 7);
            DELETE FROM contact_month WHERE relationship_id = OLD.relationship_id AND minutes <= 0;
            INSERT INTO contact_month (relationship_id, month, minutes)
                VALUES (NEW.relationship_id, substr(NEW.date, 1, 7), NEW.minutes)
                ON CONFLICT (relationship_id, month) DO UPDATE SET minutes = minutes + excluded.minutes;
            UPDATE relationship SET
                first_contact = (SELECT min(date) FROM contact WHERE relationship_id = relationship.id),
                last_contact = (SELECT max(date) FROM contact WHERE relationship_id = relationship.id)
            WHERE id IN (OLD.relationship_id, NEW.relationship_id);
        END;
        UPDATE meeting SET place = NULL WHERE relationship_id IN (
            SELECT r.id FROM relationship r JOIN person p ON p.id IN (r.mentor_id, r.mentee_id)
            WHERE p.forgotten_at IS NOT NULL);
        """

    /// Who is speaking (SPEC.md). `invitation_token`: 128 random bits of an invitation's `UID`, its
    /// own (a calendar's answer often names no Message-ID), only on rows with an invitation.
    /// `unverified_sender` counts the forwards of unproven mail per sender and day, to cap them: the
    /// sender is the channel and person id the mail speaks for (never an address), and nothing of
    /// the text is kept.
    static let provenSenders = """
        ALTER TABLE outbox ADD COLUMN invitation_token TEXT;
        UPDATE outbox SET invitation_token = lower(hex(randomblob(16))) WHERE calendar IS NOT NULL;
        CREATE UNIQUE INDEX outbox_invitation_token ON outbox(invitation_token);
        CREATE TABLE unverified_sender (
            sender TEXT NOT NULL,
            day TEXT NOT NULL,
            person_id INTEGER NOT NULL,
            program TEXT NOT NULL,
            forwarded INTEGER NOT NULL DEFAULT 0,
            held INTEGER NOT NULL DEFAULT 0,
            reported INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (sender, day)
        ) WITHOUT ROWID;
        """

    /// A complaint (an ARF report: the person marked our email as spam) stops that program's email
    /// as the link does and is listed as such. SQLite cannot change a CHECK, so the table is
    /// written anew with `complaint` among the routes, its rows and index kept.
    static let complaints = """
        CREATE TABLE opt_out_event_new (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES person(id),
            program TEXT,
            channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
            opted_out INTEGER NOT NULL,
            via TEXT NOT NULL CHECK (via IN ('link', 'reply', 'leader', 'complaint')),
            at INTEGER NOT NULL
        );
        INSERT INTO opt_out_event_new (id, person_id, program, channel, opted_out, via, at)
            SELECT id, person_id, program, channel, opted_out, via, at FROM opt_out_event;
        DROP TABLE opt_out_event;
        ALTER TABLE opt_out_event_new RENAME TO opt_out_event;
        CREATE INDEX opt_out_event_at ON opt_out_event(at);
        """

    /// A message in the replies folder that could not be fetched or read: how many polls in a row
    /// (at three it goes to the unreadable folder), and whether even that move failed, so it is
    /// passed over by UID. Never anything of the message itself.
    static let unreadableMail = """
        CREATE TABLE mailbox_failure (
            mailbox TEXT NOT NULL,
            uid_validity INTEGER NOT NULL,
            uid INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            last_at INTEGER NOT NULL,
            passed_over INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (mailbox, uid_validity, uid)
        ) WITHOUT ROWID;
        """

    /// Keys written before 007 held a reply's Message-ID (often with an address in it), and the
    /// forwards and confirmations of that reply repeat it in their outbox keys: each becomes its
    /// hash, so mail already handled is still recognised and no address is left in a key.
    @Sendable static func hashInboundKeys(_ database: Database) throws {
        let prefix = "email:"
        let inbound = try database.query("SELECT id, key FROM inbound WHERE substr(key, 1, 6) = 'email:'") {
            ($0.int64(0), $0.string(1))
        }
        for (id, key) in inbound {
            let hashed = try InboundKey.email(messageID: String(key.dropFirst(prefix.count)))
            try database.run("UPDATE inbound SET key = ? WHERE id = ?", [hashed, id])
        }
        // `RULE:person-N:ROLE:INBOUND-KEY`: the inbound key is the fourth part, colons and all.
        // A released migration keeps its own reading of the keys as they were then (no MessageKey).
        let outbox = try database.query(
            "SELECT id, key FROM outbox WHERE rule IN ('reply-forward', 'reply-confirmation') AND instr(key, ':email:') > 0"
        ) { ($0.int64(0), $0.string(1)) }
        for (id, key) in outbox {
            let parts = key.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, parts[3].hasPrefix(prefix) else { continue }
            let hashed = try InboundKey.email(messageID: String(parts[3].dropFirst(prefix.count)))
            try database.run(
                "UPDATE outbox SET key = ? WHERE id = ?", [parts[0..<3].joined(separator: ":") + ":" + hashed, id])
        }
    }

    /// One-click unsubscribe. The link's token is its own 128 random bits, not the Message-ID's,
    /// which travels further (a reply's `References`). A link stops one program's messages on one
    /// channel (`program_opt_out`); a "stop" reply stops the whole channel (`person.opt_out_*`).
    /// `opt_out_event` records every opt-out and opt-in by any route, for the leader's next digest:
    /// who (an id), which program, which channel, how and when; never anything the person wrote.
    static let unsubscribe = """
        ALTER TABLE outbox ADD COLUMN unsubscribe_token TEXT;
        UPDATE outbox SET unsubscribe_token = lower(hex(randomblob(16)));
        CREATE UNIQUE INDEX outbox_unsubscribe_token ON outbox(unsubscribe_token);
        CREATE TABLE program_opt_out (
            person_id INTEGER NOT NULL REFERENCES person(id),
            program TEXT NOT NULL,
            channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
            at INTEGER NOT NULL,
            PRIMARY KEY (person_id, program, channel)
        ) WITHOUT ROWID;
        CREATE TABLE opt_out_event (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES person(id),
            program TEXT,
            channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
            opted_out INTEGER NOT NULL,
            via TEXT NOT NULL CHECK (via IN ('link', 'reply', 'leader')),
            at INTEGER NOT NULL
        );
        CREATE INDEX opt_out_event_at ON opt_out_event(at);
        """

    /// What a gateway reported about an SMS after it took it: `delivered`, or nothing yet.
    static let deliveryReports = """
        ALTER TABLE outbox ADD COLUMN delivery TEXT;
        ALTER TABLE outbox ADD COLUMN delivered_at INTEGER;
        CREATE INDEX outbox_provider ON outbox(provider_id);
        """

    /// What comes back. `message_token` makes our Message-IDs unguessable (128 random bits from
    /// SQLite's CSPRNG-seeded generator), so a reply names the row it answers and nobody can forge
    /// one. `inbound` records each message acted on, by the mailbox's or gateway's identity for it,
    /// in the same transaction as the action: a message is acted on once however often it is read.
    /// It holds no text. The answers (café evenings, continue, agreement) are what the leader is told.
    static let replies = """
        ALTER TABLE outbox ADD COLUMN message_token TEXT;
        UPDATE outbox SET message_token = lower(hex(randomblob(16)));
        CREATE UNIQUE INDEX outbox_message_token ON outbox(message_token);
        CREATE INDEX outbox_recipient_channel ON outbox(recipient, channel, sent_at);
        CREATE TABLE inbound (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            received_at INTEGER NOT NULL,
            channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
            outbox_id INTEGER,
            person_id INTEGER,
            action TEXT NOT NULL,
            detail TEXT
        );
        CREATE INDEX inbound_received ON inbound(received_at);
        CREATE TABLE cafe_answer (
            program TEXT NOT NULL,
            at TEXT NOT NULL,
            person_id INTEGER NOT NULL REFERENCES person(id),
            answer TEXT NOT NULL CHECK (answer IN ('yes', 'no')),
            answered_at INTEGER NOT NULL,
            PRIMARY KEY (program, at, person_id)
        ) WITHOUT ROWID;
        CREATE TABLE forloeb_answer (
            relationship_id INTEGER NOT NULL REFERENCES relationship(id),
            question TEXT NOT NULL CHECK (question IN ('continue', 'agreement')),
            by TEXT NOT NULL CHECK (by IN ('mentor', 'mentee')),
            answer TEXT NOT NULL CHECK (answer IN ('yes', 'no')),
            answered_at INTEGER NOT NULL,
            PRIMARY KEY (relationship_id, question, by)
        ) WITHOUT ROWID;
        CREATE TABLE mailbox (
            name TEXT PRIMARY KEY,
            uid_validity INTEGER,
            last_uid INTEGER NOT NULL DEFAULT 0,
            last_poll INTEGER,
            last_ok INTEGER,
            failing_since INTEGER,
            reason TEXT
        );
        """

    /// A channel held while its server or gateway is down or refuses us; time spent held is not
    /// counted against a message's days of retrying. The rule index serves the scheduler's question
    /// which evaluation requests went out.
    static let channelHolds = """
        CREATE TABLE channel_hold (
            channel TEXT PRIMARY KEY CHECK (channel IN ('email', 'sms')),
            since INTEGER NOT NULL,
            retry_at INTEGER NOT NULL,
            probes INTEGER NOT NULL DEFAULT 0,
            reason TEXT NOT NULL
        );
        ALTER TABLE outbox ADD COLUMN held_seconds INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX outbox_rule_status ON outbox(rule, status);
        """

    static let core = """
        CREATE TABLE person (
            id INTEGER PRIMARY KEY,
            ref TEXT UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('mentor', 'mentee')),
            name TEXT,
            email TEXT,
            phone TEXT,
            birthdate TEXT,
            certificate TEXT,
            channels TEXT NOT NULL,
            lang TEXT NOT NULL DEFAULT 'da' CHECK (lang IN ('da', 'en')),
            opt_out_email INTEGER NOT NULL DEFAULT 0,
            opt_out_sms INTEGER NOT NULL DEFAULT 0,
            forgotten_at TEXT,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
        );
        CREATE TABLE relationship (
            id INTEGER PRIMARY KEY,
            mentor_id INTEGER NOT NULL REFERENCES person(id),
            mentee_id INTEGER NOT NULL REFERENCES person(id),
            program TEXT NOT NULL,
            start_date TEXT NOT NULL,
            planned_end TEXT NOT NULL,
            ended_on TEXT,
            end_reason TEXT,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
            CHECK (planned_end > start_date)
        );
        CREATE INDEX relationship_mentor ON relationship(mentor_id);
        CREATE INDEX relationship_mentee ON relationship(mentee_id);
        CREATE TABLE contact (
            id INTEGER PRIMARY KEY,
            relationship_id INTEGER NOT NULL REFERENCES relationship(id),
            date TEXT NOT NULL,
            minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
            kind TEXT NOT NULL DEFAULT 'meeting'
        );
        CREATE INDEX contact_relationship_date ON contact(relationship_id, date);
        CREATE TABLE meeting (
            id INTEGER PRIMARY KEY,
            relationship_id INTEGER NOT NULL REFERENCES relationship(id),
            at TEXT NOT NULL,
            place TEXT
        );
        CREATE INDEX meeting_at ON meeting(at);
        CREATE TABLE evaluation (
            id INTEGER PRIMARY KEY,
            relationship_id INTEGER NOT NULL REFERENCES relationship(id),
            by TEXT NOT NULL CHECK (by IN ('mentor', 'mentee')),
            date TEXT NOT NULL
        );
        CREATE INDEX evaluation_relationship ON evaluation(relationship_id);
        CREATE TABLE cafe (
            id INTEGER PRIMARY KEY,
            program TEXT NOT NULL,
            at TEXT NOT NULL,
            place TEXT
        );
        CREATE TABLE reminder (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES person(id),
            time TEXT NOT NULL,
            days TEXT NOT NULL,
            text TEXT,
            until TEXT
        );
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL,
            channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
            rule TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('mentor', 'mentee', 'leader', 'person')),
            recipient INTEGER REFERENCES person(id),
            leader_address TEXT,
            program TEXT,
            relationship_id INTEGER,
            language TEXT NOT NULL DEFAULT 'da',
            subject TEXT,
            body TEXT,
            calendar TEXT,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'expired', 'suppressed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            not_before INTEGER NOT NULL,
            expires_at INTEGER,
            in_window INTEGER NOT NULL DEFAULT 1,
            after_end INTEGER NOT NULL DEFAULT 0,
            lease_until INTEGER,
            sent_at INTEGER,
            reason TEXT,
            provider_id TEXT,
            segments INTEGER,
            failure_reported INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (key, channel)
        );
        CREATE INDEX outbox_ready ON outbox(status, not_before);
        CREATE INDEX outbox_recipient ON outbox(recipient);
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """

    /// First and last contact per forløb and minutes per month, kept by triggers, so a cycle over
    /// 100,000 forløb reads one row each instead of aggregating millions of contact rows.
    static let contactSummary = """
        ALTER TABLE relationship ADD COLUMN first_contact TEXT;
        ALTER TABLE relationship ADD COLUMN last_contact TEXT;
        CREATE TABLE contact_month (
            relationship_id INTEGER NOT NULL REFERENCES relationship(id),
            month TEXT NOT NULL,
            minutes INTEGER NOT NULL,
            PRIMARY KEY (relationship_id, month)
        ) WITHOUT ROWID;
        CREATE INDEX contact_month_month ON contact_month(month);
        INSERT INTO contact_month (relationship_id, month, minutes)
            SELECT relationship_id, substr(date, 1, 7), sum(minutes) FROM contact GROUP BY 1, 2;
        UPDATE relationship SET
            first_contact = (SELECT min(date) FROM contact WHERE relationship_id = relationship.id),
            last_contact = (SELECT max(date) FROM contact WHERE relationship_id = relationship.id);
        CREATE TRIGGER contact_after_insert AFTER INSERT ON contact BEGIN
            UPDATE relationship SET
                first_contact = CASE WHEN first_contact IS NULL OR NEW.date < first_contact
                                     THEN NEW.date ELSE first_contact END,
                last_contact = CASE WHEN last_contact IS NULL OR NEW.date > last_contact
                                    THEN NEW.date ELSE last_contact END
            WHERE id = NEW.relationship_id;
            INSERT INTO contact_month (relationship_id, month, minutes)
                VALUES (NEW.relationship_id, substr(NEW.date, 1, 7), NEW.minutes)
                ON CONFLICT (relationship_id, month) DO UPDATE SET minutes = minutes + excluded.minutes;
        END;
        CREATE TRIGGER contact_after_delete AFTER DELETE ON contact BEGIN
            UPDATE relationship SET
                first_contact = (SELECT min(date) FROM contact WHERE relationship_id = OLD.relationship_id),
                last_contact = (SELECT max(date) FROM contact WHERE relationship_id = OLD.relationship_id)
            WHERE id = OLD.relationship_id;
            UPDATE contact_month SET minutes = minutes - OLD.minutes
                WHERE relationship_id = OLD.relationship_id AND month = substr(OLD.date, 1, 7);
            DELETE FROM contact_month WHERE relationship_id = OLD.relationship_id AND minutes <= 0;
        END;
        """
}
