public import MentorModel

/// A correction to a person: each field left nil stays as it is. For the optional fields the inner
/// value is the new one, nil clearing it (`.some(nil)`: `--no-email`, or an empty cell in a sync).
public struct PersonUpdate: Sendable, Hashable {
    public var ref: String??
    /// Only for a person in no forløb (a sync's row may correct a role entered wrong).
    public var role: Role?
    public var name: String?
    public var email: String??
    public var phone: String??
    public var birthdate: LocalDate??
    public var certificate: LocalDate??
    public var channels: Set<Channel>?
    public var language: Language?

    public init(
        ref: String?? = nil, role: Role? = nil, name: String? = nil, email: String?? = nil, phone: String?? = nil,
        birthdate: LocalDate?? = nil, certificate: LocalDate?? = nil, channels: Set<Channel>? = nil,
        language: Language? = nil
    ) {
        self.ref = ref
        self.role = role
        self.name = name
        self.email = email
        self.phone = phone
        self.birthdate = birthdate
        self.certificate = certificate
        self.channels = channels
        self.language = language
    }

    /// The fields the texts of messages show: waiting ones are written anew when one changes.
    static let shownInTexts: Set<String> = ["name", "lang"]

    /// The person as this update leaves them.
    func applied(to person: Person) -> Person {
        var result = person
        if let ref { result.ref = ref }
        if let role { result.role = role }
        if let name { result.name = name }
        if let email { result.email = email }
        if let phone { result.phone = phone }
        if let birthdate { result.birthdate = birthdate }
        if let certificate { result.certificate = certificate }
        if let channels { result.channels = channels }
        if let language { result.language = language }
        return result
    }
}

extension Store {
    /// Corrects a person with the checks of `addPerson`, and returns the names of the fields that
    /// changed (`name`, `email`, `phone`, `birthdate`, `certificate`, `channels`, `lang`, `ref`,
    /// `role`), in that order; nothing is written when none did. Messages not yet sent need nothing more for a
    /// new address or number (delivery reads the person's address when it sends), but their texts
    /// were written with the name, in the language and for the channel: waiting ones that a change
    /// makes wrong are written anew. A former name is kept (`former_name`, by a trigger) until `forget`.
    @discardableResult
    public func updatePerson(_ id: Int64, _ update: PersonUpdate) throws -> [String] {
        try write {
            let current = try person(id)
            guard !current.forgotten else {
                throw InputError("person", "person \(id) is forgotten; their data cannot be entered again")
            }
            let next = update.applied(to: current)
            let fields: [(String, Bool)] = [
                ("name", next.name != current.name), ("email", next.email != current.email),
                ("phone", next.phone != current.phone), ("birthdate", next.birthdate != current.birthdate),
                ("certificate", next.certificate != current.certificate),
                ("channels", next.channels != current.channels), ("lang", next.language != current.language),
                ("ref", next.ref != current.ref), ("role", next.role != current.role),
            ]
            let changed = fields.filter(\.1).map(\.0)
            guard !changed.isEmpty else { return [] }
            try Store.checkReachable(email: next.email, phone: next.phone, channels: next.channels)
            if let ref = next.ref, next.ref != current.ref { try checkRefFree(ref, except: id) }
            if next.role != current.role,
                let forloeb = try database.queryOne(
                    "SELECT id FROM relationship WHERE mentor_id = ? OR mentee_id = ? LIMIT 1", [id, id],
                    { $0.int64(0) })
            {
                throw InputError(
                    "role",
                    "person \(id) is \(current.role.rawValue) in forløb \(forloeb); a matched person keeps their role")
            }
            try database.run(
                """
                UPDATE person SET ref = ?, role = ?, name = ?, email = ?, phone = ?, birthdate = ?, certificate = ?, channels = ?,
                    lang = ? WHERE id = ?
                """,
                [
                    next.ref, next.role.rawValue, next.name, next.email, next.phone, next.birthdate?.description,
                    next.certificate?.description, Channel.format(next.channels), next.language.rawValue, id,
                ])
            // A channel no longer chosen: what waits on it is dropped, and the next cycle writes it
            // anew on the person's channels while it is still due (as `forget` does for names).
            for channel in current.channels.subtracting(next.channels) {
                try database.run(
                    """
                    DELETE FROM outbox WHERE recipient = ? AND channel = ? AND status = 'pending'
                        AND rule != 'reply-confirmation'
                    """, [id, channel.rawValue])
            }
            if !changed.filter(PersonUpdate.shownInTexts.contains).isEmpty {
                try dropWaitingTexts(person: id, formerName: next.name != current.name ? current.name : nil)
            }
            return changed
        }
    }

