/// The two people of a forløb. Leaders are not people in the database: they live in the config.
public enum Role: String, Sendable, Hashable, CaseIterable, Codable {
    case mentor, mentee
}

/// How a message reaches a person.
public enum Channel: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case email, sms

    public static func < (lhs: Channel, rhs: Channel) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `channels` in order (`sorted()`), as one of three arrays made once: planning asks for every
    /// follow-up, and sorting a set allocates each time.
    public static func ordered(_ channels: Set<Channel>) -> [Channel] {
        switch (channels.contains(.email), channels.contains(.sms)) {
        case (true, true): orderedBoth
        case (true, false): orderedEmail
        case (false, true): orderedSMS
        case (false, false): []
        }
    }

    private static let orderedBoth: [Channel] = [.email, .sms]
    private static let orderedEmail: [Channel] = [.email]
    private static let orderedSMS: [Channel] = [.sms]

    /// Parses `email`, `sms`, `email,sms` or `email+sms`.
    public static func parseList(_ raw: String, field: String = "channels") throws(InputError) -> Set<Channel> {
        var result = Set<Channel>()
        for part in raw.split(whereSeparator: { $0 == "," || $0 == "+" }) {
            guard let channel = Channel(rawValue: part.trimmingSpaces().lowercased()) else {
                throw InputError(field, "'\(raw)' is not a channel list; use email, sms or email+sms")
            }
            result.insert(channel)
        }
        guard !result.isEmpty else { throw InputError(field, "is empty; use email, sms or email+sms") }
        return result
    }

    public static func format(_ channels: Set<Channel>) -> String {
        channels.sorted().map(\.rawValue).joined(separator: ",")
    }
}

/// The language of a person's messages.
public enum Language: String, Sendable, Hashable, CaseIterable, Codable {
    case da, en
}

public enum ContactKind: String, Sendable, Hashable, CaseIterable, Codable {
    case meeting, phone, video, other
}

public struct Person: Sendable, Hashable {
    public var id: Int64
    public var ref: String?
    public var role: Role
    /// Nil once the person is forgotten.
    public var name: String?
    public var email: String?
    public var phone: String?
    public var birthdate: LocalDate?
    /// Date of the mentor's criminal-record / child certificate (straffe- og børneattest).
    public var certificate: LocalDate?
    public var channels: Set<Channel>
    public var language: Language
    public var optedOut: Set<Channel>
    /// One program's messages on one channel stopped (the unsubscribe link in an email).
    public var programOptOuts: Set<ProgramOptOut> = []
    public var forgotten: Bool

    public init(
        id: Int64, ref: String? = nil, role: Role, name: String?, email: String? = nil, phone: String? = nil,
        birthdate: LocalDate? = nil, certificate: LocalDate? = nil, channels: Set<Channel>,
        language: Language = .da, optedOut: Set<Channel> = [], forgotten: Bool = false
    ) {
        self.id = id
        self.ref = ref
        self.role = role
        self.name = name
        self.email = email
        self.phone = phone
        self.birthdate = birthdate
        self.certificate = certificate
        self.channels = channels
        self.language = language
        self.optedOut = optedOut
        self.forgotten = forgotten
    }

    /// The address on a channel, nil when the person has none.
    public func address(_ channel: Channel) -> String? {
        switch channel {
        case .email: return email
        case .sms: return phone
        }
    }

    /// What a person gets when `--channels` is left out: email with an address, else SMS.
    public static func defaultChannels(email: String?, phone: String?) -> Set<Channel> {
        email != nil ? [.email] : (phone != nil ? [.sms] : [.email])
    }
}

/// A forløb: one mentor and one mentee in one program, from a start date to a planned end.
public struct Relationship: Sendable, Hashable {
    public var id: Int64
    public var mentorID: Int64
    public var menteeID: Int64
    public var program: String
    public var start: LocalDate
    /// The planned end E; an extension moves it.
    public var plannedEnd: LocalDate
    /// Set when the forløb was ended (by `end`, or closed by the cycle at E).
    public var endedOn: LocalDate?
    public var endReason: EndReason?
    /// Kept up to date by triggers on `contact`, so a cycle reads one row per forløb.
    public var firstContact: LocalDate?
    public var lastContact: LocalDate?

