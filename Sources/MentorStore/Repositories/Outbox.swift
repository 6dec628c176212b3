public import MentorModel

/// One message to one recipient on one channel.
public struct OutboxRow: Sendable, Hashable {
    public var id: Int64
    public var key: String
    public var channel: Channel
    public var rule: Rule
    public var role: RecipientRole
    public var recipient: Int64?
    public var leaderAddress: String?
    public var program: String?
    public var relationshipID: Int64?
    public var language: Language
    public var subject: String?
    public var body: String?
    /// An iCalendar event (without METHOD framing) for invites and meeting reminders.
    public var calendar: String?
    public var status: OutboxStatus
    public var attempts: Int
    public var notBefore: Int64
    public var expiresAt: Int64?
    public var inWindow: Bool
    public var afterEnd: Bool
    public var leaseUntil: Int64?
    public var sentAt: Int64?
    public var reason: String?
    public var providerID: String?
    public var segments: Int?
    public var createdAt: Int64
    /// Seconds this message waited on a held channel: not counted against its days of retrying.
    public var heldSeconds: Int64 = 0
    /// 128 random bits, hex: the unguessable part of the email's Message-ID (nil for rows written
    /// before replies existed, which never reach a reader that needs one).
    public var messageToken: String?
    /// A gateway's report that the SMS arrived (`delivered`), and when; nil until one came.
    public var delivery: String?
    public var deliveredAt: Int64?
    /// 128 random bits, hex: the one-click unsubscribe link's token (`/u/TOKEN`).
    public var unsubscribeToken: String?
    /// 128 random bits, hex, for a row with an invitation: the unguessable part of its `UID`.
    public var invitationToken: String?
    /// For a reply's confirmation by email: the Message-IDs it threads with (`MailThread.stored`).
    public var thread: String?

    public init(
        key: String, channel: Channel, rule: Rule, role: RecipientRole, recipient: Int64?, leaderAddress: String? = nil,
        program: String?, relationshipID: Int64?, language: Language, subject: String?, body: String?,
        calendar: String? = nil, notBefore: Int64, expiresAt: Int64?, inWindow: Bool, afterEnd: Bool
    ) {
        self.id = 0
        self.key = key
        self.channel = channel
        self.rule = rule
        self.role = role
        self.recipient = recipient
        self.leaderAddress = leaderAddress
        self.program = program
        self.relationshipID = relationshipID
        self.language = language
        self.subject = subject
        self.body = body
        self.calendar = calendar
        self.status = .pending
        self.attempts = 0
        self.notBefore = notBefore
        self.expiresAt = expiresAt
        self.inWindow = inWindow
        self.afterEnd = afterEnd
        self.createdAt = 0
    }
}

/// Counts and times for `status`.
public struct OutboxSummary: Sendable {
    public var counts: [OutboxStatus: Int]
    public var oldestPending: Int64?
    public var nextDue: Int64?
}

extension Store {
    /// The columns `outboxRow` reads, in the order it reads them.
    static let outboxColumnNames = [
        "id", "key", "channel", "rule", "role", "recipient", "leader_address", "program", "relationship_id",
        "language", "subject", "body", "calendar", "status", "attempts", "not_before", "expires_at", "in_window",
        "after_end", "lease_until", "sent_at", "reason", "provider_id", "segments", "created_at", "held_seconds",
        "message_token", "delivery", "delivered_at", "unsubscribe_token", "invitation_token", "thread",
    ]
    static let outboxColumns = outboxColumnNames.joined(separator: ", ")

