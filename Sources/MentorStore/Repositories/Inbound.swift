public import MentorModel

/// One message that came back, as recorded: never its text.
public struct InboundRecord: Sendable, Hashable {
    /// The mailbox's or gateway's identity for the message: acted on once per key.
    public var key: String
    public var receivedAt: Int64
    public var channel: Channel
    /// The outbox row it answered.
    public var outboxID: Int64?
    public var personID: Int64?
    /// `hours`, `rsvp`, `continue`, `agreement`, `evaluated`, `opt-out`, `opt-in`, `forwarded`,
    /// `unverified`, `bounce`, `complaint`, `ignored-auto`, `unmatched`, `unreadable` (detail: `moved to
    /// FOLDER` / `left in FOLDER`).
    public var action: String
    /// What was understood, in our words ("210 minutes", "yes", "5.1.1"), never the person's.
    public var detail: String?

    public init(
        key: String, receivedAt: Int64, channel: Channel, outboxID: Int64? = nil, personID: Int64? = nil,
        action: String, detail: String? = nil
    ) {
        self.key = key
        self.receivedAt = receivedAt
        self.channel = channel
        self.outboxID = outboxID
        self.personID = personID
        self.action = action
        self.detail = detail
    }
}

/// Where polling a mailbox stands, and how it went last.
public struct MailboxState: Sendable, Hashable {
    public var name: String
    public var uidValidity: Int64?
    public var lastUID: Int64 = 0
    public var lastPoll: Int64?
    public var lastOK: Int64?
    /// Set while polls fail: since when, and why.
    public var failingSince: Int64?
    public var reason: String?

    public init(name: String) {
        self.name = name
    }
}

extension Store {
    /// True when a message with this key was acted on already.
    public func inboundHandled(_ key: String) throws -> Bool {
        try database.scalarInt("SELECT 1 FROM inbound WHERE key = ?", [key]) != nil
    }

    /// Records a message as handled; false when it already was (nothing is written then). Call in
    /// the transaction that acts on it.
    @discardableResult
    public func recordInbound(_ record: InboundRecord) throws -> Bool {
        try database.run(
            """
            INSERT INTO inbound (key, received_at, channel, outbox_id, person_id, action, detail)
            VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING
            """,
            [
                record.key, record.receivedAt, record.channel.rawValue, record.outboxID, record.personID, record.action,
                record.detail,
            ]) > 0
    }

    /// What came in since `since`, newest first.
    public func inbound(since: Int64, limit: Int = 1000) throws -> [InboundRecord] {
        try database.query(
            """
            SELECT key, received_at, channel, outbox_id, person_id, action, detail FROM inbound
            WHERE received_at >= ? ORDER BY received_at DESC, id DESC LIMIT ?
            """, [since, limit]
        ) { row throws(StoreError) in
            let names = try row.columns(["key", "received_at", "channel", "outbox_id", "person_id", "action", "detail"])
            return InboundRecord(
                key: row.string(names[0]), receivedAt: row.int64(names[1]),
                channel: try row.value(names[2], as: Channel.init(rawValue:), "channel"),
                outboxID: row.optionalInt64(names[3]), personID: row.optionalInt64(names[4]),
                action: row.string(names[5]), detail: row.optionalString(names[6]))
        }
    }

    /// A gateway's delivery report for the SMS with outbox id `id` or gateway id `providerID`:
    /// `delivered`, or failed with `reason` (the row becomes `failed` and the leader hears of it).
    /// A report after a final one changes nothing. A report can overtake our own record that the
    /// gateway took the message (sent marks reach SQLite in batches): for a row still `sending` it
    /// is kept in `delivery` and `markSent` applies it. Returns whether it changed the row.
    @discardableResult
    public func applyDeliveryReport(id: Int64?, providerID: String?, delivered: Bool, reason: String?, now: Int64)
        throws -> Bool
    {
        let match = id != nil ? "id = ?" : "provider_id = ?"
        let key: any SQLArgument = id.map { $0 as any SQLArgument } ?? (providerID ?? "")
        if delivered {
            return try database.run(
                """
                UPDATE outbox SET delivery = 'delivered', delivered_at = ?, updated_at = ?
                WHERE \(match) AND channel = 'sms' AND status IN ('sent', 'sending') AND delivery IS NULL
                """, [now, now, key]) > 0
        }
        return try database.run(
            """
            UPDATE outbox SET
                status = CASE status WHEN 'sent' THEN 'failed' ELSE status END,
                delivery = CASE status WHEN 'sent' THEN NULL ELSE 'failed' END,
                reason = ?, failure_reported = 0, updated_at = ?
            WHERE \(match) AND channel = 'sms' AND status IN ('sent', 'sending') AND delivery IS NULL
            """, [reason ?? "not delivered", now, key]) > 0
    }

