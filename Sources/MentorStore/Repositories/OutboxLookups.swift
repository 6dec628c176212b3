public import MentorModel

/// The outbox rows what comes back is matched with, and the outbox's counts for the metrics.
extension Store {
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

    /// Confirmations queued to a person since `since` (at most 5 a day).
    public func confirmationCount(to person: Int64, since: Int64) throws -> Int {
        try database.scalarInt(Store.confirmationCountQuery, [person, since]) ?? 0
    }

    /// By the person's rows: the `+` keeps SQLite from taking the rule's index, which would read
    /// every confirmation of the day to everyone, once for each reply.
    static let confirmationCountQuery =
        "SELECT count(*) FROM outbox WHERE recipient = ? AND +rule = 'reply-confirmation' AND created_at >= ?"
}
