public import MentorModel

extension Store {
    private func requireOpen(_ id: Int64) throws -> Relationship {
        try relationship(id)
    }

    /// Logs a contact; its id.
    @discardableResult
    public func addContact(_ contact: Contact) throws -> Int64 {
        try checkContactDate(contact)
        try database.run(
            "INSERT INTO contact (relationship_id, date, minutes, kind) VALUES (?, ?, ?, ?)",
            [contact.relationshipID, contact.date.description, contact.minutes, contact.kind.rawValue])
        return database.lastInsertID
    }

    /// A contact belongs to an existing forløb and not to long before it started (`contact` and `contact fix`).
    func checkContactDate(_ contact: Contact) throws {
        let relationship = try requireOpen(contact.relationshipID)
        guard contact.date >= relationship.start.adding(days: -60) else {
            throw InputError("date", "\(contact.date) is long before the forløb started (\(relationship.start))")
        }
    }

    /// How many contacts exactly like this one are logged.
    public func contactCount(_ contact: Contact) throws -> Int {
        try database.scalarInt(
            "SELECT count(*) FROM contact WHERE relationship_id = ? AND date = ? AND minutes = ? AND kind = ?",
            [contact.relationshipID, contact.date.description, contact.minutes, contact.kind.rawValue]) ?? 0
    }

    @discardableResult
    public func addMeeting(relationship id: Int64, at: LocalDateTime, place: String?) throws -> Int64 {
        try requireWithin(try requireOpen(id), at)
        try database.run(
            "INSERT INTO meeting (relationship_id, at, place) VALUES (?, ?, ?)", [id, at.description, place])
        return database.lastInsertID
    }

    @discardableResult
    public func addEvaluation(_ evaluation: Evaluation) throws -> Int64 {
        _ = try requireOpen(evaluation.relationshipID)
        try database.run(
            "INSERT INTO evaluation (relationship_id, by, date) VALUES (?, ?, ?)",
            [evaluation.relationshipID, evaluation.by.rawValue, evaluation.date.description])
        return database.lastInsertID
    }

    @discardableResult
    public func addCafe(program: String, at: LocalDateTime, place: String?) throws -> Int64 {
        try database.run("INSERT INTO cafe (program, at, place) VALUES (?, ?, ?)", [program, at.description, place])
        return database.lastInsertID
    }

    @discardableResult
    /// A personal reminder lives within its person's forløb: the person needs one that has not
    /// ended, `until` may not pass its end, and without `until` the end is the last day. Returns the
    /// reminder's id and its last day.
    public func addReminder(
        person: Int64, time: LocalTime, weekdays: Set<Int>, text: String, until: LocalDate?, today: LocalDate,
        onHolidays: Bool = false
    ) throws -> (id: Int64, until: LocalDate) {
        let owner = try self.person(person)
        guard !owner.forgotten else { throw InputError("person", "person \(person) is forgotten") }
        let lastDay = try database.scalarString(
            """
            SELECT max(min(coalesce(ended_on, planned_end), planned_end)) FROM relationship
            WHERE (mentor_id = ? OR mentee_id = ?) AND min(coalesce(ended_on, planned_end), planned_end) > ?
            """, [person, person, today.description]
        ).flatMap(LocalDate.init).map { $0.adding(days: -1) }
        guard let lastDay else {
            throw InputError(
                "person", "person \(person) has no forløb that is running or about to start; match them first")
        }
        if let until, until > lastDay {
            throw InputError(
                "until", "\(until) is after the forløb ends (\(lastDay) is its last day); a reminder stops with it")
        }
        let last = until ?? lastDay
        try database.run(
            "INSERT INTO reminder (person_id, time, days, text, until, on_holidays) VALUES (?, ?, ?, ?, ?, ?)",
            [person, time.description, PersonalReminder.formatWeekdays(weekdays), text, last.description, onHolidays])
        return (database.lastInsertID, last)
    }

    public func meetings(from: LocalDateTime) throws -> [Meeting] {
        try database.query(
            "SELECT \(Store.meetingColumns) FROM meeting WHERE at >= ? ORDER BY at", [from.description], Store.meeting)
    }

    public func evaluations(since: LocalDate) throws -> [Evaluation] {
        try database.query("SELECT relationship_id, by, date FROM evaluation WHERE date >= ?", [since.description]) {
            row throws(StoreError) in
            Evaluation(
                relationshipID: row.int64(try row.column("relationship_id")),
                by: try row.value(try row.column("by"), as: Role.init(rawValue:), "evaluation role"),
                date: try row.value(try row.column("date"), as: LocalDate.init, "evaluation date"))
        }
    }

    public func cafes(from: LocalDateTime) throws -> [CafeEvening] {
        try database.query("SELECT id, program, at, place FROM cafe WHERE at >= ? ORDER BY at", [from.description]) {
            row throws(StoreError) in
            CafeEvening(
                id: row.int64(try row.column("id")), program: row.string(try row.column("program")),
                at: try row.value(try row.column("at"), as: LocalDateTime.init, "café time"),
                place: row.optionalString(try row.column("place")))
        }
    }

    public func reminders(activeOn date: LocalDate) throws -> [PersonalReminder] {
        try database.query(
            """
            SELECT \(Store.reminderColumns) FROM reminder
            WHERE (until IS NULL OR until >= ?) AND text IS NOT NULL AND stopped_at IS NULL
            """, [date.description], Store.reminder)
    }

    /// Minutes per forløb in a month, from the trigger-kept summary.
    public func minutes(in month: YearMonth) throws -> [Int64: Int] {
        var result: [Int64: Int] = [:]
        // By position: the two columns are named just here, and every running forløb has a row.
        try database.forEach("SELECT relationship_id, minutes FROM contact_month WHERE month = ?", [month.description])
        { row in result[row.int64(0)] = row.int(1) }
        return result
    }
}
