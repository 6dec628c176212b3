import MentorModel
import MentorStore
import Replies
import Scheduler

/// SPEC.md's reply table: what an answer to which message means, and what it changes.
extension ReplyCore {
    /// A reply being acted on: what it answers, who wrote it, and what it was understood as.
    struct Answer {
        var inbound: Inbound
        var row: OutboxRow
        var person: Person
        var intent: ReplyIntent
        var viaCalendar: Bool
        var action = InboundAction.forwarded
        var detail: String?
        /// The confirmation's section and values.
        var variables: [String: String] = [:]

        /// The period part of the row's key (the month asked about, the café evening).
        var period: String { MessageKey.parse(row.key)?.period ?? "" }
    }

    /// Reads the answer by SPEC.md's table and records what it says; anything that does not fit is
    /// forwarded to the leaders.
    func understand(_ answer: inout Answer) throws {
        let row = answer.row
        let person = answer.person
        let now = answer.inbound.receivedAt
        let today = config.zone.local(now).date
        let program = row.program.flatMap { config.schedulerSettings.programs[$0] }
        switch answer.intent {
        case .stop, .start:
            let stop = answer.intent == .stop
            // "start" undoes every stop on that channel, an unsubscribe link's and a complaint's too.
            try store.changeOptOut(
                OptOutEvent(
                    personID: person.id, program: row.program, channel: answer.inbound.channel, optedOut: stop,
                    via: .reply, at: now))
            answer.action = stop ? .optOut : .optIn
            answer.detail = answer.inbound.channel.rawValue
            answer.variables[stop ? "stopped" : "started"] = "1"
            return
        case .duration(let minutes)
        where person.role == .mentor && ReplyCore.hourRules.contains(row.rule) && row.relationshipID != nil:
            guard let relationshipID = row.relationshipID else { break }
            var date = today
            // An answer about a month is logged in that month, however late it comes.
            if row.rule == .monthlyHours, let month = YearMonth(answer.period) {
                let first = LocalDate(year: month.year, month: month.month, day: 1) ?? today
                let last = first.adding(months: 1).adding(days: -1)
                date = min(max(date, first), last)
            }
            do {
                try store.addContact(
                    Contact(relationshipID: relationshipID, date: date, minutes: minutes, kind: .other))
            } catch let error as InputError {
                answer.detail = "could not log the hours: \(error.reason)"
                break
            }
            answer.action = .hours
            answer.detail = "\(minutes) min on \(date)"
            answer.variables["hours"] = String(minutes)
            answer.variables["month"] = YearMonth(year: date.year, month: date.month).description
            return
        case .yes, .no:
            // (A `where` after `.yes, .no` would guard only `.no`: the cases are decided here.)
            if try understandYesNo(&answer, program: program) { return }
        case .done where (row.rule == .evaluation || row.rule == .evaluationReminder) && row.relationshipID != nil:
            guard let relationshipID = row.relationshipID else { break }
            try store.addEvaluation(Evaluation(relationshipID: relationshipID, by: person.role, date: today))
            answer.action = .evaluated
            answer.detail = person.role.rawValue
            answer.variables["evaluated"] = "1"
            return
        default:
            break
        }
        guard try forward(answer, program: program) else {
            answer.action = .unmatched
            answer.detail = "nobody to forward it to: no leader of the program has an email address"
            return
        }
        answer.action = .forwarded
        answer.variables["forwarded"] = "1"
    }

    /// `ja` / `nej` to a café invitation or to the question after the first meeting; false when the
    /// message asked no such question.
    func understandYesNo(_ answer: inout Answer, program: ProgramSettings?) throws -> Bool {
        let row = answer.row
        let person = answer.person
        let now = answer.inbound.receivedAt
        let yes = answer.intent == .yes
        guard let program else { return false }
        if row.rule == .cafeInvite, row.role == .mentee, let evening = LocalDateTime(answer.period) {
            try store.setCafeAnswer(program: program.id, at: evening, person: person.id, yes: yes, now: now)
            answer.action = .rsvp
            answer.detail = yes ? "yes" : "no"
            answer.variables[yes ? "yes" : "no"] = "1"
            answer.variables["date"] = evening.date.description
            return true
        }
        guard row.rule == .afterFirstMeeting, let relationshipID = row.relationshipID else { return false }
        switch program.afterFirstMeeting {
        case .continue:
            try store.setForloebAnswer(
                relationship: relationshipID, question: "continue", by: person.role, yes: yes, now: now)
            answer.action = .continue
            answer.detail = yes ? "yes" : "no"
            answer.variables[yes ? "continueYes" : "continueNo"] = "1"
            if !yes { try alertNoContinue(relationshipID, by: person, program: program, now: now) }
            return true
        case .agreement where yes:
            try store.setForloebAnswer(
                relationship: relationshipID, question: "agreement", by: person.role, yes: true, now: now)
            answer.action = .agreement
            answer.detail = "yes"
            answer.variables["agreement"] = "1"
            return true
        default:
            return false
        }
    }
}
