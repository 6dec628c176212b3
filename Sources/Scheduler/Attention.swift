public import MentorModel

/// Why a pair is on the leader's focus list. The order of the cases is the urgency order, most
/// urgent first:
/// a "no" to continuing is a pair about to break up; a person nothing reaches, or whose message
/// failed, hears none of what the program sends (every later item depends on that); a first
/// meeting that never happened and a long silence are a pair that may not exist in practice; a
/// missing agreement, an evaluation not returned and a month below target are follow-ups; an end
/// within the notice days is planning.
public enum AttentionReason: String, Sendable, Hashable, CaseIterable, Comparable {
    case saidNo = "said-no"
    case unreachable
    case messageFailed = "message-failed"
    case firstMeetingNotHeld = "first-meeting-not-held"
    case noContact = "no-contact"
    case noAgreement = "no-agreement"
    case evaluationNotReturned = "evaluation-not-returned"
    case belowTarget = "below-target"
    case endsSoon = "ends-soon"

    var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: AttentionReason, rhs: AttentionReason) -> Bool { lhs.rank < rhs.rank }
}

/// One line of the focus list: a pair, why it needs a look, and since when.
public struct AttentionItem: Sendable, Hashable {
    public var relationshipID: Int64
    public var program: String
    public var reason: AttentionReason
    /// Whom of the pair it is about, when it is one of them.
    public var role: Role?
    /// Since when it holds (nil when that is not recorded, e.g. since when an address is missing
    /// or when an opt-out older than the kept events happened).
    public var since: LocalDate?
    /// What a leader reads: "no contact for 34 days", "opted out of sms". Never a person's words.
    public var why: String

    public init(
        relationshipID: Int64, program: String, reason: AttentionReason, role: Role? = nil, since: LocalDate?,
        why: String
    ) {
        self.relationshipID = relationshipID
        self.program = program
        self.reason = reason
        self.role = role
        self.since = since
        self.why = why
    }
}

/// What `attention` needs beyond the scheduler's state: the answers about the forløb and the
/// messages that failed lately.
public struct AttentionFacts: Sendable {
    /// A "no" to continuing, by forløb: who said it and when.
    public var saidNo: [Int64: (role: Role, on: LocalDate)]
    /// The forløb whose mentor agreement was recorded.
    public var agreements: Set<Int64>
    /// Failed messages to a mentor or mentee, by person: the earliest recent failure and its rule.
    public var failures: [Int64: (on: LocalDate, rule: Rule, channel: Channel)]

    /// The day of each person's latest opt-out still on record: since when nothing reaches them.
    public var optedOutOn: [Int64: LocalDate]

    public init(
        saidNo: [Int64: (role: Role, on: LocalDate)] = [:], agreements: Set<Int64> = [],
        failures: [Int64: (on: LocalDate, rule: Rule, channel: Channel)] = [:], optedOutOn: [Int64: LocalDate] = [:]
    ) {
        self.saidNo = saidNo
        self.agreements = agreements
        self.failures = failures
        self.optedOutOn = optedOutOn
    }
}

/// The leader's focus list (`attention`): state + now → the pairs that need a look, most urgent
/// first. Pure, like the scheduler, and with the same program thresholds as the alert rules.
public enum Attention {
    /// How far back a failed message still puts a pair on the list.
    public static let failureLookbackDays = 30

    public static func items(
        _ state: SchedulerState, facts: AttentionFacts, settings: SchedulerSettings, now: Int64
    ) -> [AttentionItem] {
        let today = settings.zone.local(now).date
        var items: [AttentionItem] = []
        for relationship in state.relationships where relationship.isActive(on: today) {
            guard let program = settings.programs[relationship.program] else { continue }
            var finder = Finder(
                relationship: relationship, program: program, state: state, facts: facts, today: today,
                zone: settings.zone)
            finder.run()
            items += finder.items
        }
        return items.sorted {
            ($0.reason, $0.since ?? today, $0.relationshipID, $0.role?.rawValue ?? "")
                < ($1.reason, $1.since ?? today, $1.relationshipID, $1.role?.rawValue ?? "")
        }
    }

    /// The items of one running forløb.
    struct Finder {
        let relationship: Relationship
        let program: ProgramSettings
        let state: SchedulerState
        let facts: AttentionFacts
        let today: LocalDate
        let zone: Zone
        var items: [AttentionItem] = []

