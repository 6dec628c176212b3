import MentorModel

/// The pure heart of mentor-notify: state + now → the follow-ups that are due and still useful.
///
/// It reads no clock, no database and no file. A follow-up is returned from the moment it is due
/// until it expires (or its condition stops holding), so enqueueing the plan of every cycle by
/// dedupe key sends each message once, and a cycle after days of downtime sends what is still
/// useful and nothing stale.
public struct Scheduler: Sendable {
    public let settings: SchedulerSettings

    public init(settings: SchedulerSettings) {
        self.settings = settings
    }

    /// The follow-ups due at `now` (seconds since the epoch), ordered by time, then key.
    public func plan(_ state: SchedulerState, now: Int64) -> [FollowUp] {
        planWithStale(state, now: now).due
    }

    /// The follow-ups due at `now`, and those that fell due after `state.lastCycle` and went stale
    /// before `now` (the daemon was down): to be recorded as expired, never silently missing.
    public func planWithStale(_ state: SchedulerState, now: Int64) -> (due: [FollowUp], stale: [FollowUp]) {
        let plan = planWithNextChange(state, now: now)
        return (plan.due, plan.stale)
    }

    /// `planWithStale`, and the earliest instant after `now` at which the plan of the same state can
    /// differ: the next moment a candidate falls due or a due one expires, at the latest the next
    /// local midnight (rules count days). Until then, with the state unchanged, planning again
    /// gives the same follow-ups and nothing stale.
    public func planWithNextChange(_ state: SchedulerState, now: Int64) -> (
        due: [FollowUp], stale: [FollowUp], nextChange: Int64
    ) {
        var planner = Planner(settings: settings, state: state, now: now)
        planner.run()
        // Taken out of the planner, so each array is ordered where it is and not copied.
        var (due, stale) = (planner.output, planner.stale)
        (planner.output, planner.stale) = ([], [])
        Self.order(&due)
        Self.order(&stale)
        return (due, stale, planner.nextChange)
    }

    /// By time, then key. The order is found over indices, then the follow-ups are swapped into
    /// place: a merge sort moving the follow-ups themselves copied (and retained) each one some
    /// twenty times, a fifth of a 75,000-message plan's time, and a second array of them in order
    /// held them all twice.
    static func order(_ followUps: inout [FollowUp]) {
        let order = followUps.indices.sorted { a, b in
            let (x, y) = (followUps[a].notBefore, followUps[b].notBefore)
            return x != y ? x < y : followUps[a].key < followUps[b].key
        }
        // Each cycle of the permutation in turn: the place `at` takes the follow-up from `order[at]`.
        var placed = [Bool](repeating: false, count: order.count)
        for start in order.indices where !placed[start] {
            var at = start
            while order[at] != start {
                followUps.swapAt(at, order[at])
                placed[at] = true
                at = order[at]
            }
            placed[at] = true
        }
    }

    /// How many days back the store must load ended forløb for the rules that act after an end.
    public static let endedLookbackDays = 62

    /// How far back downtime is accounted for: what went stale longer ago than this is not listed.
    public static let catchUpLookbackDays = 62

    /// How many days after the end the final evaluation request (and its reminder) stays worth
    /// sending (SPEC.md "The outbox").
    public static let finalEvaluationDays = 30

    /// How many days back the evaluation requests sent are loaded: a reminder may follow its
    /// request until the next request falls due (the program's months later), or until
    /// `finalEvaluationDays` after an end that the store still loads.
    public static func sentEvaluationsLookbackDays(_ settings: SchedulerSettings) -> Int {
        let longest = settings.programs.values.compactMap(\.evaluationEveryMonths).max() ?? 0
        return max(endedLookbackDays + finalEvaluationDays, longest * 31 + 1)
    }

    /// How far back the first-meeting reminders sent are loaded, for the alert that says which
    /// went: the alert falls due days after them, or later when catching up.
    public static let firstMeetingLookbackDays = 120
}

/// One planning pass. Internal: the rules live in extensions, one file each.
struct Planner {
    let settings: SchedulerSettings
    let state: SchedulerState
    let now: Int64
    let nowLocal: LocalDateTime
    var today: LocalDate { nowLocal.date }
    var output: [FollowUp] = []
    /// Follow-ups that fell due and went stale since the last cycle.
    var stale: [FollowUp] = []
    /// The last cycle's moment, when catching up after downtime (bounded by the lookback).
    let staleSince: Int64?
    /// The earliest day a candidate may still matter on: the day before today, or before the last
    /// cycle when catching up.
    let floor: LocalDate
    /// The earliest instant after `now` at which a candidate falls due or a due one expires; the
    /// next local midnight at the latest.
    var nextChange: Int64
    /// The local day of `nextChange`: a candidate due on a later day cannot come first (DST moves
    /// the clock by an hour, never across a day), so most are passed over without an instant.
    var nextChangeDay: LocalDate

