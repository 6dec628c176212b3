import MentorModel
import MentorStore
import Scheduler

/// Reads what the rules look at, in one read transaction (one consistent snapshot).
enum StateLoader {
    /// The follow-ups due at `now`, with the state they came from: what `plan` shows and a cycle enqueues.
    ///
    /// - lastCycle: the cycle to catch up from (`CycleMarks.previous`); nil reads the last cycle
    ///   of any kind (what `plan` shows).
    /// - nextChange: when the plan of this state can next differ (`Scheduler.planWithNextChange`).
    static func plan(_ store: Store, config: Config, now: Int64, lastCycle: Int64?? = nil) throws -> (
        state: SchedulerState, followUps: [FollowUp], stale: [FollowUp], nextChange: Int64
    ) {
        let settings = config.schedulerSettings
        let state = try load(
            store, settings: settings, now: now, defaultProgram: config.programs.first?.id, lastCycle: lastCycle)
        let (due, stale, nextChange) = Scheduler(settings: settings).planWithNextChange(state, now: now)
        return (state, due, stale, nextChange)
    }

    static func load(
        _ store: Store, settings: SchedulerSettings, now: Int64, defaultProgram: String?, lastCycle last: Int64?? = nil
    ) throws -> SchedulerState {
        let local = settings.zone.local(now)
        let today = local.date
        return try store.read {
            // After downtime the rules look back to the last cycle: meetings, evenings and reminders
            // that passed meanwhile are reported as stale.
            let recorded = try last ?? store.meta(CycleMarks.lastCycle).flatMap { Int64($0) }
            let lastCycle = recorded.flatMap { $0 < now ? $0 : nil }
            let since = lastCycle.map {
                max(settings.zone.local($0).date, today.adding(days: -Scheduler.catchUpLookbackDays))
            }
            let from = min(since ?? today, today).adding(days: -1)
            let relationships = try store.relationships(
                endedOnOrAfter: today.adding(days: -Scheduler.endedLookbackDays))
            let people = try store.peopleForScheduling()
            var evaluations: [Int64: [Evaluation]] = [:]
            for evaluation in try store.evaluations(since: today.adding(days: -Scheduler.endedLookbackDays)) {
                evaluations[evaluation.relationshipID, default: []].append(evaluation)
            }
            let failures = try store.unreportedFailures().map { row in
                let program = row.program.flatMap { settings.programs[$0] != nil ? $0 : nil } ?? defaultProgram ?? ""
                return DeliveryFailure(
                    outboxID: row.id, program: program, rule: row.rule, role: row.role, recipient: row.recipient,
                    channel: row.channel, reason: row.reason ?? "unknown")
            }
            let held = try store.channelHolds().values.sorted { $0.channel < $1.channel }.map { hold in
                HeldChannel(
                    channel: hold.channel, since: hold.since, reason: hold.reason,
                    waitingByProgram: try store.waitingByProgram(channel: hold.channel))
            }
            var state = SchedulerState(
                relationships: relationships, people: people,
                minutesThisMonth: try store.minutes(in: today.yearMonth),
                minutesLastMonth: try store.minutes(in: today.yearMonth.adding(months: -1)),
                meetings: try store.meetings(from: LocalDateTime(from, .midnight)),
                evaluations: evaluations, cafes: try store.cafes(from: LocalDateTime(from, .midnight)),
                reminders: try store.reminders(activeOn: from), failures: failures)
            state.heldChannels = held
            state.cancelledCafes = try store.cafeCancellations(from: LocalDateTime(from, .midnight))
            // Moved and cancelled events: who holds their invitation, under which UID.
            let changed =
                state.meetings.filter { $0.cancelled || $0.sequence > 0 }.map(\.eventUID)
                + state.cancelledCafes.map { CafeEvening.eventUID(program: $0.program, at: $0.at) }
            if !changed.isEmpty {
                state.invitations = try store.sentInvitations(uids: changed)
                state.sentBySMS = try store.sentKeys(Scheduler.smsAnnouncementKeys(state), channel: .sms)
            }
            let month = today.yearMonth
            let lastMonth = (
                from: settings.zone.instant(month.adding(months: -1).firstDay, .midnight),
                until: settings.zone.instant(month.firstDay, .midnight)
            )
            state.optOutsLastMonth = try store.optOutEvents(from: lastMonth.from, until: lastMonth.until)
            state.unreadableLastMonth = try store.unreadableMail(from: lastMonth.from, until: lastMonth.until)
            state.lastCycle = lastCycle
            if settings.repliesRead {
                state.cafeAnswers = try store.cafeAnswers(from: LocalDateTime(today, .midnight))
            }
            for sent in try store.sentMessages(
                rule: Rule.evaluation.rawValue,
                createdSince: now - Int64(Scheduler.sentEvaluationsLookbackDays(settings)) * 86_400)
            {
                state.sentEvaluations.record(key: sent.key, firstSent: sent.firstSent, waiting: sent.waiting)
            }
            let firstMeetingsSince = now - Int64(Scheduler.firstMeetingLookbackDays) * 86_400
            state.sentFirstMeetings = try store.sentKeys(
                rule: Rule.firstMeeting.rawValue, createdSince: firstMeetingsSince)
            return state
        }
    }
}