        mutating func add(_ reason: AttentionReason, role: Role? = nil, since: LocalDate?, _ why: String) {
            items.append(
                AttentionItem(
                    relationshipID: relationship.id, program: program.id, reason: reason, role: role, since: since,
                    why: why))
        }

        func person(_ role: Role) -> Person? {
            state.people[role == .mentor ? relationship.mentorID : relationship.menteeID]
        }

        mutating func run() {
            if let no = facts.saidNo[relationship.id] {
                add(.saidNo, role: no.role, since: no.on, "the \(no.role.rawValue) said no to continuing")
            }
            for role in [Role.mentor, .mentee] {
                guard let person = person(role) else { continue }
                reachability(person, role)
                if let failure = facts.failures[person.id] {
                    add(
                        .messageFailed, role: role, since: failure.on,
                        "a \(failure.rule.rawValue) message by \(failure.channel.rawValue) failed")
                }
            }
            contact()
            agreement()
            evaluations()
            belowTarget()
            endsSoon()
        }

        /// Nobody reachable: none of the person's channels can carry a message now.
        mutating func reachability(_ person: Person, _ role: Role) {
            var reasons: [String] = []
            for channel in person.channels.sorted() {
                guard let reason = MessagePolicy.unreachable(person, on: channel, program: program.id) else { return }
                // Forgotten reads once, not once per channel.
                if !reasons.contains(reason) { reasons.append(reason) }
            }
            add(
                .unreachable, role: role, since: person.forgotten ? nil : facts.optedOutOn[person.id],
                "nothing reaches the \(role.rawValue): \(reasons.joined(separator: "; "))")
        }

        /// The first meeting not held by the leader's alert day, else no contact for the leader's
        /// missed-contact days.
        mutating func contact() {
            guard let first = relationship.firstContact else {
                guard let days = program.firstMeetingAlertDays else { return }
                let due = relationship.start.adding(days: days)
                if due <= today {
                    add(
                        .firstMeetingNotHeld, since: relationship.start,
                        "no first meeting \(relationship.start.days(until: today)) days after the start")
                }
                return
            }
            guard let days = program.missedContactDays else { return }
            let last = relationship.lastContact ?? first
            let silent = last.days(until: today)
            if silent >= days { add(.noContact, since: last, "no contact for \(silent) days") }
        }

        mutating func agreement() {
            guard program.afterFirstMeeting == .agreement, let first = relationship.firstContact,
                !facts.agreements.contains(relationship.id)
            else { return }
            let due = first.adding(days: program.agreementDays)
            if due <= today {
                add(
                    .noAgreement, since: first,
                    "no mentor agreement \(first.days(until: today)) days after the first meeting")
            }
        }

        /// A request that went out, whose reminder day (counted from when it went) has passed, with
        /// no answer from that person.
        mutating func evaluations() {
            let answered = state.evaluations[relationship.id] ?? []
            for request in state.sentEvaluations.requests(of: relationship.id) {
                let (role, date) = (request.role, request.date)
                guard zone.local(request.firstSent).date.adding(days: program.evaluationReminderDays) <= today,
                    !answered.contains(where: { $0.by == role && $0.date >= date.adding(days: -14) })
                else { continue }
                add(
                    .evaluationNotReturned, role: role, since: date,
                    "the \(role.rawValue) has not returned the evaluation asked for \(date)")
            }
        }

        /// Last month below the program's target, for a forløb running on its first day.
        mutating func belowTarget() {
            guard let target = program.monthlyTargetMinutes, target > 0 else { return }
            let month = today.yearMonth.adding(months: -1)
            guard relationship.isActive(on: month.firstDay) else { return }
            let minutes = state.minutesLastMonth[relationship.id] ?? 0
            if minutes < target {
                add(.belowTarget, since: month.firstDay, "\(minutes) of \(target) minutes in \(month)")
            }
        }

        /// Ends within the end-notice days (30 when the program sends no notice).
        mutating func endsSoon() {
            let end = relationship.effectiveEnd
            let days = program.endNoticeDays ?? 30
            let left = today.days(until: end)
            if left <= days { add(.endsSoon, since: end.adding(days: -days), "ends \(end), in \(left) days") }
        }
    }
}