    /// A row as stored; a rule, role, channel or status this version does not know is refused (the
    /// migrator keeps newer databases out, so only a hand-edited row can have one). The result must
    /// begin with `outboxColumns`: checked by name once per statement, then read by place, as a
    /// lookup by name for each of 32 columns cost more than the lease's SQL did.
    static func outboxRow(_ row: Row) throws(StoreError) -> OutboxRow {
        try row.begins(with: outboxColumnNames)
        var place: Int32 = -1
        func next() -> Int32 {
            place += 1
            return place
        }
        func known<T: RawRepresentable<String>>(_ name: String) throws(StoreError) -> T {
            let text = row.string(next())
            guard let value = T(rawValue: text) else {
                throw StoreError(
                    .damaged, "outbox row \(row.int64(0)) has an unknown \(name) '\(text)'; was it edited by hand?")
            }
            return value
        }
        let id = row.int64(next())
        var value = OutboxRow(
            key: row.string(next()), channel: try known("channel"), rule: try known("rule"), role: try known("role"),
            recipient: row.optionalInt64(next()), leaderAddress: row.optionalString(next()),
            program: row.optionalString(next()), relationshipID: row.optionalInt64(next()),
            language: try known("language"), subject: row.optionalString(next()), body: row.optionalString(next()),
            calendar: row.optionalString(next()), notBefore: 0, expiresAt: nil, inWindow: false, afterEnd: false)
        value.id = id
        value.status = try known("status")
        value.attempts = row.int(next())
        value.notBefore = row.int64(next())
        value.expiresAt = row.optionalInt64(next())
        value.inWindow = row.bool(next())
        value.afterEnd = row.bool(next())
        value.leaseUntil = row.optionalInt64(next())
        value.sentAt = row.optionalInt64(next())
        value.reason = row.optionalString(next())
        value.providerID = row.optionalString(next())
        value.segments = row.optionalInt(next())
        value.createdAt = row.int64(next())
        value.heldSeconds = row.int64(next())
        value.messageToken = row.optionalString(next())
        value.delivery = row.optionalString(next())
        value.deliveredAt = row.optionalInt64(next())
        value.unsubscribeToken = row.optionalString(next())
        value.invitationToken = row.optionalString(next())
        value.thread = row.optionalString(next())
        return value
    }

    /// Inserts rows whose (key, channel) is new, with their status (`pending`, or `expired` for what
    /// went stale while no cycle ran) and reason; an existing one is left as it is.
    /// Returns how many were inserted. Call inside `write` with the rest of the cycle's bookkeeping.
    @discardableResult
    public func enqueue(_ rows: [OutboxRow], now: Int64) throws -> Int {
        var inserted = 0
        for row in rows {
            inserted += try database.run(
                """
                INSERT INTO outbox (key, channel, rule, role, recipient, leader_address, program, relationship_id,
                    language, subject, body, calendar, status, reason, not_before, expires_at, in_window, after_end,
                    created_at, updated_at, message_token, unsubscribe_token, invitation_token, event_uid,
                    event_sequence, thread)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, lower(hex(randomblob(16))),
                    lower(hex(randomblob(16))), CASE WHEN ?21 THEN lower(hex(randomblob(16))) END,
                    CASE WHEN ?21 AND json_valid(?12) THEN json_extract(?12, '$.uid') END,
                    CASE WHEN ?21 AND json_valid(?12) THEN coalesce(json_extract(?12, '$.sequence'), 0) END, ?22)
                ON CONFLICT (key, channel) DO UPDATE SET rule = excluded.rule, role = excluded.role,
                    recipient = excluded.recipient, leader_address = excluded.leader_address,
                    program = excluded.program, relationship_id = excluded.relationship_id,
                    language = excluded.language, subject = excluded.subject, body = excluded.body,
                    calendar = excluded.calendar, status = 'pending', reason = NULL,
                    not_before = excluded.not_before, expires_at = excluded.expires_at,
                    in_window = excluded.in_window, after_end = excluded.after_end, updated_at = excluded.updated_at,
                    invitation_token = coalesce(outbox.invitation_token, excluded.invitation_token),
                    event_uid = excluded.event_uid, event_sequence = excluded.event_sequence,
                    thread = excluded.thread
                WHERE excluded.status = 'pending' AND \(Store.revivable)
                """,
                [
                    row.key, row.channel.rawValue, row.rule.rawValue, row.role.rawValue, row.recipient,
                    row.leaderAddress, row.program, row.relationshipID, row.language.rawValue, row.subject, row.body,
                    row.calendar, row.status.rawValue, row.reason, row.notBefore, row.expiresAt, row.inWindow,
                    row.afterEnd, now, now, row.calendar != nil, row.thread,
                ])
        }
        return inserted
    }

