public import MentorModel

/// Meetings, café evenings and personal reminders corrected and undone: moved, cancelled, stopped,
/// paused. What was already sent is put right by the rules, from what these record.
extension Store {
    static let meetingColumns = """
        id, relationship_id, at, place, sequence, cancelled_at,
        (SELECT group_concat(sequence || '=' || from_at, ' ') FROM meeting_move WHERE meeting_id = meeting.id) AS moves
        """

    static func meeting(_ row: Row) throws(StoreError) -> Meeting {
        var meeting = Meeting(
            id: row.int64(try row.column("id")), relationshipID: row.int64(try row.column("relationship_id")),
            at: try row.value(try row.column("at"), as: LocalDateTime.init, "meeting time"),
            place: row.optionalString(try row.column("place")), sequence: row.int(try row.column("sequence")),
            cancelled: row.optionalInt64(try row.column("cancelled_at")) != nil)
        for move in (row.optionalString(try row.column("moves")) ?? "").split(separator: " ") {
            let parts = move.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let sequence = Int(parts[0]), let from = LocalDateTime(String(parts[1])) else {
                throw StoreError(.damaged, "meeting \(meeting.id) has an unreadable move '\(move)'")
            }
            meeting.movedFrom[sequence] = from
        }
        return meeting
    }

    static let reminderColumns =
        "id, person_id, time, days, text, until, on_holidays, paused_from, paused_until, stopped_at"

    static func reminder(_ row: Row) throws(StoreError) -> PersonalReminder {
        var reminder = PersonalReminder(
            id: row.int64(try row.column("id")), personID: row.int64(try row.column("person_id")),
            time: try row.value(try row.column("time"), as: LocalTime.init, "reminder time"),
            weekdays: try row.value(
                try row.column("days"), as: { try? PersonalReminder.parseWeekdays($0) }, "reminder days"),
            // A forgotten person's reminder has no text left.
            text: row.optionalString(try row.column("text")) ?? "",
            until: row.optionalString(try row.column("until")).flatMap { LocalDate($0) },
            onHolidays: row.bool(try row.column("on_holidays")))
        reminder.pausedFrom = row.optionalString(try row.column("paused_from")).flatMap { LocalDate($0) }
        reminder.pausedUntil = row.optionalString(try row.column("paused_until")).flatMap { LocalDate($0) }
        reminder.stopped = row.optionalInt64(try row.column("stopped_at")) != nil
        return reminder
    }

    public func meeting(_ id: Int64) throws -> Meeting {
        guard
            let meeting = try database.queryOne(
                "SELECT \(Store.meetingColumns) FROM meeting WHERE id = ?", [id], Store.meeting)
        else {
            throw StoreError(.notFound, "no meeting with id \(id); see `mentor-notify meeting list REL`")
        }
        return meeting
    }

    /// A forløb's meetings, cancelled ones included, by time.
    public func meetings(relationship id: Int64) throws -> [Meeting] {
        _ = try relationship(id)
        return try database.query(
            "SELECT \(Store.meetingColumns) FROM meeting WHERE relationship_id = ? ORDER BY at, id", [id],
            Store.meeting)
    }

    /// Moves a meeting (its `SEQUENCE` one up); `place` nil leaves the place as it was.
    public func moveMeeting(_ id: Int64, to at: LocalDateTime, place: String?) throws -> Meeting {
        let meeting = try self.meeting(id)
        guard !meeting.cancelled else {
            throw InputError(
                "meeting", "meeting \(id) is cancelled; add a new one with `mentor-notify meeting REL --at`")
        }
        try requireWithin(try relationship(meeting.relationshipID), at)
        try database.run(
            "UPDATE meeting SET at = ?, place = coalesce(?, place), sequence = sequence + 1 WHERE id = ?",
            [at.description, place, id])
        return try self.meeting(id)
    }

    /// A meeting is added or moved only to a time within its forløb (not after it ended).
    func requireWithin(_ relationship: Relationship, _ at: LocalDateTime) throws(InputError) {
        guard relationship.isActive(on: at.date) else {
            throw InputError(
                "at",
                "\(at) is outside forløb \(relationship.id) (\(relationship.start) to \(relationship.effectiveEnd))")
        }
    }

    /// Cancels the meetings of forløb `id` that fall on or after its end, as `cancelMeeting` does:
    /// those invited then hear the meeting will not take place. Returns how many.
    @discardableResult
    func cancelMeetingsAfterEnd(of id: Int64, now: Int64) throws -> Int {
        let end = try relationship(id).effectiveEnd
        return try database.run(
            """
            UPDATE meeting SET cancelled_at = ?, sequence = sequence + 1
            WHERE relationship_id = ? AND cancelled_at IS NULL AND at >= ?
            """, [now, id, end.description])
    }