    public init(
        id: Int64, mentorID: Int64, menteeID: Int64, program: String, start: LocalDate, plannedEnd: LocalDate,
        endedOn: LocalDate? = nil, endReason: EndReason? = nil, firstContact: LocalDate? = nil,
        lastContact: LocalDate? = nil
    ) {
        self.id = id
        self.mentorID = mentorID
        self.menteeID = menteeID
        self.program = program
        self.start = start
        self.plannedEnd = plannedEnd
        self.endedOn = endedOn
        self.endReason = endReason
        self.firstContact = firstContact
        self.lastContact = lastContact
    }

    /// The day the forløb ends: the earlier of a recorded end and the planned end.
    public var effectiveEnd: LocalDate {
        guard let endedOn else { return plannedEnd }
        return min(endedOn, plannedEnd)
    }

    /// Active on a date: started, and not yet at its end.
    public func isActive(on date: LocalDate) -> Bool {
        start <= date && date < effectiveEnd
    }

    /// Whether the monthly-hours rule holds the pair to its target in `month`: when it was active on
    /// the 1st (a pair that starts mid-month is not judged on that month).
    public func countsTowardTarget(in month: YearMonth) -> Bool {
        isActive(on: month.firstDay)
    }
}

public struct Contact: Sendable, Hashable {
    public var relationshipID: Int64
    public var date: LocalDate
    public var minutes: Int
    public var kind: ContactKind

    public init(relationshipID: Int64, date: LocalDate, minutes: Int, kind: ContactKind = .meeting) {
        self.relationshipID = relationshipID
        self.date = date
        self.minutes = minutes
        self.kind = kind
    }
}

public struct Meeting: Sendable, Hashable {
    public var id: Int64
    public var relationshipID: Int64
    public var at: LocalDateTime
    public var place: String?
    /// How often it was moved: the `SEQUENCE` of its calendar event (RFC 5545).
    public var sequence = 0
    /// Cancelled: no reminder, and those invited get a cancellation.
    public var cancelled = false
    /// The time it had before each move, by the `SEQUENCE` the move gave it.
    public var movedFrom: [Int: LocalDateTime] = [:]

    public init(
        id: Int64, relationshipID: Int64, at: LocalDateTime, place: String? = nil, sequence: Int = 0,
        cancelled: Bool = false
    ) {
        self.id = id
        self.relationshipID = relationshipID
        self.at = at
        self.place = place
        self.sequence = sequence
        self.cancelled = cancelled
    }

    /// The calendar `UID` its invitations carry (before a recipient's token).
    public var eventUID: String { "meeting-\(id)@mentor-notify" }

    /// Its time while its `SEQUENCE` was `sequence`: what the next move moved it from.
    public func time(atSequence sequence: Int) -> LocalDateTime {
        movedFrom.filter { $0.key > sequence }.min { $0.key < $1.key }?.value ?? at
    }
}

public struct Evaluation: Sendable, Hashable {
    public var relationshipID: Int64
    public var by: Role
    public var date: LocalDate

    public init(relationshipID: Int64, by: Role, date: LocalDate) {
        self.relationshipID = relationshipID
        self.by = by
        self.date = date
    }
}

/// A one-off café evening (recurring ones come from the config).
public struct CafeEvening: Sendable, Hashable {
    public var id: Int64
    public var program: String
    public var at: LocalDateTime
    public var place: String?

    public init(id: Int64, program: String, at: LocalDateTime, place: String? = nil) {
        self.id = id
        self.program = program
        self.at = at
        self.place = place
    }
}

/// A personal recurring reminder, e.g. the wake-up SMS at 07:00 on weekdays.
public struct PersonalReminder: Sendable, Hashable {
    public var id: Int64
    public var personID: Int64
    public var time: LocalTime
    /// ISO weekdays, 1 = Monday ... 7 = Sunday.
    public var weekdays: Set<Int>
    public var text: String
    public var until: LocalDate?
    /// Sent on public holidays, 24 and 31 December too (else skipped: `DanishHolidays`).
    public var onHolidays = false
    /// Not sent from `pausedFrom` through `pausedUntil`.
    public var pausedFrom: LocalDate?
    public var pausedUntil: LocalDate?
    /// Stopped by a leader: never sent again.
    public var stopped = false

    public init(
        id: Int64, personID: Int64, time: LocalTime, weekdays: Set<Int>, text: String, until: LocalDate?,
        onHolidays: Bool = false
    ) {
        self.id = id
        self.personID = personID
        self.time = time
        self.weekdays = weekdays
        self.text = text
        self.until = until
        self.onHolidays = onHolidays
    }

