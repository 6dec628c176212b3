import MentorModel

extension Planner {
    /// Rule 5: every N months after the start and at the end, ask mentor and mentee separately;
    /// remind each one who has not answered after 7 days.
    ///
    /// An end before the planned end merges the last periodic evaluation, when its reminder had not
    /// yet fallen due by the end, with the final one: one request per person, one reminder. A
    /// request already sent stands as the final one (its reminder follows the end); one not yet
    /// sent gives way to the final request.
    mutating func evaluations(_ relationship: Relationship, _ program: ProgramSettings) {
        let end = relationship.effectiveEnd
        let remind = program.evaluationReminderDays
        var periodic: [LocalDate] = []
        if let every = program.evaluationEveryMonths, every > 0 {
            var step = 1
            while true {
                let date = relationship.start.adding(months: every * step)
                guard date < relationship.plannedEnd, date <= today else { break }
                periodic.append(date)
                step += 1
            }
        }
        let endedEarly = end < relationship.plannedEnd && program.evaluationAtEnd
        let merged = endedEarly ? periodic.last.flatMap { $0.adding(days: remind) > end ? $0 : nil } : nil
        let answered = state.evaluations[relationship.id] ?? []
        for role in [Role.mentor, .mentee] {
            var requests = periodic.filter { $0 < end && $0 != merged }.map { (date: $0, final: false) }
            var reminderOnly: LocalDate? = nil
            if let merged, wasSent(relationship, role, merged) {
                reminderOnly = merged
            } else if program.evaluationAtEnd, end <= today {
                requests.append((end, true))
            }
            for (date, final) in requests {
                evaluation(relationship, program, role, date: date, final: final, answered: answered, request: true)
            }
            if let reminderOnly {
                evaluation(
                    relationship, program, role, date: reminderOnly, final: true, answered: answered, request: false)
            }
        }
    }

    private func wasSent(_ relationship: Relationship, _ role: Role, _ date: LocalDate) -> Bool {
        state.sentEvaluations.contains(
            FollowUp.Addressee.pairMember(role, role == .mentor ? relationship.mentorID : relationship.menteeID).key(
                .evaluation, subject: .forloeb(relationship.id), period: date.description
            )
            .description)
    }

    /// One person's evaluation request of `date` (unless `request` is false: it went out already)
    /// and its reminder, unless they answered.
    private mutating func evaluation(
        _ relationship: Relationship, _ program: ProgramSettings, _ role: Role, date: LocalDate, final: Bool,
        answered: [Evaluation], request: Bool
    ) {
        let remind = program.evaluationReminderDays
        guard floor.days(until: date.adding(days: remind + 14)) > 0 else { return }
        // An answer counts from two weeks before the date: people fill it in a little early.
        guard !answered.contains(where: { $0.by == role && $0.date >= date.adding(days: -14) }) else { return }
        let variables = [
            "date": date.description, "final": final ? "yes" : "",
            "formMentor": program.evaluationFormMentor ?? "", "formMentee": program.evaluationFormMentee ?? "",
        ]
        if request {
            emitPair(
                .evaluation, relationship, program, roles: [role], period: date.description, due: at(date),
                expires: at(date.adding(days: remind)), afterEnd: final, variables: variables)
        }
        // A reminder of an evaluation request that never went out (it failed, or went stale) would
        // remind of nothing.
        guard wasSent(relationship, role, date) else { return }
        emitPair(
            .evaluationReminder, relationship, program, roles: [role], period: date.description,
            due: at(date.adding(days: remind)), expires: at(date.adding(days: remind + 14)), afterEnd: final,
            variables: variables)
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
