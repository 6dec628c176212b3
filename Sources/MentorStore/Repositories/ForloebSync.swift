public import MentorModel

/// What an import needs to find a forløb and contact again, and to make a forløb's end follow a file.
extension Store {
    /// The forløb of this mentor, mentee and program that starts on `start`: the same forløb to an import.
    public func relationshipID(mentor: Int64, mentee: Int64, program: String, start: LocalDate) throws -> Int64? {
        try database.queryOne(
            "SELECT id FROM relationship WHERE mentor_id = ? AND mentee_id = ? AND program = ? AND start_date = ?",
            [mentor, mentee, program, start.description]
        ) { $0.int64(0) }
    }

    /// How many contacts are logged, of every forløb.
    public func contactTotal() throws -> Int {
        try database.scalarInt("SELECT count(*) FROM contact") ?? 0
    }

    /// Makes the planned end the one a file gives; true when it changed. A forløb that was ended
    /// early keeps its end: the file may give that date or the planned end, nothing else.
    public func followPlannedEnd(_ id: Int64, to end: LocalDate, now: Int64) throws -> Bool {
        let current = try relationship(id)
        guard current.plannedEnd != end else { return false }
        guard end > current.start else {
            throw InputError("end", "the end \(end) must be after the start \(current.start)")
        }
        if let ended = current.endedOn, !(current.endReason == .completed && ended == current.plannedEnd) {
            guard ended != end else { return false }
            throw InputError(
                "end",
                "forløb \(id) was ended on \(ended); write \(ended) or its planned end \(current.plannedEnd) as its end"
            )
        }
        try extend(id, until: end, now: now)
        return true
    }
}