    /// The keys of `rule`'s messages that went out, among those queued since `createdSince`.
    public func sentKeys(rule: String, createdSince: Int64) throws -> Set<String> {
        Set(try sentTimes(rule: rule, createdSince: createdSince).keys)
    }

    /// When each of `rule`'s messages first went out (on its first channel), among those queued
    /// since `createdSince`: what follows a message (a reminder) counts from when it really went.
    public func sentTimes(rule: String, createdSince: Int64) throws -> [String: Int64] {
        var times: [String: Int64] = [:]
        for sent in try sentMessages(rule: rule, createdSince: createdSince) { times[sent.key] = sent.firstSent }
        return times
    }

    /// `sentTimes`, and whether a row of each message still waits to go (pending, being sent, or
    /// withdrawn and revivable): one that went on every channel it will go on is done.
    public func sentMessages(rule: String, createdSince: Int64) throws -> [(
        key: String, firstSent: Int64, waiting: Bool
    )] {
        // Gathered here rather than by GROUP BY key, whose sort of every key took most of the
        // query's time (tens of thousands of evaluation requests after a few months).
        var messages: [(key: String, firstSent: Int64?, waiting: Bool)] = []
        var byKey: [String: Int] = [:]
        try database.forEach(
            """
            SELECT key, status, coalesce(sent_at, created_at), \(Store.revivable) FROM outbox
            WHERE rule = ? AND created_at >= ?
            """,
            [rule, createdSince]
        ) { row in
            let key = row.string(0)
            let status = row.string(1)
            let index: Int
            if let known = byKey[key] {
                index = known
            } else {
                index = messages.count
                messages.append((key, nil, false))
                byKey[key] = index
            }
            if status == OutboxStatus.sent.rawValue {
                messages[index].firstSent = min(messages[index].firstSent ?? .max, row.int64(2))
            } else if status == OutboxStatus.pending.rawValue || status == OutboxStatus.sending.rawValue
                || row.bool(3)
            {
                // A withdrawn row comes back when its key is planned again (`enqueue`): it waits too.
                messages[index].waiting = true
            }
        }
        return messages.compactMap { message in message.firstSent.map { (message.key, $0, message.waiting) } }
    }

    /// Why the cycle withdrew a row that was never attempted because its condition changed (a
    /// contact was logged, a meeting moved): such a row comes back when its key is planned again.
    public static let withdrawnReason = "no longer due (its condition changed)"

    /// Whether the row `table` was withdrawn by a changed condition before any attempt, and so
    /// may come back to `pending` (`enqueue`); never a row sent, failed, or expired as stale.
    /// (`withdrawnReason` holds no quote: a literal is safe.)
    static let revivable = """
        (outbox.status = 'expired' AND outbox.reason = '\(withdrawnReason)' AND outbox.attempts = 0
            AND outbox.sent_at IS NULL AND outbox.provider_id IS NULL)
        """

    /// The keys that exist already, to render only what is new: a key whose withdrawn row may come
    /// back (`revivable`) is rendered again. One query per 500 keys.
    public func existingKeys(_ keys: [String]) throws -> Set<String> {
        var found = Set<String>()
        try database.forEach(
            "SELECT key FROM outbox WHERE key IN (?*) GROUP BY key HAVING NOT max(\(Store.revivable))",
            in: keys
        ) { found.insert($0.string(0)) }
        return found
    }

    /// True when a lease would find work on one of `channels`: a ready row, or a lease left behind
    /// that has run out.
    public func hasReadyRows(now: Int64, windowOpen: Bool, channels: Set<Channel> = Set(Channel.allCases)) throws
        -> Bool
    {
        let names = channels.sorted().map(\.rawValue)
        guard let first = names.first, let last = names.last else { return false }
        return try database.scalarInt(Store.readyRowsQuery(windowOpen: windowOpen), [now, first, last]) != nil
    }