    /// Cancels a meeting (its `SEQUENCE` one up, as RFC 5546 asks of a cancellation).
    public func cancelMeeting(_ id: Int64, now: Int64) throws -> Meeting {
        let meeting = try self.meeting(id)
        guard !meeting.cancelled else { throw InputError("meeting", "meeting \(id) is already cancelled") }
        try database.run(
            "UPDATE meeting SET cancelled_at = ?, sequence = sequence + 1 WHERE id = ?", [now, id])
        return try self.meeting(id)
    }

    /// The one-off café evenings from `from` on, with cancelled ones.
    public func cafes(from: LocalDateTime, program: String?) throws -> [CafeEvening] {
        try cafes(from: from).filter { program == nil || $0.program == program }
    }

    /// Cancels the café evening of `program` at `at` (one-off or from the config's rhythm).
    /// False when it was cancelled already.
    @discardableResult
    public func cancelCafe(program: String, at: LocalDateTime, now: Int64) throws -> Bool {
        try database.run(
            "INSERT INTO cafe_cancellation (program, at, cancelled_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [program, at.description, now]) > 0
    }

    /// Cancelled café evenings from `from` on (their place from the one-off evening, if any).
    public func cafeCancellations(from: LocalDateTime) throws -> [CafeEvening] {
        try database.query(
            """
            SELECT c.program, c.at, (SELECT place FROM cafe WHERE cafe.program = c.program AND cafe.at = c.at LIMIT 1)
            FROM cafe_cancellation c WHERE c.at >= ? ORDER BY c.at, c.program
            """, [from.description]
        ) { row throws(StoreError) in
            CafeEvening(
                id: 0, program: row.string(0), at: try row.value(1, as: LocalDateTime.init, "café time"),
                place: row.optionalString(2))
        }
    }

    public func reminder(_ id: Int64) throws -> PersonalReminder {
        guard
            let reminder = try database.queryOne(
                "SELECT \(Store.reminderColumns) FROM reminder WHERE id = ?", [id], Store.reminder)
        else {
            throw StoreError(.notFound, "no reminder with id \(id); see `mentor-notify reminder list`")
        }
        return reminder
    }

    /// Every reminder (of one person), stopped ones too, by id.
    public func reminders(person: Int64?) throws -> [PersonalReminder] {
        if let person {
            _ = try self.person(person)
            return try database.query(
                "SELECT \(Store.reminderColumns) FROM reminder WHERE person_id = ? ORDER BY id", [person],
                Store.reminder)
        }
        return try database.query("SELECT \(Store.reminderColumns) FROM reminder ORDER BY id", [], Store.reminder)
    }

    public func stopReminder(_ id: Int64, now: Int64) throws {
        let reminder = try self.reminder(id)
        guard !reminder.stopped else { throw InputError("reminder", "reminder \(id) is already stopped") }
        try database.run("UPDATE reminder SET stopped_at = ? WHERE id = ?", [now, id])
    }

    public func pauseReminder(_ id: Int64, from: LocalDate, until: LocalDate) throws {
        let reminder = try self.reminder(id)
        guard !reminder.stopped else { throw InputError("reminder", "reminder \(id) is stopped") }
        guard from <= until else { throw InputError("until", "\(until) is before --from \(from)") }
        try database.run(
            "UPDATE reminder SET paused_from = ?, paused_until = ? WHERE id = ?",
            [from.description, until.description, id])
    }

    /// Of `keys`, those whose message went out on `channel`. One query per 500 keys.
    public func sentKeys(_ keys: [String], channel: Channel) throws -> Set<String> {
        var found = Set<String>()
        try database.forEach(
            "SELECT key FROM outbox WHERE key IN (?*) AND channel = '\(channel.rawValue)' AND status = 'sent'", in: keys
        ) { found.insert($0.string(0)) }
        return found
    }

    /// The invitations of these events that went out to people, oldest first, by event `UID`.
    public func sentInvitations(uids: [String]) throws -> [String: [SentInvitation]] {
        var result: [String: [SentInvitation]] = [:]
        try database.forEach(
            """
            SELECT event_uid, recipient, role, invitation_token, coalesce(event_sequence, 0) FROM outbox
            WHERE event_uid IN (?*) AND status = 'sent' AND recipient IS NOT NULL ORDER BY id
            """, in: uids
        ) { row throws(StoreError) in
            result[row.string(0), default: []].append(
                SentInvitation(
                    recipient: row.int64(1), role: try row.value(2, as: RecipientRole.init(rawValue:), "role"),
                    token: row.optionalString(3), sequence: row.int(4)))
        }
        return result
    }
}