    /// Whether it goes out on `day` as far as its own settings say (its person's forløb aside).
    public func sends(on day: LocalDate) -> Bool {
        guard !stopped, weekdays.contains(day.weekday), until.map({ day <= $0 }) ?? true else { return false }
        if let from = pausedFrom, let to = pausedUntil, day >= from, day <= to { return false }
        return onHolidays || DanishHolidays.dayOff(day) == nil
    }

    public static func parseWeekdays(_ raw: String) throws(InputError) -> Set<Int> {
        var days = Set<Int>()
        for part in raw.split(separator: ",") {
            guard let day = LocalDate.weekday(named: String(part)) else {
                throw InputError("days", "'\(part)' is not a weekday; use mon,tue,wed,thu,fri,sat,sun")
            }
            days.insert(day)
        }
        guard !days.isEmpty else { throw InputError("days", "no weekdays given; use e.g. mon,tue,wed,thu,fri") }
        return days
    }

    public static func formatWeekdays(_ days: Set<Int>) -> String {
        days.sorted().map { String(LocalDate.weekdayNames[$0 - 1].prefix(3)) }.joined(separator: ",")
    }
}

/// An invitation that went out: to whom, and the token in the `UID` their calendar holds, and the
/// highest `SEQUENCE` they were sent.
public struct SentInvitation: Sendable, Hashable {
    public var recipient: Int64
    public var role: RecipientRole
    public var token: String?
    public var sequence: Int

    public init(recipient: Int64, role: RecipientRole, token: String?, sequence: Int) {
        self.recipient = recipient
        self.role = role
        self.token = token
        self.sequence = sequence
    }
}

extension CafeEvening {
    /// The calendar `UID` of an evening's invitations (before a recipient's token).
    public static func eventUID(program: String, at start: LocalDateTime) -> String {
        "cafe-\(program)-\(start)@mentor-notify"
    }
}

/// How answers to a café evening are filed: by program and start.
public enum CafeAnswers {
    public static func key(program: String, at start: LocalDateTime) -> String { "\(program)|\(start)" }
}

/// A person stopped one program's messages on one channel.
public struct ProgramOptOut: Sendable, Hashable {
    public var program: String
    public var channel: Channel

    public init(program: String, channel: Channel) {
        self.program = program
        self.channel = channel
    }
}

/// How someone opted out or back in: an unsubscribe link, a reply ("stop", "start"), the leader
/// with `person opt-out` / `person opt-in`, or a complaint (the person marked our email as spam).
public enum OptOutRoute: String, Sendable, Hashable, CaseIterable {
    case link, reply, leader, complaint

    /// A link and a complaint stop the one program whose email they are about; a reply and the
    /// leader stop the whole channel.
    public var stopsOneProgram: Bool { self == .link || self == .complaint }
}

/// An opt-out or opt-in, for the leader's digest. No text: who, where, how and when.
public struct OptOutEvent: Sendable, Hashable {
    public var personID: Int64
    /// Nil when it was the whole channel (a reply or the leader), not one program.
    public var program: String?
    public var channel: Channel
    public var optedOut: Bool
    public var via: OptOutRoute
    public var at: Int64

    public init(personID: Int64, program: String?, channel: Channel, optedOut: Bool, via: OptOutRoute, at: Int64) {
        self.personID = personID
        self.program = program
        self.channel = channel
        self.optedOut = optedOut
        self.via = via
        self.at = at
    }
}

/// A message that came in and could not be read, for the leaders' digest: when, and where it is.
public struct UnreadableMail: Sendable, Hashable {
    public var at: Int64
    /// Moved to `folder` (the unreadable folder), or left in it (the replies folder) because even
    /// the move failed.
    public var moved: Bool
    public var folder: String

    public init(at: Int64, moved: Bool, folder: String) {
        self.at = at
        self.moved = moved
        self.folder = folder
    }

    /// How `inbound.detail` says it: `moved to FOLDER` or `left in FOLDER`.
    public var detail: String { (moved ? "moved to " : "left in ") + folder }

    public init?(at: Int64, detail: String) {
        for (prefix, moved) in [("moved to ", true), ("left in ", false)] where detail.hasPrefix(prefix) {
            self.init(at: at, moved: moved, folder: String(detail.dropFirst(prefix.count)))
            return
        }
        return nil
    }
}