    /// Whether a row is ready at `?1` on channel `?2` or `?3`, or a lease has run out there.
    static func readyRowsQuery(windowOpen: Bool) -> String {
        """
        SELECT 1 WHERE EXISTS (
            SELECT 1 FROM outbox \(ready(windowOpen)) AND not_before <= ?1 AND channel IN (?2, ?3)
        ) OR EXISTS (
            SELECT 1 FROM outbox WHERE status = 'sending' AND lease_until <= ?1 AND channel IN (?2, ?3)
        )
        """
    }

    /// The pending rows that may go now, and the index that finds them: outside the send window only
    /// those that ignore it, from `outbox_ready_anytime` (named: SQLite's planner would take the
    /// ready index, which seeks on more columns and then reads every pending row due), inside it
    /// every one. The `FROM outbox` clause's end and the `WHERE` clause's start.
    private static func ready(_ windowOpen: Bool) -> String {
        windowOpen
            ? "WHERE status = 'pending'" : "INDEXED BY outbox_ready_anytime WHERE status = 'pending' AND in_window = 0"
    }

    /// The rows a lease takes, oldest first: due at `?1` on channel `?2` or `?3`, at most `?4`.
    static func leaseQuery(windowOpen: Bool) -> String {
        """
        SELECT \(outboxColumns) FROM outbox \(ready(windowOpen)) AND not_before <= ?1 AND channel IN (?2, ?3)
        ORDER BY not_before, id LIMIT ?4
        """
    }

    /// A pending row, as the cycle sees it when deciding whether it is still due.
    public struct PendingRow: Sendable {
        public var id: Int64
        public var key: String
        public var rule: Rule
        public var relationshipID: Int64?
        public var afterEnd: Bool
        public var expiresAt: Int64?
        public var reason: String?
    }

    /// Pending rows, for the cycle to expire those whose condition no longer holds.
    public func pendingRows() throws -> [PendingRow] {
        try database.query(
            "SELECT id, key, rule, relationship_id, after_end, expires_at, reason FROM outbox WHERE status = 'pending'"
        ) { row throws(StoreError) in
            func at(_ name: String) throws(StoreError) -> Int32 { try row.column(name) }
            return PendingRow(
                id: row.int64(try at("id")), key: row.string(try at("key")),
                rule: try row.value(try at("rule"), as: Rule.init(rawValue:), "rule"),
                relationshipID: row.optionalInt64(try at("relationship_id")), afterEnd: row.bool(try at("after_end")),
                expiresAt: row.optionalInt64(try at("expires_at")), reason: row.optionalString(try at("reason")))
        }
    }

    /// Recovers leases left by a process that died, then leases up to `limit` ready rows.
    ///
    /// - windowOpen: whether the send window is open now; rows that respect it wait otherwise.
    /// - channel: only rows of this channel (each channel is delivered on its own, so one that hangs
    ///   never holds up the other).
    public func lease(now: Int64, leaseSeconds: Int64, limit: Int, windowOpen: Bool, channel: Channel? = nil) throws
        -> [OutboxRow]
    {
        try write {
            try database.run(
                "UPDATE outbox SET status = 'pending', lease_until = NULL, updated_at = ? WHERE status = 'sending' AND lease_until <= ?",
                [now, now])
            let rows = try database.query(
                Store.leaseQuery(windowOpen: windowOpen),
                [now, channel?.rawValue ?? "email", channel?.rawValue ?? "sms", limit], Store.outboxRow)
            // One statement for the batch: each execution builds the status CHECK's value list anew.
            try database.run(
                "UPDATE outbox SET status = 'sending', lease_until = ?, attempts = attempts + 1, updated_at = ? WHERE id IN (?*)",
                [now + leaseSeconds, now], in: rows.map(\.id))
            return rows.map { row in
                var leased = row
                leased.status = .sending
                leased.attempts += 1
                return leased
            }
        }
    }

