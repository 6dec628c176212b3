public import MentorModel

/// A message about a pair or to one of its people, as a leader sees it in `forloeb show` and
/// `attention`: when, which rule, to whom, how and what became of it. Never its text.
public struct MessageEvent: Sendable, Hashable {
    public var id: Int64
    public var relationshipID: Int64?
    public var recipient: Int64?
    public var rule: Rule
    public var role: RecipientRole
    public var channel: Channel
    public var status: OutboxStatus
    /// When it was sent, or failed; for any other, the moment it was due.
    public var at: Int64
    public var reason: String?
}

/// An answer about the forløb itself (continue, agreement), recorded from a reply.
public struct ForloebAnswer: Sendable, Hashable {
    public var relationshipID: Int64
    /// `continue` or `agreement`.
    public var question: String
    public var by: Role
    public var yes: Bool
    public var at: Int64
}

/// A mentee's answer to a café evening.
public struct CafeAnswer: Sendable, Hashable {
    public var program: String
    public var evening: String
    public var yes: Bool
    public var at: Int64
}

extension Store {
    static func messageEvent(_ row: Row) throws(StoreError) -> MessageEvent {
        MessageEvent(
            id: row.int64(0), relationshipID: row.optionalInt64(1), recipient: row.optionalInt64(2),
            rule: try row.value(3, as: Rule.init(rawValue:), "rule"),
            role: try row.value(4, as: RecipientRole.init(rawValue:), "role"),
            channel: try row.value(5, as: Channel.init(rawValue:), "channel"),
            status: try row.value(6, as: OutboxStatus.init(rawValue:), "status"), at: row.int64(7),
            reason: row.optionalString(8))
    }

    static let messageEventColumns = """
        id, relationship_id, recipient, rule, role, channel, status,
        CASE status WHEN 'sent' THEN coalesce(sent_at, updated_at) WHEN 'failed' THEN updated_at
            ELSE not_before END, reason
        """

    /// Messages about forløb `id`, and those to its two people about no forløb (café evenings,
    /// personal reminders), oldest first.
    public func messages(relationship id: Int64, people: [Int64]) throws -> [MessageEvent] {
        try database.query(
            """
            SELECT \(Store.messageEventColumns) FROM outbox
            WHERE relationship_id = ? OR (relationship_id IS NULL AND recipient IN (?, ?))
            ORDER BY 8, id
            """, [id, people.first ?? -1, people.last ?? -1], Store.messageEvent)
    }

    /// Messages to mentors and mentees that failed at or after `since`, oldest first.
    public func failedMessages(since: Int64) throws -> [MessageEvent] {
        try database.query(
            """
            SELECT \(Store.messageEventColumns) FROM outbox
            WHERE status = 'failed' AND recipient IS NOT NULL AND updated_at >= ? ORDER BY updated_at, id
            """, [since], Store.messageEvent)
    }

    /// Answers about forløb (`ids`, or all when nil).
    public func forloebAnswers(ids: [Int64]? = nil) throws -> [ForloebAnswer] {
        let map = { (row: Row) throws(StoreError) -> ForloebAnswer in
            ForloebAnswer(
                relationshipID: row.int64(0), question: row.string(1),
                by: try row.value(2, as: Role.init(rawValue:), "answer role"), yes: row.string(3) == "yes",
                at: row.int64(4))
        }
        let sql = "SELECT relationship_id, question, by, answer, answered_at FROM forloeb_answer"
        guard let ids else { return try database.query(sql + " ORDER BY answered_at", [], map) }
        var result: [ForloebAnswer] = []
        try database.forEach(sql + " WHERE relationship_id IN (?*)", in: ids) { row throws(StoreError) in
            result.append(try map(row))
        }
        return result.sorted { $0.at < $1.at }
    }

    /// A person's answers to café evenings, oldest evening first.
    public func cafeAnswers(person: Int64) throws -> [CafeAnswer] {
        try database.query(
            "SELECT program, at, answer, answered_at FROM cafe_answer WHERE person_id = ? ORDER BY at", [person]
        ) { CafeAnswer(program: $0.string(0), evening: $0.string(1), yes: $0.string(2) == "yes", at: $0.int64(3)) }
    }

    /// What came in from the people `ids` and was acted on: when, how and the action. Never a text.
    public func inbound(people ids: [Int64]) throws -> [InboundRecord] {
        var result: [InboundRecord] = []
        try database.forEach("SELECT \(Store.inboundColumns) FROM inbound WHERE person_id IN (?*)", in: ids) {
            row throws(StoreError) in result.append(try Store.inboundRecord(row))
        }
        return result.sorted { $0.receivedAt < $1.receivedAt }
    }

    /// A forløb's contacts (with their ids), meetings and returned evaluations, oldest first.
    public func activity(relationship id: Int64) throws -> (
        contacts: [(id: Int64, contact: Contact)], meetings: [Meeting], evaluations: [Evaluation]
    ) {
        let contacts = try database.query(
            "SELECT id, date, minutes, kind FROM contact WHERE relationship_id = ? ORDER BY date, id", [id]
        ) { row throws(StoreError) in
            (
                id: row.int64(0),
                contact: Contact(
                    relationshipID: id, date: try row.value(1, as: LocalDate.init, "contact date"), minutes: row.int(2),
                    kind: ContactKind(rawValue: row.string(3)) ?? .other)
            )
        }
        // As `meeting list` reads them: moved and cancelled ones say so.
        let meetings = try meetings(relationship: id)
        let evaluations = try database.query(
            "SELECT by, date FROM evaluation WHERE relationship_id = ? ORDER BY date, id", [id]
        ) { row throws(StoreError) in
            Evaluation(
                relationshipID: id, by: try row.value(0, as: Role.init(rawValue:), "evaluation role"),
                date: try row.value(1, as: LocalDate.init, "evaluation date"))
        }
        return (contacts, meetings, evaluations)
    }
}
