public import MentorModel

extension Store {
    static let relationshipColumnNames = [
        "id", "mentor_id", "mentee_id", "program", "start_date", "planned_end", "ended_on", "end_reason",
        "first_contact", "last_contact",
    ]
    static let relationshipColumns = relationshipColumnNames.joined(separator: ", ")

    /// A forløb from a row that begins with `relationshipColumns`: checked by name once per
    /// statement, then read by place (planning reads every running forløb each time it plans).
    static func relationship(_ row: Row) throws(StoreError) -> Relationship {
        try row.begins(with: relationshipColumnNames)
        return Relationship(
            id: row.int64(0), mentorID: row.int64(1), menteeID: row.int64(2), program: row.string(3),
            start: try row.requiredDate(4, "start date"), plannedEnd: try row.requiredDate(5, "planned end"),
            endedOn: row.date(6), endReason: row.optionalString(7).map(EndReason.init(stored:)),
            firstContact: row.date(8), lastContact: row.date(9))
    }

    @discardableResult
    public func addRelationship(
        mentor: Int64, mentee: Int64, program: String, start: LocalDate, plannedEnd: LocalDate
    ) throws -> Int64 {
        guard plannedEnd > start else {
            throw InputError("end", "the end \(plannedEnd) must be after the start \(start)")
        }
        let mentorPerson = try person(mentor)
        let menteePerson = try person(mentee)
        guard mentorPerson.role == .mentor else { throw InputError("mentor", "person \(mentor) is not a mentor") }
        guard menteePerson.role == .mentee else { throw InputError("mentee", "person \(mentee) is not a mentee") }
        guard !mentorPerson.forgotten, !menteePerson.forgotten else {
            throw InputError("match", "a forgotten person cannot be matched")
        }
        // The same pair twice at once would send every reminder twice and split their hours.
        if let existing = try database.queryOne(
            """
            SELECT id, program, min(coalesce(ended_on, planned_end), planned_end) FROM relationship
            WHERE mentor_id = ? AND mentee_id = ? AND start_date < ?
                AND min(coalesce(ended_on, planned_end), planned_end) > ? LIMIT 1
            """, [mentor, mentee, plannedEnd.description, start.description],
            { ($0.int64(0), $0.string(1), $0.string(2)) })
        {
            throw InputError(
                "match",
                "mentor \(mentor) and mentee \(mentee) already have forløb \(existing.0) (\(existing.1), until \(existing.2)) "
                    + "at that time; extend it instead (`mentor-notify extend \(existing.0) --until DATE`)")
        }
        try database.run(
            "INSERT INTO relationship (mentor_id, mentee_id, program, start_date, planned_end) VALUES (?, ?, ?, ?, ?)",
            [mentor, mentee, program, start.description, plannedEnd.description])
        return database.lastInsertID
    }

    public func relationship(_ id: Int64) throws -> Relationship {
        guard
            let relationship = try database.queryOne(
                "SELECT \(Store.relationshipColumns) FROM relationship WHERE id = ?", [id], Store.relationship)
        else {
            throw StoreError(.notFound, "no forløb with id \(id); check the id given by `match`")
        }
        return relationship
    }

    /// Several forløb by id in one query.
    public func relationships(ids: [Int64]) throws -> [Int64: Relationship] {
        var result: [Int64: Relationship] = [:]
        try database.forEach("SELECT \(Store.relationshipColumns) FROM relationship WHERE id IN (?*)", in: ids) {
            row throws(StoreError) in
            let relationship = try Store.relationship(row)
            result[relationship.id] = relationship
        }
        return result
    }

    /// The programs of the forløb `person` is in, as mentor or mentee (ended ones too).
    public func programs(ofPerson person: Int64) throws -> Set<String> {
        Set(
            try database.query(
                "SELECT DISTINCT program FROM relationship WHERE mentor_id = ? OR mentee_id = ?", [person, person]
            ) { $0.string(0) })
    }

    public func relationships() throws -> [Relationship] {
        try database.query("SELECT \(Store.relationshipColumns) FROM relationship ORDER BY id", [], Store.relationship)
    }

    /// The forløb that a cycle must look at: not ended, or ended within `endedSince`
    /// (the closing message and the final evaluation with its reminder come after the end).
    public func relationships(endedOnOrAfter endedSince: LocalDate) throws -> [Relationship] {
        try database.query(
            """
            SELECT \(Store.relationshipColumns) FROM relationship
            WHERE min(coalesce(ended_on, planned_end), planned_end) >= ?
            """, [endedSince.description], Store.relationship)
    }

    public func relationshipID(mentorRef: String, menteeRef: String) throws -> Int64? {
        try database.queryOne(
            """
            SELECT r.id FROM relationship r JOIN person a ON a.id = r.mentor_id JOIN person b ON b.id = r.mentee_id
            WHERE a.ref = ? AND b.ref = ? ORDER BY r.start_date DESC LIMIT 1
            """, [mentorRef, menteeRef]
        ) { $0.int64(0) }
    }

    /// Moves the planned end; re-opens a forløb that the cycle had closed at its planned end.
    /// A shorter end cancels the meetings after it (`cancelMeetingsAfterEnd`).
    public func extend(_ id: Int64, until: LocalDate, now: Int64) throws {
        try write {
            let current = try relationship(id)
            guard until > current.start else {
                throw InputError("until", "the new end \(until) must be after the start \(current.start)")
            }
            // Only the cycle's close at the planned end is undone by an extension; a leader's end stands.
            let closedAtPlannedEnd = current.endReason == .completed && current.endedOn == current.plannedEnd
            if let ended = current.endedOn, !closedAtPlannedEnd {
                throw InputError("extend", "forløb \(id) was ended on \(ended); it cannot be extended")
            }
            let reopen = closedAtPlannedEnd && until > (current.endedOn ?? until)
            try database.run(
                """
                UPDATE relationship SET planned_end = ?,
                    ended_on = CASE WHEN ? THEN NULL ELSE ended_on END,
                    end_reason = CASE WHEN ? THEN NULL ELSE end_reason END
                WHERE id = ?
                """, [until.description, reopen, reopen, id])
            try cancelMeetingsAfterEnd(of: id, now: now)
        }
    }

    /// Ends forløb `id` on `date`; its meetings from then on are cancelled in the same transaction.
    public func end(_ id: Int64, on date: LocalDate, reason: EndReason, now: Int64) throws {
        try write {
            let current = try relationship(id)
            guard date >= current.start else {
                throw InputError("date", "the end \(date) is before the start \(current.start)")
            }
            try database.run(
                "UPDATE relationship SET ended_on = ?, end_reason = ? WHERE id = ?",
                [date.description, reason.rawValue, id])
            try cancelMeetingsAfterEnd(of: id, now: now)
        }
    }

    /// The reason written when the cycle closes a forløb at its planned end.
    public static let completedReason = EndReason.completed.rawValue

    /// Closes every forløb whose planned end has come. Returns how many.
    @discardableResult
    public func closeCompleted(today: LocalDate) throws -> Int {
        try database.run(
            "UPDATE relationship SET ended_on = planned_end, end_reason = ? WHERE ended_on IS NULL AND planned_end <= ?",
            [Store.completedReason, today.description])
    }
}

extension Store {
    /// How many forløb have not ended by `date` (running or yet to start), per program.
    public func openForloebByProgram(on date: LocalDate) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        try database.forEach(
            """
            SELECT program, count(*) FROM relationship
            WHERE min(coalesce(ended_on, planned_end), planned_end) > ? GROUP BY program
            """, [date.description]
        ) { counts[$0.string(0)] = $0.int(1) }
        return counts
    }
}