    /// Replies by channel and action, for the metrics.
    public func inboundCounts() throws -> [(channel: Channel, action: String, count: Int)] {
        try database.query("SELECT channel, action, count(*) FROM inbound GROUP BY 1, 2 ORDER BY 1, 2") {
            row throws(StoreError) in
            (try row.value(0, as: Channel.init(rawValue:), "channel"), row.string(1), row.int(2))
        }
    }

    /// Outbox rows by channel and status, for the metrics.
    public func outboxCounts() throws -> [(channel: Channel, status: OutboxStatus, count: Int)] {
        try database.query("SELECT channel, status, count(*) FROM outbox GROUP BY 1, 2 ORDER BY 1, 2") {
            row throws(StoreError) in
            (
                try row.value(0, as: Channel.init(rawValue:), "channel"),
                try row.value(1, as: OutboxStatus.init(rawValue:), "status"), row.int(2)
            )
        }
    }

    /// Our email whose Message-ID carries `token`.
    public func outboxRow(messageToken token: String) throws -> OutboxRow? {
        try database.queryOne(
            "SELECT \(Store.outboxColumns) FROM outbox WHERE message_token = ?", [token], Store.outboxRow)
    }

    /// Our invitation whose `UID` carries `token`.
    public func outboxRow(invitationToken token: String) throws -> OutboxRow? {
        try database.queryOne(
            "SELECT \(Store.outboxColumns) FROM outbox WHERE invitation_token = ?", [token], Store.outboxRow)
    }

    /// Our email whose unsubscribe link carries `token`.
    public func outboxRow(unsubscribeToken token: String) throws -> OutboxRow? {
        try database.queryOne(
            "SELECT \(Store.outboxColumns) FROM outbox WHERE unsubscribe_token = ?", [token], Store.outboxRow)
    }

    public func outboxRow(id: Int64) throws -> OutboxRow? {
        try database.queryOne("SELECT \(Store.outboxColumns) FROM outbox WHERE id = ?", [id], Store.outboxRow)
    }

    /// The latest message sent to `person` on `channel` since `since` (a reply that names none).
    public func latestSent(to person: Int64, channel: Channel, since: Int64) throws -> OutboxRow? {
        try database.queryOne(
            """
            SELECT \(Store.outboxColumns) FROM outbox
            WHERE recipient = ? AND channel = ? AND status = 'sent' AND sent_at >= ?
                AND rule NOT IN ('reply-confirmation')
            ORDER BY sent_at DESC, id DESC LIMIT 1
            """, [person, channel.rawValue, since], Store.outboxRow)
    }

    /// Emails sent to people after the row `id`, oldest first (the demo's people answer them).
    public func sentEmails(afterID id: Int64) throws -> [OutboxRow] {
        try database.query(
            """
            SELECT \(Store.outboxColumns) FROM outbox
            WHERE id > ? AND status = 'sent' AND channel = 'email' AND recipient IS NOT NULL ORDER BY id
            """, [id], Store.outboxRow)
    }

    /// People (not forgotten) with this email address, compared without case.
    public func people(email: String) throws -> [Person] {
        try database.query(
            "SELECT \(Store.personColumns) FROM person WHERE lower(email) = lower(?) AND forgotten_at IS NULL",
            [email], Store.person)
    }

    /// People (not forgotten) with this phone number (E.164).
    public func people(phone: String) throws -> [Person] {
        try database.query(
            "SELECT \(Store.personColumns) FROM person WHERE phone = ? AND forgotten_at IS NULL", [phone],
            Store.person)
    }

    /// Confirmations queued to a person since `since` (at most 5 a day).
    public func confirmationCount(to person: Int64, since: Int64) throws -> Int {
        try database.scalarInt(
            "SELECT count(*) FROM outbox WHERE recipient = ? AND rule = 'reply-confirmation' AND created_at >= ?",
            [person, since]) ?? 0
    }

    /// A mentee's answer for a café evening; a later answer replaces an earlier one.
    public func setCafeAnswer(program: String, at: LocalDateTime, person: Int64, yes: Bool, now: Int64) throws {
        try database.run(
            """
            INSERT INTO cafe_answer (program, at, person_id, answer, answered_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (program, at, person_id) DO UPDATE SET answer = excluded.answer, answered_at = excluded.answered_at
            """, [program, at.description, person, yes ? "yes" : "no", now])
    }

    /// The answers for one café evening: person id → yes.
    public func cafeAnswers(program: String, at: LocalDateTime) throws -> [Int64: Bool] {
        var answers: [Int64: Bool] = [:]
        try database.forEach(
            "SELECT person_id, answer FROM cafe_answer WHERE program = ? AND at = ?", [program, at.description]
        ) { answers[$0.int64(0)] = $0.string(1) == "yes" }
        return answers
    }

