import Foundation
public import MentorModel

/// The mentor-notify database: the one place that reads and writes it.
///
/// Not Sendable (it owns a connection); the daemon keeps one, each admin command opens its own.
public final class Store {
    public let database: Database

    /// Opens (creating when missing) and migrates the database.
    public init(
        path: String, migrate: Bool = true, busyTimeoutMilliseconds: Int32 = Database.defaultBusyTimeoutMilliseconds
    )
        throws
    {
        database = try Database(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        if migrate {
            try Schema.migrator.migrate(database)
        } else {
            let applied = try Schema.migrator.appliedIDs(database)
            guard applied.count == Schema.migrator.migrations.count else {
                throw StoreError(
                    .conflict, "the database at \(path) is not initialised or not up to date; run `mentor-notify init`")
            }
        }
    }

    public func write<T>(_ body: () throws -> T) throws -> T { try database.write(body) }
    public func read<T>(_ body: () throws -> T) throws -> T { try database.read(body) }

    // MARK: meta

    public func meta(_ key: String) throws -> String? {
        try database.scalarString("SELECT value FROM meta WHERE key = ?", [key])
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try database.run(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value])
    }
}

/// What `person add` and the people CSV give.
public struct NewPerson: Sendable {
    public var ref: String?
    public var role: Role
    public var name: String
    public var email: String?
    public var phone: String?
    public var birthdate: LocalDate?
    public var certificate: LocalDate?
    public var channels: Set<Channel>?
    public var language: Language

    public init(
        ref: String? = nil, role: Role, name: String, email: String? = nil, phone: String? = nil,
        birthdate: LocalDate? = nil, certificate: LocalDate? = nil, channels: Set<Channel>? = nil,
        language: Language = .da
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
}

extension Store {
    static let personColumns = """
        id, ref, role, name, email, phone, birthdate, certificate, channels, lang, opt_out_email, opt_out_sms, forgotten_at,
        (SELECT group_concat(channel || ' ' || program, char(10)) FROM program_opt_out WHERE person_id = person.id)
            AS program_opt_outs
        """

    /// The stored `channels` values there are, each read once: delivery reads the people of every
    /// batch, and splitting the text and building a set for each cost more than the rest of a row.
    static let channelSets: [String: Set<Channel>] = [
        "": [], "email": [.email], "sms": [.sms], "email,sms": [.email, .sms], "sms,email": [.email, .sms],
    ]

    static func person(_ row: Row) throws(StoreError) -> Person {
        func at(_ name: String) throws(StoreError) -> Int32 { try row.column(name) }
        var optedOut = Set<Channel>()
        if row.bool(try at("opt_out_email")) { optedOut.insert(.email) }
        if row.bool(try at("opt_out_sms")) { optedOut.insert(.sms) }
        let listed = row.string(try at("channels"))
        let channels =
            Store.channelSets[listed]
            ?? Set(listed.split(separator: ",").compactMap { Channel(rawValue: String($0)) })
        var programOptOuts = Set<ProgramOptOut>()
        for line in (row.optionalString(try at("program_opt_outs")) ?? "").split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2, let channel = Channel(rawValue: String(parts[0])) {
                programOptOuts.insert(ProgramOptOut(program: String(parts[1]), channel: channel))
            }
        }
        var person = Person(
            id: row.int64(try at("id")), ref: row.optionalString(try at("ref")),
            role: try row.value(try at("role"), as: Role.init(rawValue:), "role"),
            name: row.optionalString(try at("name")), email: row.optionalString(try at("email")),
            phone: row.optionalString(try at("phone")), birthdate: row.date(try at("birthdate")),
            certificate: row.date(try at("certificate")), channels: channels,
            language: try row.value(try at("lang"), as: Language.init(rawValue:), "language"), optedOut: optedOut,
            forgotten: !row.isNull(try at("forgotten_at")))
        person.programOptOuts = programOptOuts
        return person
    }