    init(settings: SchedulerSettings, state: SchedulerState, now: Int64) {
        self.settings = settings
        self.state = state
        self.now = now
        self.nowLocal = settings.zone.local(now)
        if let last = state.lastCycle, last < now {
            let since = max(last, now - Int64(Scheduler.catchUpLookbackDays) * 86_400)
            staleSince = since
            floor = min(settings.zone.local(since).date, nowLocal.date).adding(days: -1)
        } else {
            staleSince = nil
            floor = nowLocal.date.adding(days: -1)
        }
        nextChangeDay = nowLocal.date.adding(days: 1)
        nextChange = settings.zone.instant(nextChangeDay, .midnight)
    }

    /// Notes a moment at which the plan changes: a candidate falls due (`due`) or expires.
    mutating func changes(due: LocalDateTime) {
        guard due.date <= nextChangeDay else { return }
        changes(at: zone.instant(due))
    }

    mutating func changes(at instant: Int64) {
        guard instant > now, instant < nextChange else { return }
        nextChange = instant
        nextChangeDay = zone.local(instant).date
    }

    /// The earliest instant a candidate's moment may lie at and still be reported: now, or the last
    /// cycle when catching up.
    var horizon: Int64 { staleSince ?? now }

    var zone: Zone { settings.zone }
    var opening: LocalTime { settings.windowFrom }

    mutating func run() {
        // Room for one follow-up a forløb, reserved and not touched: the pages a plan does not fill
        // cost nothing, and one that does fill them is not copied into an array twice the size (with
        // both held) each time it doubles.
        output.reserveCapacity(state.relationships.count)
        for relationship in state.relationships {
            guard let program = settings.programs[relationship.program] else { continue }
            firstMeeting(relationship, program)
            afterFirstMeeting(relationship, program)
            monthlyHours(relationship, program)
            missedContact(relationship, program)
            evaluations(relationship, program)
            endOfForloeb(relationship, program)
        }
        monthlyDigests()
        cafeInvites()
        cafeCancellations()
        cafeLists()
        meetingReminders()
        personalReminders()
        deliveryFailures()
        channelOutages()
    }

    /// Where a message goes.
    enum Target {
        /// With `channels`, on those the person has (what told them of an event), else on all.
        case person(FollowUp.Addressee, channels: Set<Channel>? = nil)
        /// The program's leaders; with `avoiding`, on any channel but that one (it is down).
        case leaders(avoiding: Channel? = nil)
    }

    /// Adds a follow-up if it is due at `now` and not yet stale.
    ///
    /// - due: the local moment it becomes due; with `inWindow` it waits for the send window.
    /// - expires: the local moment it becomes worthless (nil: never).
    /// - end: the forløb's end; messages not allowed after it expire then.
    mutating func emit(
        _ rule: Rule, subject: @autoclosure () -> MessageKey.Subject, to target: Target,
        period: @autoclosure () -> String,
        program: ProgramSettings,
        relationship: Relationship? = nil, due: LocalDateTime, expires: LocalDateTime?, inWindow: Bool = true,
        afterEnd: Bool? = nil, variables: @autoclosure () -> [String: String] = [:], event: CalendarEvent? = nil,
        expiresAtInstant: Int64? = nil
    ) {
        let mayFollowEnd = afterEnd ?? rule.allowedAfterEnd
        guard
            let (expiry, isStale) = moment(
                relationship: relationship, due: due, expires: expires, expiresAt: expiresAtInstant,
                mayFollowEnd: mayFollowEnd)
        else { return }
        let notBefore = zone.instant(inWindow ? settings.windowOpening(atOrAfter: due) : due)
        // Leaders come and go: a message names, and goes to, who leads on the day it goes out (the
        // day it is planned for, or today when it waited).
        let day = max(zone.local(notBefore).date, today)
        let shared = TextVariables.Shared(
            program: program.name, contact: program.contactPerson(on: day),
            pair: relationship.map { relationship in
                (
                    relationship.id, state.people[relationship.mentorID]?.name ?? "",
                    state.people[relationship.menteeID]?.name ?? ""
                )
            })
        let draft = Draft(
            rule: rule, subject: subject(), period: period(), program: program,
            relationship: relationship, notBefore: notBefore, day: day,
            expiry: expiry, inWindow: inWindow, variables: variables(), shared: shared, event: event,
            mayFollowEnd: mayFollowEnd)
        for followUp in draft.followUps(to: target, people: state.people) {
            if isStale { stale.append(followUp) } else { output.append(followUp) }
        }
    }