    /// Every answer for the café evenings from `from` on, by `CafeAnswers.key`: person → yes.
    public func cafeAnswers(from: LocalDateTime) throws -> [String: [Int64: Bool]] {
        var answers: [String: [Int64: Bool]] = [:]
        try database.forEach(
            "SELECT program, at, person_id, answer FROM cafe_answer WHERE at >= ?", [from.description]
        ) { row in
            guard let start = LocalDateTime(row.string(1)) else { return }
            answers[CafeAnswers.key(program: row.string(0), at: start), default: [:]][row.int64(2)] =
                row.string(3) == "yes"
        }
        return answers
    }

    /// An answer about the forløb itself: whether to continue (djoef), the mentor agreement (fki).
    public func setForloebAnswer(relationship: Int64, question: String, by role: Role, yes: Bool, now: Int64) throws {
        try database.run(
            """
            INSERT INTO forloeb_answer (relationship_id, question, by, answer, answered_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (relationship_id, question, by) DO UPDATE SET answer = excluded.answer,
                answered_at = excluded.answered_at
            """, [relationship, question, role.rawValue, yes ? "yes" : "no", now])
    }

    public func forloebAnswers(relationship: Int64) throws -> [(question: String, by: String, yes: Bool)] {
        try database.query(
            "SELECT question, by, answer FROM forloeb_answer WHERE relationship_id = ? ORDER BY question, by",
            [relationship]
        ) { ($0.string(0), $0.string(1), $0.string(2) == "yes") }
    }

    /// The one way anyone stops or restarts our messages to a person, whatever the route (a reply,
    /// the unsubscribe link, a complaint, the leader): changes it and records it for the leader's
    /// digest, in one transaction. A link or a complaint stops one program (`event.program`), a
    /// reply or the leader the whole channel; an opt-in undoes every stop on the channel, the
    /// programs' too. Returns whether it changed anything: only a change is recorded. A person
    /// forgotten changes no more.
    @discardableResult
    public func changeOptOut(_ event: OptOutEvent) throws -> Bool {
        try write {
            guard !(try person(event.personID)).forgotten else { return false }
            let changed: Bool
            if event.optedOut && event.via.stopsOneProgram {
                guard let program = event.program else {
                    throw StoreError(.invalidInput, "an unsubscribe or a complaint names the program it stops")
                }
                changed = try stopProgram(event.personID, program: program, channel: event.channel, now: event.at)
            } else {
                changed = try setOptOut(event.personID, channel: event.channel, optedOut: event.optedOut)
            }
            if changed {
                try database.run(
                    """
                    INSERT INTO opt_out_event (person_id, program, channel, opted_out, via, at) VALUES (?, ?, ?, ?, ?, ?)
                    """,
                    [
                        event.personID, event.program, event.channel.rawValue, event.optedOut, event.via.rawValue,
                        event.at,
                    ])
            }
            return changed
        }
    }

    /// The channel's own switch (`stop` / `start`); opting back in also lifts the programs' stops.
    private func setOptOut(_ id: Int64, channel: Channel, optedOut: Bool) throws -> Bool {
        let column = channel == .email ? "opt_out_email" : "opt_out_sms"
        var changed =
            try database.run(
                "UPDATE person SET \(column) = ? WHERE id = ? AND \(column) != ?", [optedOut, id, optedOut]) > 0
        if !optedOut {
            changed =
                try database.run(
                    "DELETE FROM program_opt_out WHERE person_id = ? AND channel = ?", [id, channel.rawValue]) > 0
                || changed
        }
        return changed
    }

    /// One program's messages on one channel (the unsubscribe link, a complaint).
    private func stopProgram(_ id: Int64, program: String, channel: Channel, now: Int64) throws -> Bool {
        try database.run(
            """
            INSERT INTO program_opt_out (person_id, program, channel, at) VALUES (?, ?, ?, ?)
            ON CONFLICT (person_id, program, channel) DO NOTHING
            """, [id, program, channel.rawValue, now]) > 0
    }

    /// Retention: opt-out records older than `before` go (the digest needs only last month's).
    @discardableResult
    public func deleteOptOutEvents(before: Int64) throws -> Int {
        try database.run("DELETE FROM opt_out_event WHERE at < ?", [before])
    }

