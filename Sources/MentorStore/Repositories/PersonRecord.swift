public import MentorModel

/// Everything held about one person (GDPR art. 15), read in one transaction: `person show`.
public struct PersonRecord: Sendable {
    public var person: Person
    /// The names they had before a correction, kept until `forget` erases them from sent texts.
    public var formerNames: [String]
    public var forloeb: [Forloeb]
    /// Messages to the person, oldest first (their text while it is kept).
    public var messages: [OutboxRow]
    /// What came back from them and was acted on: when, how, what was done; never a text.
    public var replies: [InboundRecord]
    /// Opt-outs and opt-ins by any route (link, reply, leader, complaint), oldest first.
    public var optOutEvents: [OptOutEvent]
    public var cafeAnswers: [CafeAnswer]
    public var reminders: [Reminder]

    /// One forløb of the person, with the other person's name as the person knows it.
    public struct Forloeb: Sendable {
        public var relationship: Relationship
        public var role: Role
        public var otherID: Int64
        /// Nil when the other person was forgotten.
        public var otherName: String?
        public var contacts: [LoggedContact]
        public var meetings: [Meeting]
        public var evaluations: [Evaluation]
        /// Their answers about the forløb: whether to continue, whether an agreement was made.
        public var answers: [(question: String, by: String, yes: Bool)]
    }

    public struct CafeAnswer: Sendable, Hashable {
        public var program: String
        public var at: String
        public var yes: Bool
        public var answeredAt: Int64
    }

    /// A personal reminder as held: its text is nil once erased.
    public struct Reminder: Sendable, Hashable {
        public var id: Int64
        public var time: String
        public var days: String
        public var text: String?
        public var until: String?
        /// Stopped by a leader, or paused from `pausedFrom` through `pausedUntil`.
        public var stopped: Bool
        public var pausedFrom: String?
        public var pausedUntil: String?
    }
}

extension Store {
    public func personRecord(_ id: Int64) throws -> PersonRecord {
        try read {
            let person = try person(id)
            let relationships = try database.query(
                "SELECT \(Store.relationshipColumns) FROM relationship WHERE mentor_id = ? OR mentee_id = ? ORDER BY start_date, id",
                [id, id], Store.relationship)
            let others = try people(ids: relationships.map { $0.mentorID == id ? $0.menteeID : $0.mentorID })
            let forloeb = try relationships.map { relationship in
                let role: Role = relationship.mentorID == id ? .mentor : .mentee
                let other = role == .mentor ? relationship.menteeID : relationship.mentorID
                return PersonRecord.Forloeb(
                    relationship: relationship, role: role, otherID: other,
                    // A forgotten person is no longer linked to anyone by name.
                    otherName: person.forgotten ? nil : others[other]?.name,
                    contacts: try contacts(relationship: relationship.id),
                    meetings: try meetings(relationship: relationship.id),
                    evaluations: try database.query(
                        "SELECT by, date FROM evaluation WHERE relationship_id = ? ORDER BY date, id", [relationship.id]
                    ) { row throws(StoreError) in
                        Evaluation(
                            relationshipID: relationship.id, by: try row.value(0, as: Role.init(rawValue:), "role"),
                            date: try row.value(1, as: LocalDate.init, "evaluation date"))
                    },
                    answers: try forloebAnswers(relationship: relationship.id).filter { $0.by == role.rawValue })
            }
            return PersonRecord(
                person: person,
                formerNames: try database.query(
                    "SELECT name FROM former_name WHERE person_id = ? ORDER BY name", [id]
                ) { $0.string(0) },
                forloeb: forloeb,
                messages: try database.query(
                    "SELECT \(Store.outboxColumns) FROM outbox WHERE recipient = ? ORDER BY created_at, id", [id],
                    Store.outboxRow),
                replies: try database.query(
                    "SELECT \(Store.inboundColumns) FROM inbound WHERE person_id = ? ORDER BY received_at, id", [id],
                    Store.inboundRecord),
                optOutEvents: try database.query(
                    "SELECT program, channel, opted_out, via, at FROM opt_out_event WHERE person_id = ? ORDER BY at, id",
                    [id]
                ) { row throws(StoreError) in
                    OptOutEvent(
                        personID: id, program: row.optionalString(0),
                        channel: try row.value(1, as: Channel.init(rawValue:), "channel"), optedOut: row.bool(2),
                        via: try row.value(3, as: OptOutRoute.init(rawValue:), "via"), at: row.int64(4))
                },
                cafeAnswers: try database.query(
                    "SELECT program, at, answer, answered_at FROM cafe_answer WHERE person_id = ? ORDER BY at", [id]
                ) {
                    PersonRecord.CafeAnswer(
                        program: $0.string(0), at: $0.string(1), yes: $0.string(2) == "yes", answeredAt: $0.int64(3))
                },
                reminders: try database.query(
                    """
                    SELECT id, time, days, text, until, stopped_at IS NOT NULL, paused_from, paused_until
                    FROM reminder WHERE person_id = ? ORDER BY id
                    """, [id]
                ) {
                    PersonRecord.Reminder(
                        id: $0.int64(0), time: $0.string(1), days: $0.string(2), text: $0.optionalString(3),
                        until: $0.optionalString(4), stopped: $0.bool(5), pausedFrom: $0.optionalString(6),
                        pausedUntil: $0.optionalString(7))
                })
        }
    }
}
