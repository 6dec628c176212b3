import MentorModel

extension Planner {
    /// Rule 1: no contact 7 days after the start → remind the mentee (and the mentor); still none
    /// after 14 → alert the leader.
    mutating func firstMeeting(_ relationship: Relationship, _ program: ProgramSettings) {
        guard relationship.firstContact == nil else { return }
        // Locals, for the variables' autoclosures: `self` is being changed by `emit`.
        let (today, sent) = (today, state.sentFirstMeetings)
        let start = relationship.start
        let period = start.description
        if let days = program.firstMeetingReminderDays {
            let expires = program.firstMeetingAlertDays.map { at(start.adding(days: $0)) }
            emitPair(
                .firstMeeting, relationship, program, roles: [.mentee, .mentor], period: period,
                due: at(start.adding(days: days)), expires: expires,
                variables: ["start": period, "days": String(start.days(until: today))])
        }
        if let days = program.firstMeetingAlertDays {
            emit(
                .firstMeetingOverdue, subject: .forloeb(relationship.id), to: .leaders(), period: period,
                program: program,
                relationship: relationship, due: at(start.adding(days: days)), expires: nil,
                // The real days since the start on the day it is planned (later than due after downtime).
                variables: Planner.remindersSent(relationship, period: period, sent: sent).merging([
                    "start": period, "days": String(start.days(until: today)),
                ]) { $1 })
        }
    }

    /// Which of the pair's first-meeting reminders really went, as the alert's one section that
    /// says so: `remindedBoth`, `remindedMentorOnly`, `remindedMenteeOnly` or `remindedNeither`.
    static func remindersSent(_ relationship: Relationship, period: String, sent keys: Set<String>)
        -> [String: String]
    {
        let sent = [Role.mentor, .mentee].map { role in
            keys.contains(
                MessageKey(.firstMeeting, subject: .forloeb(relationship.id), recipient: .role(role), period: period)
                    .description)
        }
        switch (sent[0], sent[1]) {
        case (true, true): return ["remindedBoth": "1"]
        case (true, false): return ["remindedMentorOnly": "1"]
        case (false, true): return ["remindedMenteeOnly": "1"]
        case (false, false): return ["remindedNeither": "1"]
        }
    }

    /// Rule 2 (djoef, fki): two days after the first contact, ask whether to continue / remind of
    /// the mentor agreement.
    mutating func afterFirstMeeting(_ relationship: Relationship, _ program: ProgramSettings) {
        guard let variant = program.afterFirstMeeting, let first = relationship.firstContact else { return }
        let due = first.adding(days: program.afterFirstMeetingDays)
        emitPair(
            .afterFirstMeeting, relationship, program, period: first.description, due: at(due),
            expires: at(due.adding(days: 7)), variables: ["date": first.description, "variant": variant.rawValue])
    }

    /// Rule 4: no contact for 21 days → nudge the mentor; 30 days → alert the leader. The period is
    /// the last contact, so a new contact starts a new silence.
    mutating func missedContact(_ relationship: Relationship, _ program: ProgramSettings) {
        let since = relationship.lastContact ?? relationship.start
        let today = today
        guard relationship.isActive(on: today), since <= today else { return }
        if let days = program.contactNudgeDays {
            emitPair(
                .contactNudge, relationship, program, roles: [.mentor], period: since.description,
                due: at(since.adding(days: days)), expires: nil,
                variables: ["days": String(since.days(until: today)), "date": since.description])
        }
        if let days = program.missedContactDays {
            emit(
                .missedContact, subject: .forloeb(relationship.id), to: .leaders(), period: since.description,
                program: program, relationship: relationship, due: at(since.adding(days: days)), expires: nil,
                // The real silence on the day it is planned, not the threshold that made it due.
                variables: ["days": String(since.days(until: today)), "date": since.description])
        }
    }

    /// Rule 3: on the 20th, remind the mentor when the month's minutes are below target. Counts only
    /// months in which the forløb was active on the 1st.
    mutating func monthlyHours(_ relationship: Relationship, _ program: ProgramSettings) {
        guard let target = program.monthlyTarget else { return }
        // Catching up over a month's end: last month's reminder fell due and went stale meanwhile.
        if floor < today.yearMonth.firstDay {
            monthlyHours(
                relationship, program, target: target, month: today.yearMonth.adding(months: -1),
                minutes: state.minutesLastMonth[relationship.id] ?? 0)
        }
        monthlyHours(
            relationship, program, target: target, month: today.yearMonth,
            minutes: state.minutesThisMonth[relationship.id] ?? 0)
    }