    /// Waiting messages were written with what the person was: they are dropped, and the next cycle
    /// writes them anew from the person as they now are (patching a text in place hits names inside
    /// words). Those to the person and about their forløb; and the leaders' lists that name them by
    /// their former name, which the scheduler plans again while they are due. Messages that answer
    /// a reply stay: the reply they answer is not kept, so they cannot be written again.
    private func dropWaitingTexts(person id: Int64, formerName: String?) throws {
        let kept = Rule.allCases.filter(\.answersAReply).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let lists = [Rule.monthlyDigest, .cafeRsvp].map { "'\($0.rawValue)'" }.joined(separator: ", ")
        try database.run(
            """
            DELETE FROM outbox WHERE status = 'pending' AND rule NOT IN (\(kept)) AND (recipient = ?1
                OR relationship_id IN (SELECT id FROM relationship WHERE mentor_id = ?1 OR mentee_id = ?1)
                OR (?2 IS NOT NULL AND rule IN (\(lists)) AND (instr(body, ?2) > 0 OR instr(subject, ?2) > 0)))
            """, [id, formerName])
    }
}

/// One logged contact, as `contact list` shows it.
public struct LoggedContact: Sendable, Hashable {
    public var id: Int64
    public var contact: Contact

    public init(id: Int64, contact: Contact) {
        self.id = id
        self.contact = contact
    }
}

/// A correction to a logged contact: each field left nil stays as it is.
public struct ContactUpdate: Sendable, Hashable {
    public var date: LocalDate?
    public var minutes: Int?
    public var kind: ContactKind?

    public init(date: LocalDate? = nil, minutes: Int? = nil, kind: ContactKind? = nil) {
        self.date = date
        self.minutes = minutes
        self.kind = kind
    }
}

extension Store {
    static func loggedContact(_ row: Row) throws(StoreError) -> LoggedContact {
        LoggedContact(
            id: row.int64(try row.column("id")),
            contact: Contact(
                relationshipID: row.int64(try row.column("relationship_id")),
                date: try row.value(try row.column("date"), as: LocalDate.init, "contact date"),
                minutes: row.int(try row.column("minutes")),
                kind: ContactKind(rawValue: row.string(try row.column("kind"))) ?? .other))
    }

    /// The contacts of one forløb, oldest first.
    public func contacts(relationship id: Int64) throws -> [LoggedContact] {
        _ = try relationship(id)
        return try database.query(
            "SELECT id, relationship_id, date, minutes, kind FROM contact WHERE relationship_id = ? ORDER BY date, id",
            [id], Store.loggedContact)
    }

    public func contact(_ id: Int64) throws -> LoggedContact {
        guard
            let found = try database.queryOne(
                "SELECT id, relationship_id, date, minutes, kind FROM contact WHERE id = ?", [id], Store.loggedContact)
        else {
            throw StoreError(.notFound, "no contact with id \(id); see `mentor-notify contact list REL`")
        }
        return found
    }

    /// Corrects a contact with the checks of `addContact`; the monthly summary follows (a trigger).
    /// Returns the contact as it now is.
    @discardableResult
    public func fixContact(_ id: Int64, _ update: ContactUpdate) throws -> LoggedContact {
        try write {
            var fixed = try contact(id)
            if let date = update.date { fixed.contact.date = date }
            if let minutes = update.minutes { fixed.contact.minutes = minutes }
            if let kind = update.kind { fixed.contact.kind = kind }
            try checkContactDate(fixed.contact)
            try database.run(
                "UPDATE contact SET date = ?, minutes = ?, kind = ? WHERE id = ?",
                [fixed.contact.date.description, fixed.contact.minutes, fixed.contact.kind.rawValue, id])
            return fixed
        }
    }

    /// Removes a logged contact; the monthly summary follows (a trigger). Returns what was removed.
    @discardableResult
    public func removeContact(_ id: Int64) throws -> LoggedContact {
        try write {
            let removed = try contact(id)
            try database.run("DELETE FROM contact WHERE id = ?", [id])
            return removed
        }
    }
}