    /// Adds a person after checking that every channel has an address. Returns the new id.
    @discardableResult
    public func addPerson(_ new: NewPerson) throws -> Int64 {
        let channels = new.channels ?? Person.defaultChannels(email: new.email, phone: new.phone)
        try Store.checkReachable(email: new.email, phone: new.phone, channels: channels)
        if let ref = new.ref { try checkRefFree(ref, except: nil) }
        try database.run(
            """
            INSERT INTO person (ref, role, name, email, phone, birthdate, certificate, channels, lang)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                new.ref, new.role.rawValue, new.name, new.email, new.phone, new.birthdate?.description,
                new.certificate?.description, Channel.format(channels), new.language.rawValue,
            ])
        return database.lastInsertID
    }

    /// A person needs an address, and one on every channel chosen for them (`person add` and `person edit`).
    static func checkReachable(email: String?, phone: String?, channels: Set<Channel>) throws(InputError) {
        if email == nil && phone == nil {
            throw InputError("email", "the person has neither an email address nor a phone number; give at least one")
        }
        if channels.contains(.email) && email == nil {
            throw InputError(
                "channels",
                "email is chosen but the person has no email address; give --email, or --channels without email")
        }
        if channels.contains(.sms) && phone == nil {
            throw InputError(
                "channels", "sms is chosen but the person has no phone number; give --phone, or --channels without sms")
        }
    }

    /// A ref names one person: refused when another (not `except`) has it.
    func checkRefFree(_ ref: String, except id: Int64?) throws {
        if try database.scalarInt("SELECT count(*) FROM person WHERE ref = ? AND id IS NOT ?", [ref, id]) ?? 0 > 0 {
            throw InputError("ref", "'\(ref)' is already used by another person")
        }
        if try isForgotten(ref: ref) {
            throw InputError(
                "ref",
                "'\(ref)' was the ref of a person who was forgotten; to add someone anew on purpose, give them a "
                    + "different ref (and use it in the sheet)")
        }
    }

    public func person(_ id: Int64) throws -> Person {
        guard
            let person = try database.queryOne(
                "SELECT \(Store.personColumns) FROM person WHERE id = ?", [id], Store.person)
        else {
            throw StoreError(.notFound, "no person with id \(id); see `mentor-notify person list`")
        }
        return person
    }

    /// Several people by id in one query (a delivery batch's recipients).
    public func people(ids: [Int64]) throws -> [Int64: Person] {
        var result: [Int64: Person] = [:]
        try database.forEach("SELECT \(Store.personColumns) FROM person WHERE id IN (?*)", in: ids) {
            row throws(StoreError) in
            let person = try Store.person(row)
            result[person.id] = person
        }
        return result
    }

    public func personID(ref: String) throws -> Int64? {
        try database.queryOne("SELECT id FROM person WHERE ref = ?", [ref]) { $0.int64(0) }
    }

    /// What the scheduler needs of every person (no birthdates or certificates), keyed by id.
    /// The columns `peopleForScheduling` reads, in its SELECT's order.
    static let schedulingColumnNames = [
        "id", "role", "name", "channels", "lang", "opt_out_email", "opt_out_sms", "forgotten",
    ]

    public func peopleForScheduling() throws -> PeopleIndex {
        var result = PeopleIndex(minimumCapacity: try database.scalarInt("SELECT max(id) FROM person") ?? 0)
        // Shared set values: a program of 200,000 people then holds three set buffers, not 200,000.
        let email: Set<Channel> = [.email]
        let sms: Set<Channel> = [.sms]
        let both: Set<Channel> = [.email, .sms]
        let (roles, languages) = (Role.allCases, Language.allCases)
        try database.forEach(
            """
            SELECT id, role, name, channels, lang, opt_out_email, opt_out_sms, forgotten_at IS NOT NULL AS forgotten
            FROM person
            """
        ) { row throws(StoreError) in
            // Checked by name once per statement, then read by place (200,000 rows in the benchmark).
            try row.begins(with: Store.schedulingColumnNames)
            let optedOut: Set<Channel>
            switch (row.bool(5), row.bool(6)) {
            case (false, false): optedOut = []
            case (true, false): optedOut = email
            case (false, true): optedOut = sms
            case (true, true): optedOut = both
            }
            // Words compared as bytes: no String is made for them, 200,000 rows at a time.
            let channels = row.text(3, is: "email") ? email : row.text(3, is: "sms") ? sms : both
            let id = row.int64(0)
            // Addresses are left out: the scheduler decides on channels; delivery reads addresses.
            result[id] = Person(
                id: id, role: try row.value(1, among: roles, "role"), name: row.optionalString(2), channels: channels,
                language: try row.value(4, among: languages, "language"), optedOut: optedOut, forgotten: row.bool(7))
        }
        return result
    }

    public func people() throws -> [Person] {
        try database.query("SELECT \(Store.personColumns) FROM person ORDER BY id", [], Store.person)
    }

    /// Erases a person's personal data and the bodies of messages to them. Counts stay.
    ///
    /// `secure_delete` zeroes the freed bytes, VACUUM rewrites the file and the WAL is truncated,
    /// so that the erased values are no longer anywhere in the database files.
    /// What `forget` changed in the outbox, for the spool: the rows to the person (their texts
    /// erased) and the rows to others whose texts named them (scrubbed).
    public struct Forgotten: Sendable {
        public var rowsToThePerson: Set<Int64> = []
        public var rowsScrubbed: Set<Int64> = []
    }

    /// Erases a person: their personal data, the texts of messages to them, their name from the texts
    /// of messages to others, and (by rewriting the file and emptying the WAL) every trace of the
    /// values in the database files. Messages to others that wait to be sent are dropped, so the
    /// next cycle writes them anew without the name.
    @discardableResult
    public func forget(_ id: Int64) throws -> Forgotten {
        var result = Forgotten()
        try write {
            let person = try person(id)
            // Before the ref goes: a sheet imported again must not bring the person back.
            if let ref = person.ref { try rememberForgotten(ref: ref) }
            let forloeb = try database.query(
                "SELECT id FROM relationship WHERE mentor_id = ? OR mentee_id = ?", [id, id]
            ) { $0.int64(0) }
            result.rowsToThePerson = Set(
                try database.query("SELECT id FROM outbox WHERE recipient = ?", [id]) { $0.int64(0) })
            // Longest first: a name that contains another is replaced whole.
            let formerNames = try database.query(
                "SELECT name FROM former_name WHERE person_id = ? ORDER BY length(name) DESC", [id]
            ) { $0.string(0) }
            try database.run("DELETE FROM former_name WHERE person_id = ?", [id])
            try database.run(
                """
                UPDATE person SET name = NULL, email = NULL, phone = NULL, birthdate = NULL, certificate = NULL,
                    ref = NULL, forgotten_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?
                """, [id])
            // A forwarded reply holds what the person wrote: erased with them.
            let forwards = "rule = 'reply-forward' AND key LIKE ? ESCAPE '\\'"
            let forwardPattern = MessageKey.forwardsAbout(person: id)
            result.rowsToThePerson.formUnion(
                try database.query("SELECT id FROM outbox WHERE \(forwards)", [forwardPattern]) { $0.int64(0) })
            try database.run(
                "UPDATE outbox SET subject = NULL, body = NULL, calendar = NULL, thread = NULL WHERE recipient = ? OR (\(forwards))",
                [id, forwardPattern])
            // A reminder without its text has nothing left to say: it stops.
            try database.run(
                """
                UPDATE reminder SET text = NULL,
                    stopped_at = coalesce(stopped_at, CAST(strftime('%s', 'now') AS INTEGER)) WHERE person_id = ?
                """, [id])
            try database.run("DELETE FROM opt_out_event WHERE person_id = ?", [id])
            try database.run("DELETE FROM unverified_sender WHERE person_id = ?", [id])
            if !forloeb.isEmpty {
                let marks = Array(repeating: "?", count: forloeb.count).joined(separator: ", ")
                try database.run(
                    "DELETE FROM outbox WHERE status = 'pending' AND relationship_id IN (\(marks))", forloeb)
                result.rowsScrubbed = try scrubForloebText(forloeb)
            }
            let names = ([person.name].compactMap(\.self) + formerNames).sorted { $0.count > $1.count }
            result.rowsScrubbed.formUnion(try scrub(names: names, forloeb: forloeb))
        }
        try database.execute("VACUUM")
        try emptyWAL()
        return result
    }

    /// Replaces each full name (the current and the former ones, longest first) everywhere, then
    /// their first names in the texts about the person's forløb: a first name replaced before a
    /// full name would leave its surname.
    private func scrub(names: [String], forloeb: [Int64]) throws -> Set<Int64> {
        var scrubbed = Set<Int64>()
        for name in names {
            scrubbed.formUnion(try replaceInTexts(name, by: ("(navn slettet)", "(name erased)"), where: "1", []))
        }
        guard !forloeb.isEmpty else { return scrubbed }
        let marks = Array(repeating: "?", count: forloeb.count).joined(separator: ", ")
        var firstNames: [String] = []
        for first in names.map(PersonName.first) where first.count >= 2 && !firstNames.contains(first) {
            firstNames.append(first)
        }
        for first in firstNames.sorted(by: { $0.count > $1.count }) {
            scrubbed.formUnion(
                try replaceInTexts(
                    first, by: ("(navn slettet)", "(name erased)"), where: "relationship_id IN (\(marks))", forloeb))
        }
        return scrubbed
    }

    /// Erases the free text about the person's forløb, which can name them: an end reason from
    /// before the categories, and a meeting's place ("hos Ahmad på Vibevej") in the meeting, in the
    /// texts about it and in the invitations that carry it. Returns the outbox rows changed.
    private func scrubForloebText(_ forloeb: [Int64]) throws -> Set<Int64> {
        let marks = Array(repeating: "?", count: forloeb.count).joined(separator: ", ")
        // 012-ends left no free text and `end` takes only a category; this stays as the guard
        // that a reason no category names never outlives a forgotten person.
        let categories = EndReason.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        try database.run(
            "UPDATE relationship SET end_reason = ? WHERE id IN (\(marks)) AND end_reason NOT IN (\(categories))",
            [EndReason.other.rawValue] + forloeb.map { $0 as any SQLArgument })
        // Where meetings are and were before a move. Longest first: a place that contains another
        // is replaced whole.
        let meetings = "SELECT id FROM meeting WHERE relationship_id IN (\(marks))"
        let places = try database.query(
            """
            SELECT place FROM (
                SELECT place FROM meeting WHERE place IS NOT NULL AND relationship_id IN (\(marks))
                UNION SELECT place FROM meeting_former_place WHERE meeting_id IN (\(meetings)))
            ORDER BY length(place) DESC
            """, forloeb + forloeb
        ) { $0.string(0) }
        try database.run("DELETE FROM meeting_former_place WHERE meeting_id IN (\(meetings))", forloeb)
        var scrubbed = Set(
            try database.query(
                """
                SELECT id FROM outbox
                WHERE json_extract(calendar, '$.place') IS NOT NULL AND relationship_id IN (\(marks))
                """, forloeb
            ) { $0.int64(0) })
        try database.run(
            """
            UPDATE outbox SET calendar = json_remove(calendar, '$.place')
            WHERE calendar IS NOT NULL AND relationship_id IN (\(marks))
            """, forloeb)
        for place in places {
            scrubbed.formUnion(
                try replaceInTexts(
                    place, by: ("(sted slettet)", "(place erased)"), where: "relationship_id IN (\(marks))", forloeb))
        }
        try database.run("UPDATE meeting SET place = NULL WHERE relationship_id IN (\(marks))", forloeb)
        return scrubbed
    }

    /// Replaces `value` in the subject and text of the outbox rows that meet `condition` by a
    /// placeholder in each row's language. Returns the rows changed.
    private func replaceInTexts(
        _ value: String, by placeholder: (da: String, en: String), where condition: String,
        _ arguments: [any SQLArgument]
    ) throws -> Set<Int64> {
        let ids = try database.query(
            "SELECT id FROM outbox WHERE (instr(body, ?) > 0 OR instr(subject, ?) > 0) AND \(condition)",
            [value, value] + arguments
        ) { $0.int64(0) }
        for rowID in ids {
            try database.run(
                """
                UPDATE outbox SET body = replace(body, ?1, CASE language WHEN 'en' THEN ?3 ELSE ?2 END),
                    subject = replace(subject, ?1, CASE language WHEN 'en' THEN ?3 ELSE ?2 END) WHERE id = ?4
                """, [value, placeholder.da, placeholder.en, rowID])
        }
        return Set(ids)
    }

    /// Checkpoints the WAL into the database file and truncates it to nothing. A reader of another
    /// process can hold frames back for a moment; then it is tried again, for up to five seconds.
    private func emptyWAL() throws {
        for _ in 0..<50 {
            let complete = try database.queryOne("PRAGMA wal_checkpoint(TRUNCATE)") { $0.int(0) == 0 } ?? false
            if complete { return }
            usleep(100_000)
        }
        throw StoreError(
            .busy,
            "the erased values are out of the database but may linger in its -wal while another process reads it; "
                + "run `mentor-notify forget` again in a moment")
    }
}