    /// Delivery's durability: sent marks reach SQLite once per batch (the notifier's sent journal
    /// covers a kill in between); retries, failures and suppressions are each their own commit. Those
    /// commits skip the fsync; `deliveryBarrier()` then fsyncs the WAL once for the batch. A power cut
    /// can cost the marks of one batch (duplicates), never a message.
    public func relaxDurabilityForDelivery() throws {
        try database.execute("PRAGMA synchronous = NORMAL")
    }

    /// Back to `synchronous=FULL`, with one FULL commit that makes every earlier commit durable.
    public func deliveryBarrier() throws {
        try database.execute("PRAGMA synchronous = FULL")
        try write { try setMeta("delivery_barrier", "1") }
    }

    /// Marks a row sent. With `onlyIfUnsent`, only while it is not yet recorded as sent or otherwise
    /// finished (a replayed journal line must not overwrite a later fate). True if it marked the row.
    @discardableResult
    public func markSent(_ id: Int64, providerID: String?, segments: Int?, now: Int64, onlyIfUnsent: Bool = false)
        throws -> Bool
    {
        try database.run(
            """
            UPDATE outbox SET sent_at = ?, provider_id = ?, segments = ?, lease_until = NULL, updated_at = ?,
                thread = NULL,
                status = CASE delivery WHEN 'failed' THEN 'failed' ELSE 'sent' END,
                reason = CASE delivery WHEN 'failed' THEN reason ELSE NULL END,
                delivery = CASE delivery WHEN 'failed' THEN NULL ELSE delivery END
            WHERE id = ?
            """ + (onlyIfUnsent ? " AND status IN ('sending', 'pending')" : ""),
            [now, providerID, segments, now, id]) > 0
    }

    /// A sent mark: what `markSent` records for one row.
    public struct SentMark: Sendable {
        public var id: Int64
        public var providerID: String?
        public var segments: Int?
        public var at: Int64

        public init(id: Int64, providerID: String?, segments: Int?, at: Int64) {
            self.id = id
            self.providerID = providerID
            self.segments = segments
            self.at = at
        }
    }

    /// `markSent(onlyIfUnsent: true)` of many rows, one statement for each time and segment count
    /// the marks carry (a batch's marks mostly share both), its rows a JSON object of id to provider
    /// id: a statement per row costs its set-up each time (the status CHECK's value list built anew),
    /// and reading every field of every mark out of JSON cost more than the rest of the mark.
    /// Returns how many rows it marked. Only a row's first mark can apply (it leaves the row marked),
    /// so the rest are left out before the marks are grouped. The `+` keeps SQLite from walking the
    /// status index with a scan of the marks for each row: each mark finds its row by id.
    @discardableResult
    public func markSent(_ marks: [SentMark]) throws -> Int {
        struct Shared: Hashable {
            var at: Int64
            var segments: Int?
        }
        var groups: [Shared: String] = [:]
        var order: [Shared] = []
        var seen = Set<Int64>()
        for mark in marks where seen.insert(mark.id).inserted {
            let shared = Shared(at: mark.at, segments: mark.segments)
            let first = groups[shared] == nil
            if first { order.append(shared) }
            groups[shared, default: "{"] +=
                (first ? "\"" : ",\"") + "\(mark.id)\":" + (mark.providerID.map(JSONString.literal) ?? "null")
        }
        var marked = 0
        for shared in order {
            marked += try database.run(
                """
                UPDATE outbox SET sent_at = ?1, provider_id = m.value, segments = ?2, lease_until = NULL,
                    updated_at = ?1, thread = NULL,
                    status = CASE delivery WHEN 'failed' THEN 'failed' ELSE 'sent' END,
                    reason = CASE delivery WHEN 'failed' THEN reason ELSE NULL END,
                    delivery = CASE delivery WHEN 'failed' THEN NULL ELSE delivery END
                FROM json_each(?3) AS m
                WHERE outbox.id = m.key AND +outbox.status IN ('sending', 'pending')
                """, [shared.at, shared.segments, (groups[shared] ?? "{") + "}"])
        }
        return marked
    }

