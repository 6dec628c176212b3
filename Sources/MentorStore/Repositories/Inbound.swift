public import MentorModel

/// What was done with a message that came back, as the `inbound` table stores it (`rawValue`).
public enum InboundAction: String, Sendable, Hashable, CaseIterable {
    /// Contact hours registered.
    case hours
    /// A café evening answered.
    case rsvp
    /// Whether to continue the forløb (djoef).
    case `continue`
    /// The mentor agreement (fki).
    case agreement
    /// An evaluation said to be returned.
    case evaluated
    case optOut = "opt-out"
    case optIn = "opt-in"
    /// Passed on to the program's leaders.
    case forwarded
    /// From an address or number not proven to be the person's: forwarded, acted on by no one.
    case unverified
    case bounce
    case complaint
    /// An auto-reply or a report we take no action on.
    case ignoredAuto = "ignored-auto"
    /// Answers no message of ours.
    case unmatched
    /// Could not be fetched or read (detail: `moved to FOLDER` / `left in FOLDER`).
    case unreadable
}

/// One message that came back, as recorded: never its text.
public struct InboundRecord: Sendable, Hashable {
    /// The mailbox's or gateway's identity for the message: acted on once per key.
    public var key: String
    public var receivedAt: Int64
    public var channel: Channel
    /// The outbox row it answered.
    public var outboxID: Int64?
    public var personID: Int64?
    public var action: InboundAction
    /// What was understood, in our words ("210 minutes", "yes", "5.1.1"), never the person's.
    public var detail: String?

    public init(
        key: String, receivedAt: Int64, channel: Channel, outboxID: Int64? = nil, personID: Int64? = nil,
        action: InboundAction, detail: String? = nil
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
                record.key, record.receivedAt, record.channel.rawValue, record.outboxID, record.personID,
                record.action.rawValue,
                record.detail,
            ]) > 0
    }

    /// The columns `inboundRecord` reads, in its order.
    static let inboundColumns = "key, received_at, channel, outbox_id, person_id, action, detail"

    /// A row of `inboundColumns`.
    static func inboundRecord(_ row: Row) throws(StoreError) -> InboundRecord {
        InboundRecord(
            key: row.string(0), receivedAt: row.int64(1),
            channel: try row.value(2, as: Channel.init(rawValue:), "channel"),
            outboxID: row.optionalInt64(3), personID: row.optionalInt64(4), action: try inboundAction(row.string(5)),
            detail: row.optionalString(6))
    }

    /// An action this version does not know is refused with what to do, never guessed: a newer
    /// mentor-notify wrote it, or the table was edited.
    static func inboundAction(_ stored: String) throws(StoreError) -> InboundAction {
        guard let action = InboundAction(rawValue: stored) else {
            throw StoreError(
                .damaged,
                "a reply recorded with the action '\(stored)' cannot be read: a newer mentor-notify wrote it "
                    + "(upgrade this one) or the inbound table was edited by hand (restore it from a backup)")
        }
        return action
    }

    /// What came in since `since`, newest first.
    public func inbound(since: Int64, limit: Int = 1000) throws -> [InboundRecord] {
        try database.query(
            """
            SELECT \(Store.inboundColumns) FROM inbound
            WHERE received_at >= ? ORDER BY received_at DESC, id DESC LIMIT ?
            """, [since, limit], Store.inboundRecord)
    }

    /// Replies by channel and action, for the metrics.
    public func inboundCounts() throws -> [(channel: Channel, action: InboundAction, count: Int)] {
        try database.query("SELECT channel, action, count(*) FROM inbound GROUP BY 1, 2 ORDER BY 1, 2") {
            row throws(StoreError) in
            (
                try row.value(0, as: Channel.init(rawValue:), "channel"),
                try Store.inboundAction(row.string(1)), row.int(2)
            )
        }
    }

    /// The unreadable mail recorded in [from, until), oldest first: the digest of the month after
    /// lists it, once.
    public func unreadableMail(from: Int64, until: Int64) throws -> [UnreadableMail] {
        try database.query(
            """
            SELECT received_at, detail FROM inbound WHERE action = '\(InboundAction.unreadable.rawValue)' AND received_at >= ? AND received_at < ?
            ORDER BY received_at, id
            """, [from, until]
        ) { UnreadableMail(at: $0.int64(0), detail: $0.optionalString(1) ?? "") }.compactMap { $0 }
    }
}
