public import MentorModel

/// What to change about a person: `nil` leaves a value as it is; for an optional value, `.some(nil)`
/// clears it. `channels: .some(nil)` means the default for the addresses the person ends up with.
public struct PersonChanges: Sendable {
    public var ref: String??
    public var role: Role?
    public var name: String?
    public var email: String??
    public var phone: String??
    public var birthdate: LocalDate??
    public var certificate: LocalDate??
    public var channels: Set<Channel>??
    public var language: Language?

    public init() {}
}

extension Store {
    /// Applies `changes` with the checks of `addPerson` (an address for every channel, at least one
    /// address, a ref nobody else has) and returns the names of the values that changed, in the
    /// order of the people CSV's columns. Values equal to the stored ones are no change.
    @discardableResult
    public func updatePerson(id: Int64, _ changes: PersonChanges) throws -> [String] {
        let old = try person(id)
        guard !old.forgotten else {
            throw InputError("person", "person \(id) is forgotten; their data cannot be set again")
        }
        var new = old
        if let ref = changes.ref { new.ref = ref }
        if let role = changes.role { new.role = role }
        if let name = changes.name { new.name = name }
        if let email = changes.email { new.email = email }
        if let phone = changes.phone { new.phone = phone }
        if let birthdate = changes.birthdate { new.birthdate = birthdate }
        if let certificate = changes.certificate { new.certificate = certificate }
        if let language = changes.language { new.language = language }
        if let channels = changes.channels {
            new.channels = channels ?? Person.defaultChannels(email: new.email, phone: new.phone)
        }
        let changed = [
            ("ref", new.ref != old.ref), ("role", new.role != old.role), ("name", new.name != old.name),
            ("email", new.email != old.email), ("phone", new.phone != old.phone),
            ("birthdate", new.birthdate != old.birthdate), ("channels", new.channels != old.channels),
            ("lang", new.language != old.language), ("certificate", new.certificate != old.certificate),
        ].filter(\.1).map(\.0)
        guard !changed.isEmpty else { return [] }
        if new.email == nil && new.phone == nil {
            throw InputError("email", "the person would have neither an email address nor a phone number; keep one")
        }
        if new.channels.contains(.email) && new.email == nil {
            throw InputError("channels", "email is chosen but the person would have no email address; give one")
        }
        if new.channels.contains(.sms) && new.phone == nil {
            throw InputError("channels", "sms is chosen but the person would have no phone number; give one")
        }
        if new.role != old.role,
            let forloeb = try database.queryOne(
                "SELECT id FROM relationship WHERE mentor_id = ? OR mentee_id = ? LIMIT 1", [id, id], { $0.int64(0) })
        {
            throw InputError(
                "role", "person \(id) is \(old.role.rawValue) in forløb \(forloeb); a matched person keeps their role")
        }
        if let ref = new.ref, new.ref != old.ref,
            try database.scalarInt("SELECT count(*) FROM person WHERE ref = ? AND id != ?", [ref, id]) ?? 0 > 0
        {
            throw InputError("ref", "'\(ref)' is already used by another person")
        }
        try database.run(
            """
            UPDATE person SET ref = ?, role = ?, name = ?, email = ?, phone = ?, birthdate = ?, certificate = ?,
                channels = ?, lang = ? WHERE id = ?
            """,
            [
                new.ref, new.role.rawValue, new.name, new.email, new.phone, new.birthdate?.description,
                new.certificate?.description, Channel.format(new.channels), new.language.rawValue, id,
            ])
        return changed
    }

    /// The people with a ref that is not in `refs`, and those without a ref (not forgotten): what a
    /// people file that is the master copy does not hold.
    public func peopleNotIn(refs: Set<String>) throws -> [Person] {
        try people().filter { !$0.forgotten && ($0.ref.map { !refs.contains($0) } ?? true) }
    }
}
