public import MentorModel

/// What happens after the first logged contact (DOMAIN.md rule 2).
public enum AfterFirstMeeting: String, Sendable, Hashable {
    /// Djøf: both confirm quickly whether they want to continue.
    case `continue`
    /// FKI: fill in the mentor agreement (mentoraftale).
    case agreement
}

/// A recurring café evening (Mentorshoppen: every other Wednesday at 18:00).
public struct CafeSchedule: Sendable, Hashable {
    /// ISO weekday, 1 = Monday.
    public var weekday: Int
    public var time: LocalTime
    public var everyWeeks: Int
    /// The first evening; the series runs from here every `everyWeeks` weeks.
    public var from: LocalDate
    public var until: LocalDate?
    public var place: String?

    public init(
        weekday: Int, time: LocalTime, everyWeeks: Int, from: LocalDate, until: LocalDate? = nil, place: String? = nil
    ) {
        self.weekday = weekday
        self.time = time
        self.everyWeeks = everyWeeks
        self.from = from
        self.until = until
        self.place = place
    }

    /// Whether the rhythm holds an evening on `day`.
    public func hasEvening(on day: LocalDate) -> Bool {
        everyWeeks > 0 && day >= from && (until.map { day <= $0 } ?? true) && day.weekday == weekday
            && from.days(until: day) % (7 * everyWeeks) == 0
    }
}

/// Who may be matched in a program (checked by `match`, overridable with `--force`).
public struct Eligibility: Sendable, Hashable {
    public var menteeMinAge: Int?
    public var menteeMaxAge: Int?
    /// The mentor must be older than this (Mentorshoppen: "mentorer over 30 år").
    public var mentorOlderThan: Int?
    /// The mentor must have a recorded certificate (straffe- og børneattest) date.
    public var mentorCertificateRequired: Bool

    public init(
        menteeMinAge: Int? = nil, menteeMaxAge: Int? = nil, mentorOlderThan: Int? = nil,
        mentorCertificateRequired: Bool = false
    ) {
        self.menteeMinAge = menteeMinAge
        self.menteeMaxAge = menteeMaxAge
        self.mentorOlderThan = mentorOlderThan
        self.mentorCertificateRequired = mentorCertificateRequired
    }
}

/// Days from one date to another, both included (a leader's holiday).
public struct DateSpan: Sendable, Hashable {
    public var from: LocalDate
    public var until: LocalDate

    public init(from: LocalDate, until: LocalDate) {
        self.from = from
        self.until = until
    }

    public func contains(_ date: LocalDate) -> Bool { from <= date && date <= until }
}

/// A program's leader: the recipient of alerts and digests. Not a person in the database.
public struct Leader: Sendable, Hashable {
    public var name: String
    public var email: String?
    public var phone: String?
    public var channels: Set<Channel>
    /// The first and last day they lead (both included); nil: open (a board member covering for two
    /// weeks has both).
    public var from: LocalDate?
    public var until: LocalDate?
    /// Days inside that they are away (a holiday): their alerts go to who is on duty.
    public var away: [DateSpan] = []
    /// The language of the desk's pages and of its sign-in link (`lang`; SPEC.md "The leader's desk").
    public var language: Language = .da

    public init(name: String, email: String? = nil, phone: String? = nil, channels: Set<Channel>? = nil) {
        self.name = name
        self.email = email
        self.phone = phone
        self.channels = channels ?? Person.defaultChannels(email: email, phone: phone)
    }

    public func address(_ channel: Channel) -> String? {
        channel == .email ? email : phone
    }

    /// They lead the program on `date`: inside `from`...`until` and not away.
    public func isOnDuty(_ date: LocalDate) -> Bool {
        if let from, date < from { return false }
        if let until, date > until { return false }
        return !away.contains { $0.contains(date) }
    }
}

/// Whom people contact about the program (SPEC.md `contact`); by default its first leader.
public struct ProgramContact: Sendable, Hashable {
    public var name: String
    public var phone: String?
    public var email: String?

    public init(name: String, phone: String? = nil, email: String? = nil) {
        self.name = name
        self.phone = phone
        self.email = email
    }
}

/// Every rule setting of one program. A `nil` day count switches its rule off.
public struct ProgramSettings: Sendable, Hashable {
    public var id: String
    public var name: String
    public var preset: String
    public var language: Language = .da
    public var leaders: [Leader] = []
    /// Whom people contact; nil: the first leader.
    public var contact: ProgramContact?
    /// The evaluation form each fills in (SPEC.md `evaluationForm`); nil: the leader sends it.
    public var evaluationFormMentor: String?
    public var evaluationFormMentee: String?
    /// The mentee's first-meeting message carries the mentor's address or number (djoef, fki,
    /// where the mentee takes the first contact; SPEC.md `shareMentorContact`).
    public var shareMentorContact = false
    /// The program's own words and rules in its texts.
    public var wording = ProgramWording()

    /// The contact the texts name on `date`: `contact`, else the first leader on duty that day.
    public func contactPerson(on date: LocalDate) -> ProgramContact? {
        contact ?? leaders(on: date).first.map { ProgramContact(name: $0.name, phone: $0.phone, email: $0.email) }
    }

    /// Every name a text may give as the contact, whatever the day (for the SMS worst case).
    public var contactNames: [String] { contact.map { [$0.name] } ?? leaders.map(\.name) }

