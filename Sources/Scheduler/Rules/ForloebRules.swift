import MentorModel

extension Planner {
    /// Rule 5: every N months after the start and at the end, ask mentor and mentee separately;
    /// remind each one who has not answered 7 days after the request went.
    ///
    /// A request stays worth sending until the next one falls due, the final one until
    /// `Scheduler.finalEvaluationDays` after the end (SPEC.md "The outbox"): after downtime it goes
    /// late, and its reminder follows from when it really went.
    ///
    /// An end before the planned end merges the last periodic evaluation, when its reminder had not
    /// yet fallen due by the end, with the final one: one request per person, one reminder. A
    /// request already sent stands as the final one (its reminder follows the end); one not yet
    /// sent gives way to the final request.
    mutating func evaluations(_ relationship: Relationship, _ program: ProgramSettings) {
        let end = relationship.effectiveEnd
        let remind = program.evaluationReminderDays
        var periodic: [LocalDate] = []
        // The first periodic date after today: the request before it is worth sending until then.
        var upcoming: LocalDate? = nil
        if let every = program.evaluationEveryMonths, every > 0 {
            var step = 1
            while true {
                let date = relationship.start.adding(months: every * step)
                guard date < relationship.plannedEnd else { break }
                guard date <= today else {
                    upcoming = date
                    break
                }
                periodic.append(date)
                step += 1
            }
        }
        let endedEarly = end < relationship.plannedEnd && program.evaluationAtEnd
        let merged = endedEarly ? periodic.last.flatMap { $0.adding(days: remind) > end ? $0 : nil } : nil
        let answered = state.evaluations[relationship.id] ?? []
        let finalUntil = end.adding(days: Scheduler.finalEvaluationDays)
        // Until when a periodic request is worth sending: the next one's date, at the latest the
        // forløb's end (when the final one falls due; nothing but the final ones goes after it).
        func until(_ date: LocalDate) -> LocalDate {
            min(periodic.first { $0 > date } ?? upcoming ?? end, end)
        }
        // A request's values, made once for the mentor's and the mentee's follow-ups.
        var made: [(date: LocalDate, final: Bool, values: [String: String])] = []
        func values(_ date: LocalDate, _ final: Bool) -> [String: String] {
            if let found = made.first(where: { $0.date == date && $0.final == final }) { return found.values }
            let values = [
                "date": date.description, "final": final ? "yes" : "",
                "formMentor": program.evaluationFormMentor ?? "", "formMentee": program.evaluationFormMentee ?? "",
            ]
            made.append((date, final, values))
            return values
        }
        for role in [Role.mentor, .mentee] {
            var requests = periodic.filter { $0 < end && $0 != merged }.map { (date: $0, final: false) }
            var reminderOnly: LocalDate? = nil
            if let merged, sentAt(relationship, role, merged) != nil {
                reminderOnly = merged
            } else if program.evaluationAtEnd, end <= today {
                requests.append((end, true))
            }
            for (date, final) in requests {
                evaluation(
                    relationship, program, role, date: date, final: final, until: final ? finalUntil : until(date),
                    answered: answered, request: true, variables: values)
            }
            if let reminderOnly {
                // Planned while a row of it still waits (another channel): else the cycle withdraws it.
                let waiting = state.sentEvaluations.request(relationship.id, role, reminderOnly)?.waiting ?? false
                evaluation(
                    relationship, program, role, date: reminderOnly, final: true, until: finalUntil,
                    answered: answered, request: waiting, variables: values)
            }
        }
    }

    /// When `role`'s evaluation request of `date` first went out, or nil when it did not.
    private func sentAt(_ relationship: Relationship, _ role: Role, _ date: LocalDate) -> Int64? {
        state.sentEvaluations.request(relationship.id, role, date)?.firstSent
    }

    /// One person's evaluation request of `date` (unless `request` is false: it went out already)
    /// and its reminder, unless they answered; both worth sending until the window opens on `until`.
    private mutating func evaluation(
        _ relationship: Relationship, _ program: ProgramSettings, _ role: Role, date: LocalDate, final: Bool,
        until: LocalDate, answered: [Evaluation], request: Bool,
        variables values: (LocalDate, Bool) -> [String: String]
    ) {
        guard until >= floor else { return }
        // An answer counts from two weeks before the date: people fill it in a little early.
        guard !answered.contains(where: { $0.by == role && $0.date >= date.adding(days: -14) }) else { return }
        let sent = state.sentEvaluations.request(relationship.id, role, date)
        // A request that went, with none of its rows still waiting, is done: planning it again until
        // the next one falls due (months) would only find its rows in the outbox, every cycle.
        if request, sent.map(\.waiting) ?? true {
            emitPair(
                .evaluation, relationship, program, roles: [role], period: date.description, due: at(date),
                expires: at(until), afterEnd: final, variables: values(date, final))
        }
        // A reminder of an evaluation request that never went out (it failed, or went stale) would
        // remind of nothing; one that went late is reminded of a week after it went.
        guard let sent else { return }
        let remindOn = zone.local(sent.firstSent).date.adding(days: program.evaluationReminderDays)
        emitPair(
            .evaluationReminder, relationship, program, roles: [role], period: date.description,
            due: at(remindOn), expires: at(until), afterEnd: final, variables: values(date, final))
    }

    /// Rule 6: 30 days before the planned end tell both and the leader; at the end thank them.
    /// The period is the end date, so an extension gives new notices.
    mutating func endOfForloeb(_ relationship: Relationship, _ program: ProgramSettings) {
        let planned = relationship.plannedEnd
        if let days = program.endNoticeDays, relationship.endedOn == nil || relationship.endedOn! >= planned {
            let due = planned.adding(days: -days)
            if due > relationship.start {
                let variables = ["end": planned.description]
                emitPair(
                    .endNotice, relationship, program, period: planned.description, due: at(due), expires: nil,
                    variables: variables)
                emit(
                    .endNotice, subject: .forloeb(relationship.id), to: .leaders(), period: planned.description,
                    program: program, relationship: relationship, due: at(due), expires: nil, variables: variables)
            }
        }
        let end = relationship.effectiveEnd
        emitPair(
            .end, relationship, program, period: end.description, due: at(end), expires: at(end.adding(days: 7)),
            variables: ["end": end.description])
    }
}