    /// Back to pending after a transient error, not before `retryAt`.
    public func markRetry(_ id: Int64, retryAt: Int64, reason: String, now: Int64) throws {
        try database.run(
            "UPDATE outbox SET status = 'pending', not_before = ?, reason = ?, lease_until = NULL, updated_at = ? WHERE id = ?",
            [retryAt, reason, now, id])
    }

    /// A final status: failed, expired or suppressed, with the reason.
    public func markFinal(_ id: Int64, status: OutboxStatus, reason: String, now: Int64) throws {
        try database.run(
            """
            UPDATE outbox SET status = ?, reason = ?, lease_until = NULL, updated_at = ?,
                delivery = CASE delivery WHEN 'failed' THEN NULL ELSE delivery END
            WHERE id = ?
            """, [status.rawValue, reason, now, id])
    }

    /// Gives a leased row back untouched (shutdown before it was sent), its attempt not counted;
    /// `notBefore` and `reason` when it must wait (a held channel).
    public func release(_ id: Int64, now: Int64, notBefore: Int64? = nil, reason: String? = nil) throws {
        try database.run(
            """
            UPDATE outbox SET status = 'pending', lease_until = NULL, attempts = max(attempts - 1, 0), updated_at = ?,
                not_before = max(not_before, ?), reason = coalesce(?, reason)
            WHERE id = ? AND status = 'sending'
            """, [now, notBefore ?? 0, reason, id])
    }

    /// Failed messages to mentors and mentees that no leader has been told of yet.
    public func unreportedFailures() throws -> [OutboxRow] {
        try database.query(
            """
            SELECT \(Store.outboxColumns) FROM outbox
            WHERE status = 'failed' AND failure_reported = 0 AND role IN ('mentor', 'mentee', 'person')
            ORDER BY id
            """, [], Store.outboxRow)
    }

    public func markFailuresReported(_ ids: [Int64]) throws {
        for id in ids { try database.run("UPDATE outbox SET failure_reported = 1 WHERE id = ?", [id]) }
    }

    public func outbox(status: OutboxStatus? = nil) throws -> [OutboxRow] {
        if let status {
            return try database.query(
                "SELECT \(Store.outboxColumns) FROM outbox WHERE status = ? ORDER BY id", [status.rawValue],
                Store.outboxRow)
        }
        return try database.query("SELECT \(Store.outboxColumns) FROM outbox ORDER BY id", [], Store.outboxRow)
    }

    public func outboxSummary() throws -> OutboxSummary {
        var counts: [OutboxStatus: Int] = [:]
        try database.forEach("SELECT status, count(*) AS total FROM outbox GROUP BY status") { row throws(StoreError) in
            if let status = OutboxStatus(rawValue: row.string(try row.column("status"))) {
                counts[status] = row.int(try row.column("total"))
            }
        }
        let oldest =
            try database.queryOne("SELECT min(created_at) FROM outbox WHERE status = 'pending'") {
                $0.optionalInt64(0)
            } ?? nil
        let next =
            try database.queryOne("SELECT min(not_before) FROM outbox WHERE status = 'pending'") {
                $0.optionalInt64(0)
            } ?? nil
        return OutboxSummary(counts: counts, oldestPending: oldest, nextDue: next)
    }

    /// Retention: deletes the bodies of messages sent before `before`; the rows stay for statistics.
    /// A forwarded reply holds what a person wrote: its text goes after the same time whatever
    /// became of it.
    @discardableResult
    public func deleteSentBodies(sentBefore before: Int64) throws -> Int {
        try database.run(
            """
            UPDATE outbox SET subject = NULL, body = NULL, calendar = NULL, thread = NULL
            WHERE ((status = 'sent' AND sent_at < ?)
                OR (rule = 'reply-forward' AND status IN ('failed', 'expired', 'suppressed') AND updated_at < ?))
                AND (body IS NOT NULL OR subject IS NOT NULL)
            """, [before, before])
    }
}