    private mutating func monthlyHours(
        _ relationship: Relationship, _ program: ProgramSettings, target: Int, month: YearMonth, minutes: Int
    ) {
        guard relationship.countsTowardTarget(in: month) else { return }
        guard minutes < target else { return }
        let day = min(max(program.monthlyReminderDay, 1), LocalDate.daysIn(year: month.year, month: month.month))
        guard let due = LocalDate(year: month.year, month: month.month, day: day) else { return }
        emitPair(
            .monthlyHours, relationship, program, roles: [.mentor], period: month.description, due: at(due),
            expires: LocalDateTime(month.adding(months: 1).firstDay, .midnight),
            variables: [
                "month": month.description, "minutes": String(minutes), "target": String(target),
                "missing": String(target - minutes),
            ])
    }

    /// Rule 3, the leader's side: on the 1st, one digest per program of the pairs below target the
    /// month before, of who opted out of (or back into) messages that month, and of the replies
    /// that could not be read.
    mutating func monthlyDigests() {
        let month = today.yearMonth
        let previous = month.adding(months: -1)
        var lines: [String: [String]] = [:]
        for relationship in state.relationships {
            guard let program = settings.programs[relationship.program],
                let target = program.monthlyTarget, relationship.countsTowardTarget(in: previous)
            else { continue }
            let minutes = state.minutesLastMonth[relationship.id] ?? 0
            guard minutes < target else { continue }
            let mentor = state.people[relationship.mentorID]?.name ?? ""
            let mentee = state.people[relationship.menteeID]?.name ?? ""
            // Fields, not text: the texts write them out in the leader's language.
            lines[program.id, default: []].append(
                TextLines.record([mentor, mentee, String(minutes), String(target)]))
        }
        let optOuts = optOutLines()
        // Mail to the replies address that could not be read belongs to no program: every
        // program's leaders hear of it.
        let unreadable = state.unreadableLastMonth.map { mail in
            TextLines.record([
                settings.zone.local(mail.at).date.description, mail.moved ? "moved" : "left", mail.folder,
            ])
        }
        let withUnreadable = unreadable.isEmpty ? [] : Set(settings.programs.keys)
        for programID in Set(lines.keys).union(optOuts.keys).union(withUnreadable).sorted() {
            guard let program = settings.programs[programID] else { continue }
            var variables = ["month": previous.description]
            if let list = lines[programID] {
                variables["count"] = String(list.count)
                variables["lines"] = list.joined(separator: "\n")
            }
            if let list = optOuts[programID] { variables["optOuts"] = list.joined(separator: "\n") }
            if !unreadable.isEmpty { variables["unreadable"] = unreadable.joined(separator: "\n") }
            emit(
                .monthlyDigest, subject: .program(programID), to: .leaders(), period: previous.description,
                program: program,
                due: at(month.firstDay), expires: LocalDateTime(month.adding(months: 1).firstDay, .midnight),
                variables: variables)
        }
    }

    /// Last month's opt-outs and opt-ins by program: a link's or a complaint's to its program, a
    /// reply's or a leader's (the whole channel) to every program the person has a forløb in.
    func optOutLines() -> [String: [String]] {
        guard !state.optOutsLastMonth.isEmpty else { return [:] }
        var programsOf: [Int64: Set<String>] = [:]
        for relationship in state.relationships {
            programsOf[relationship.mentorID, default: []].insert(relationship.program)
            programsOf[relationship.menteeID, default: []].insert(relationship.program)
        }
        var result: [String: [String]] = [:]
        for event in state.optOutsLastMonth {
            let programs =
                event.via.stopsOneProgram && event.optedOut
                ? Set(event.program.map { [$0] } ?? []) : programsOf[event.personID] ?? []
            let person = state.people[event.personID]
            let record = TextLines.record([
                person?.name ?? "", person?.role.rawValue ?? "", event.channel.rawValue,
                event.optedOut ? "stop" : "start",
                event.via.rawValue, settings.zone.local(event.at).date.description,
            ])
            for program in programs where settings.programs[program] != nil {
                result[program, default: []].append(record)
            }
        }
        return result
    }
}