    /// The opt-outs and opt-ins recorded in [from, until), oldest first.
    public func optOutEvents(from: Int64, until: Int64) throws -> [OptOutEvent] {
        try database.query(
            """
            SELECT person_id, program, channel, opted_out, via, at FROM opt_out_event
            WHERE at >= ? AND at < ? ORDER BY at, id
            """, [from, until]
        ) { row throws(StoreError) in
            OptOutEvent(
                personID: row.int64(0), program: row.optionalString(1),
                channel: try row.value(2, as: Channel.init(rawValue:), "channel"), optedOut: row.bool(3),
                via: try row.value(4, as: OptOutRoute.init(rawValue:), "via"), at: row.int64(5))
        }
    }

    /// A bounce: the sent row becomes failed with the reason, for the leader's next alert.
    @discardableResult
    public func markBounced(_ id: Int64, reason: String, now: Int64) throws -> Bool {
        try database.run(
            """
            UPDATE outbox SET status = 'failed', reason = ?, failure_reported = 0, updated_at = ?
            WHERE id = ? AND status IN ('sent', 'sending', 'pending')
            """, [reason, now, id]) > 0
    }

    public func mailboxState(_ name: String) throws -> MailboxState {
        try database.queryOne(
            """
            SELECT uid_validity, last_uid, last_poll, last_ok, failing_since, reason FROM mailbox WHERE name = ?
            """, [name]
        ) { row in
            var state = MailboxState(name: name)
            state.uidValidity = row.optionalInt64(0)
            state.lastUID = row.int64(1)
            state.lastPoll = row.optionalInt64(2)
            state.lastOK = row.optionalInt64(3)
            state.failingSince = row.optionalInt64(4)
            state.reason = row.optionalString(5)
            return state
        } ?? MailboxState(name: name)
    }

    public func saveMailboxState(_ state: MailboxState) throws {
        try database.run(
            """
            INSERT INTO mailbox (name, uid_validity, last_uid, last_poll, last_ok, failing_since, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid,
                last_poll = excluded.last_poll, last_ok = excluded.last_ok, failing_since = excluded.failing_since,
                reason = excluded.reason
            """,
            [
                state.name, state.uidValidity, state.lastUID, state.lastPoll, state.lastOK, state.failingSince,
                state.reason,
            ])
    }
}

extension Store {
    /// One more poll in a row that could not fetch or read message `uid`: the count so far.
    public func noteMailboxFailure(_ mailbox: String, uidValidity: Int64, uid: Int64, now: Int64) throws -> Int {
        try database.run(
            """
            INSERT INTO mailbox_failure (mailbox, uid_validity, uid, attempts, last_at) VALUES (?, ?, ?, 1, ?)
            ON CONFLICT (mailbox, uid_validity, uid) DO UPDATE SET attempts = attempts + 1, last_at = excluded.last_at
            """, [mailbox, uidValidity, uid, now])
        return try database.scalarInt(
            "SELECT attempts FROM mailbox_failure WHERE mailbox = ? AND uid_validity = ? AND uid = ?",
            [mailbox, uidValidity, uid]) ?? 1
    }

    /// The message is dealt with (read at last, or moved away): its count goes.
    public func clearMailboxFailure(_ mailbox: String, uidValidity: Int64, uid: Int64) throws {
        try database.run(
            "DELETE FROM mailbox_failure WHERE mailbox = ? AND uid_validity = ? AND uid = ?",
            [mailbox, uidValidity, uid])
    }

    /// Even the move to the unreadable folder failed: the poll passes over this UID from now on.
    public func passOver(_ mailbox: String, uidValidity: Int64, uid: Int64) throws {
        try database.run(
            "UPDATE mailbox_failure SET passed_over = 1 WHERE mailbox = ? AND uid_validity = ? AND uid = ?",
            [mailbox, uidValidity, uid])
    }

    /// The messages of this generation of the folder that failed before: UID → passed over. The
    /// counts of older generations go.
    public func mailboxFailures(_ mailbox: String, uidValidity: Int64) throws -> [Int64: Bool] {
        _ = try write {
            try database.run(
                "DELETE FROM mailbox_failure WHERE mailbox = ? AND uid_validity != ?", [mailbox, uidValidity])
        }
        var result: [Int64: Bool] = [:]
        try database.forEach(
            "SELECT uid, passed_over FROM mailbox_failure WHERE mailbox = ? AND uid_validity = ?",
            [mailbox, uidValidity]
        ) { result[$0.int64(0)] = $0.bool(1) }
        return result
    }

    /// The unreadable mail recorded in [from, until), oldest first: the digest of the month after
    /// lists it, once.
    public func unreadableMail(from: Int64, until: Int64) throws -> [UnreadableMail] {
        try database.query(
            """
            SELECT received_at, detail FROM inbound WHERE action = 'unreadable' AND received_at >= ? AND received_at < ?
            ORDER BY received_at, id
            """, [from, until]
        ) { UnreadableMail(at: $0.int64(0), detail: $0.optionalString(1) ?? "") }.compactMap { $0 }
    }
}