    /// The leaders on duty on `date`.
    public func leaders(on date: LocalDate) -> [Leader] { leaderIndices(on: date).map { leaders[$0] } }

    /// Who gets the leader messages of `date`, as indices into `leaders` (a message's key names the
    /// index, so it stays the same whoever else comes and goes). When nobody is on duty that day,
    /// alerts must not vanish: they go to the leaders who are on duty next (within a year), else to
    /// every leader. `uncoveredDays` warns of such days ahead of time.
    public func leaderIndices(on date: LocalDate) -> [Int] {
        for offset in 0...Self.coverSearchDays {
            let day = date.adding(days: offset)
            let onDuty = leaders.indices.filter { leaders[$0].isOnDuty(day) }
            if !onDuty.isEmpty { return onDuty }
        }
        return Array(leaders.indices)
    }

    static let coverSearchDays = 366

    /// The days from `date` on (`days` of them) on which no leader is on duty.
    public func uncoveredDays(from date: LocalDate, days: Int) -> [LocalDate] {
        guard !leaders.isEmpty else { return [] }
        return (0..<max(days, 0)).map { date.adding(days: $0) }.filter { day in !leaders.contains { $0.isOnDuty(day) } }
    }

    /// The planned length when `match` is given no `--end`.
    public var durationMonths: Int = 6
    public var eligibility = Eligibility()

    public var firstMeetingReminderDays: Int? = 7
    public var firstMeetingAlertDays: Int? = 14
    public var afterFirstMeeting: AfterFirstMeeting? = nil
    public var afterFirstMeetingDays: Int = 2
    /// Days after the first meeting by which the mentor agreement (fki) should be recorded, else
    /// the pair is on the leader's `attention` list.
    public var agreementDays: Int = 14
    /// Expected minutes of contact per month; nil for programs without a target.
    public var monthlyTargetMinutes: Int? = nil
    /// The target the monthly-hours rule holds a pair to: nil without one (a target of 0 is none).
    public var monthlyTarget: Int? { monthlyTargetMinutes.flatMap { $0 > 0 ? $0 : nil } }
    public var monthlyReminderDay: Int = 20
    public var contactNudgeDays: Int? = 21
    public var missedContactDays: Int? = 30
    public var evaluationEveryMonths: Int? = nil
    public var evaluationAtEnd: Bool = true
    public var evaluationReminderDays: Int = 7
    public var endNoticeDays: Int? = 30
    public var cafe: CafeSchedule? = nil
    public var cafeInviteDays: Int = 3
    public var meetingReminderDays: Int? = 1
    public var agendaReminderDays: Int? = nil
    /// How long a personal reminder (the wake-up SMS) is still worth sending after its time.
    public var recurringGraceMinutes: Int = 60

    public init(id: String, name: String? = nil, preset: String) {
        self.id = id
        self.name = name ?? id
        self.preset = preset
    }

    public static let presetNames = ["mentorshoppen", "djoef", "fki", "symb", "lab"]

    /// The defaults of DOMAIN.md for a preset, or nil for an unknown preset name.
    public static func preset(_ preset: String, id: String, name: String? = nil) -> ProgramSettings? {
        var settings = ProgramSettings(id: id, name: name, preset: preset)
        settings.wording = ProgramWording.preset(preset)
        switch preset {
        case "mentorshoppen":
            settings.durationMonths = 12
            settings.eligibility = Eligibility(
                menteeMinAge: 18, menteeMaxAge: 30, mentorOlderThan: 30, mentorCertificateRequired: true)
            settings.monthlyTargetMinutes = 240
            settings.evaluationEveryMonths = 3
            settings.cafe = nil  // the evening and place come from the program's "cafe" object
        case "djoef":
            settings.durationMonths = 3
            settings.afterFirstMeeting = .continue
            settings.shareMentorContact = true
            settings.agendaReminderDays = 2
        case "fki":
            settings.durationMonths = 6
            settings.afterFirstMeeting = .agreement
            settings.shareMentorContact = true
            settings.agendaReminderDays = 2
            settings.evaluationAtEnd = false
        case "symb":
            settings.durationMonths = 6
            settings.evaluationEveryMonths = 3
        case "lab":
            settings.durationMonths = 6
        default:
            return nil
        }
        return settings
    }
}

/// Settings shared by every program: the time zone and the send window.
public struct SchedulerSettings: Sendable {
    public var zone: Zone
    public var windowFrom: LocalTime
    public var windowTo: LocalTime
    public var programs: [String: ProgramSettings]
    /// Answers are read (replies configured): the café list has answers to count.
    public var repliesRead = false

    public init(
        zone: Zone = .copenhagen, windowFrom: LocalTime = LocalTime(hour: 9, minute: 0)!,
        windowTo: LocalTime = LocalTime(hour: 20, minute: 0)!, programs: [ProgramSettings]
    ) {
        self.zone = zone
        self.windowFrom = windowFrom
        self.windowTo = windowTo
        self.programs = Dictionary(programs.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The first moment inside the send window at or after a local moment.
    public func windowOpening(atOrAfter local: LocalDateTime) -> LocalDateTime {
        if local.time < windowFrom { return LocalDateTime(local.date, windowFrom) }
        if local.time >= windowTo { return LocalDateTime(local.date.adding(days: 1), windowFrom) }
        return local
    }

    public func isInWindow(_ local: LocalDateTime) -> Bool {
        local.time >= windowFrom && local.time < windowTo
    }
}
