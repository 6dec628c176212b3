import MentorModel

extension Planner {
    /// Rule 5: every N months after the start and at the end, ask mentor and mentee separately;
    /// remind each one who has not answered after 7 days.
    mutating func evaluations(_ relationship: Relationship, _ program: ProgramSettings) {
        let end = relationship.effectiveEnd
        var dates: [(LocalDate, Bool)] = []
        if let every = program.evaluationEveryMonths, every > 0 {
            var step = 1
            while true {
                let date = relationship.start.adding(months: every * step)
                guard date < end, date <= today else { break }
                dates.append((date, false))
                step += 1
            }
        }
        if program.evaluationAtEnd, end <= today { dates.append((end, true)) }
        let remind = program.evaluationReminderDays
        for (date, final) in dates where floor.days(until: date.adding(days: remind + 14)) > 0 {
            let answered = state.evaluations[relationship.id] ?? []
            for role in [Role.mentor, .mentee] {
                // An answer counts from two weeks before the date: people fill it in a little early.
                guard !answered.contains(where: { $0.by == role && $0.date >= date.adding(days: -14) }) else {
                    continue
                }
                let variables = [
                    "date": date.description, "final": final ? "yes" : "",
                    "formMentor": program.evaluationFormMentor ?? "", "formMentee": program.evaluationFormMentee ?? "",
                ]
                emitPair(
                    .evaluation, relationship, program, roles: [role], period: date.description, due: at(date),
                    expires: at(date.adding(days: remind)), afterEnd: final, variables: variables)
                // A reminder of an evaluation request that never went out (it failed, or went stale)
                // would remind of nothing.
                guard state.sentEvaluations.contains("evaluation:\(relationship.id):\(role.rawValue):\(date)") else {
                    continue
                }
                emitPair(
                    .evaluationReminder, relationship, program, roles: [role], period: date.description,
                    due: at(date.adding(days: remind)), expires: at(date.adding(days: remind + 14)), afterEnd: final,
                    variables: variables)
            }
        }
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
                    .endNotice, subject: String(relationship.id), to: .leaders(), period: planned.description,
                    program: program, relationship: relationship, due: at(due), expires: nil, variables: variables)
            }
        }
        let end = relationship.effectiveEnd
        emitPair(
            .end, relationship, program, period: end.description, due: at(end), expires: at(end.adding(days: 7)),
            variables: ["end": end.description])
    }
}
