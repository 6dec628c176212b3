public import MentorModel

/// Answers about café evenings (`cafe_answer`) and about the forløb itself (`forloeb_answer`).
extension Store {
    /// A mentee's answer for a café evening; a later answer replaces an earlier one.
    public func setCafeAnswer(program: String, at: LocalDateTime, person: Int64, yes: Bool, now: Int64) throws {
        try database.run(
            """
            INSERT INTO cafe_answer (program, at, person_id, answer, answered_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (program, at, person_id) DO UPDATE SET answer = excluded.answer, answered_at = excluded.answered_at
            """, [program, at.description, person, yes ? "yes" : "no", now])
    }

    /// The answers for one café evening: person id → yes.
    public func cafeAnswers(program: String, at: LocalDateTime) throws -> [Int64: Bool] {
        var answers: [Int64: Bool] = [:]
        try database.forEach(
            "SELECT person_id, answer FROM cafe_answer WHERE program = ? AND at = ?", [program, at.description]
        ) { answers[$0.int64(0)] = $0.string(1) == "yes" }
        return answers
    }

    /// Every answer for the café evenings from `from` on, by `CafeAnswers.key`: person → yes.
    public func cafeAnswers(from: LocalDateTime) throws -> [String: [Int64: Bool]] {
        var answers: [String: [Int64: Bool]] = [:]
        try database.forEach(
            "SELECT program, at, person_id, answer FROM cafe_answer WHERE at >= ?", [from.description]
        ) { row in
            guard let start = LocalDateTime(row.string(1)) else { return }
            answers[CafeAnswers.key(program: row.string(0), at: start), default: [:]][row.int64(2)] =
                row.string(3) == "yes"
        }
        return answers
    }

    /// An answer about the forløb itself: whether to continue (djoef), the mentor agreement (fki).
    public func setForloebAnswer(relationship: Int64, question: String, by role: Role, yes: Bool, now: Int64) throws {
        try database.run(
            """
            INSERT INTO forloeb_answer (relationship_id, question, by, answer, answered_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (relationship_id, question, by) DO UPDATE SET answer = excluded.answer,
                answered_at = excluded.answered_at
            """, [relationship, question, role.rawValue, yes ? "yes" : "no", now])
    }

    public func forloebAnswers(relationship: Int64) throws -> [(question: String, by: String, yes: Bool)] {
        try database.query(
            "SELECT question, by, answer FROM forloeb_answer WHERE relationship_id = ? ORDER BY question, by",
            [relationship]
        ) { ($0.string(0), $0.string(1), $0.string(2) == "yes") }
    }
}
