/// What comes back about a message we sent changes its outbox row: a gateway's delivery report,
/// a bounce.
extension Store {
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

    /// A bounce: the sent row becomes failed with the reason, for the leader's next alert.
    @discardableResult
    public func markBounced(_ id: Int64, reason: String, now: Int64) throws -> Bool {
        try database.run(
            """
            UPDATE outbox SET status = 'failed', reason = ?, failure_reported = 0, updated_at = ?
            WHERE id = ? AND status IN ('sent', 'sending', 'pending')
            """, [reason, now, id]) > 0
    }
}