    /// When a candidate that fell `due` stops being worth sending, and whether that already
    /// happened since the last cycle (stale); nil when it is not due yet, or went stale before the
    /// last cycle (and was reported then).
    mutating func moment(
        relationship: Relationship?, due: LocalDateTime, expires: LocalDateTime?, expiresAt: Int64?, mayFollowEnd: Bool
    ) -> (expiry: Int64?, stale: Bool)? {
        guard due <= nowLocal else {
            changes(due: due)
            return nil
        }
        // Cheap local checks first: most candidates a cycle looks at are long stale. (A local moment a
        // day in the past is past whatever DST did; the exact instant check follows.)
        if let expires, expires.date < floor { return nil }
        if let relationship, !mayFollowEnd, relationship.effectiveEnd < floor { return nil }
        var expiry = expiresAt ?? expires.map { zone.instant($0) }
        if let relationship,
            let deadline = MessagePolicy.forloebDeadline(relationship, afterEnd: mayFollowEnd, zone: zone)
        {
            expiry = min(expiry ?? deadline, deadline)
        }
        guard let expiry, !MessagePolicy.stillWorthSending(expiresAt: expiry, now: now) else {
            if let expiry { changes(at: expiry) }
            return (expiry, false)
        }
        // Gone stale since the last cycle: reported (while the daemon ran, it would have been due and
        // sent before).
        guard let staleSince, expiry > staleSince, zone.instant(due) < expiry else { return nil }
        return (expiry, true)
    }

    /// A follow-up decided on, before it is addressed: everything but the recipient.
    struct Draft {
        var rule: Rule
        var subject: MessageKey.Subject
        var period: String
        var program: ProgramSettings
        var relationship: Relationship?
        var notBefore: Int64
        /// The day it goes out: whose leaders it goes to, whose contact it names.
        var day: LocalDate
        var expiry: Int64?
        var inWindow: Bool
        /// The rule's own values; with `shared`, what its texts may name.
        var variables: [String: String]
        var shared: TextVariables.Shared
        var event: CalendarEvent?
        var mayFollowEnd: Bool

        /// One follow-up per recipient of `target`.
        func followUps(to target: Target, people: PeopleIndex) -> [FollowUp] {
            switch target {
            case .person(let addressee, let told):
                guard let id = addressee.personID, let person = people[id] else { return [] }
                // A greeting uses the first name: "Hej Amira".
                let firstName = person.name.map(PersonName.first) ?? ""
                // A calendar's update goes where its invitation went, even to an address no longer
                // chosen; an SMS only to a number still chosen.
                let channels = told.map { $0.filter { $0 == .email || person.channels.contains($0) } }
                guard channels?.isEmpty != true else { return [] }
                return [
                    make(
                        to: addressee, channels: Channel.ordered(channels ?? person.channels),
                        language: person.language, name: firstName)
                ]
            case .leaders(let avoiding):
                return program.leaderIndices(on: day).compactMap { index in
                    let leader = program.leaders[index]
                    // Avoiding a channel that is down, a leader is reached on any other they have an
                    // address for, even one they did not choose for everyday alerts.
                    let channels =
                        avoiding.map { down in Channel.allCases.filter { $0 != down && leader.address($0) != nil } }
                        ?? Channel.ordered(leader.channels)
                    guard !channels.isEmpty else { return nil }
                    return make(
                        to: .leader(index), channels: channels, language: program.language, name: leader.name)
                }
            }
        }

        private func make(to addressee: FollowUp.Addressee, channels: [Channel], language: Language, name: String)
            -> FollowUp
        {
            FollowUp(
                rule, subject: subject, period: period, to: addressee, name: name, program: program.id,
                relationshipID: relationship?.id, channels: channels, notBefore: notBefore, expiresAt: expiry,
                inWindow: inWindow, language: language, variables: variables, shared: shared, event: event,
                allowedAfterEnd: mayFollowEnd)
        }
    }

    /// Emits to the mentor and the mentee of a forløb.
    mutating func emitPair(
        _ rule: Rule, _ relationship: Relationship, _ program: ProgramSettings, roles: [Role] = [.mentor, .mentee],
        period: @autoclosure () -> String, due: LocalDateTime, expires: LocalDateTime?, afterEnd: Bool? = nil,
        variables: @autoclosure () -> [String: String] = [:], event: CalendarEvent? = nil,
        expiresAtInstant: Int64? = nil
    ) {
        // Most forløb have nothing due on most cycles: decide that before building any text.
        guard due <= nowLocal else {
            changes(due: due)
            return
        }
        if let expires, expires.date < floor { return }
        let period = period()
        let values = variables()
        for role in roles {
            let id = role == .mentor ? relationship.mentorID : relationship.menteeID
            emit(
                rule, subject: .forloeb(relationship.id), to: .person(.pairMember(role, id)), period: period,
                program: program, relationship: relationship, due: due, expires: expires, afterEnd: afterEnd,
                variables: values, event: event, expiresAtInstant: expiresAtInstant)
        }
    }

    func at(_ date: LocalDate) -> LocalDateTime { LocalDateTime(date, opening) }

    /// How a text names a mentor or mentee whose name was erased: "din mentor" to the other one of
    /// the pair, "en mentor" to a leader.
    static func unnamed(_ role: String, for reader: RecipientRole, language: Language) -> String {
        switch (language, reader == .leader) {
        case (.en, false): "your \(role)"
        case (.en, true): "a \(role)"
        case (_, false): "din \(role)"
        case (_, true): "en \(role)"
        }
    }
}
