public import MentorStore

/// The rule names of SPEC.md, used in keys, templates and the outbox.
public enum Rule: String, Sendable, Hashable, CaseIterable, Codable {
    case firstMeeting = "first-meeting"
    case firstMeetingOverdue = "first-meeting-overdue"
    case afterFirstMeeting = "after-first-meeting"
    case monthlyHours = "monthly-hours"
    case monthlyDigest = "monthly-digest"
    case contactNudge = "contact-nudge"
    case missedContact = "missed-contact"
    case evaluation = "evaluation"
    case evaluationReminder = "evaluation-reminder"
    case endNotice = "end-notice"
    case end = "end"
    case cafeInvite = "cafe-invite"
    case meetingReminder = "meeting-reminder"
    case agendaReminder = "agenda-reminder"
    case recurring = "recurring"
    case deliveryFailed = "delivery-failed"

    /// Who receives messages of this rule.
    public var roles: [RecipientRole] {
        switch self {
        case .firstMeeting, .afterFirstMeeting, .evaluation, .evaluationReminder, .end, .meetingReminder:
            return [.mentor, .mentee]
        case .endNotice: return [.mentor, .mentee, .leader]
        case .firstMeetingOverdue, .monthlyDigest, .missedContact, .deliveryFailed: return [.leader]
        case .monthlyHours, .contactNudge: return [.mentor]
        case .cafeInvite, .agendaReminder: return [.mentee]
        case .recurring: return [.person]
        }
    }

    /// The template variables this rule provides, beyond the common ones.
    public var variables: Set<String> {
        switch self {
        case .firstMeeting, .firstMeetingOverdue: return ["start", "days"]
        case .afterFirstMeeting: return ["date", "variant"]
        case .monthlyHours: return ["month", "minutes", "target", "missing"]
        case .monthlyDigest: return ["month", "count", "lines"]
        case .contactNudge, .missedContact: return ["days", "date"]
        case .evaluation, .evaluationReminder: return ["date", "final"]
        case .endNotice, .end: return ["end"]
        case .cafeInvite, .meetingReminder, .agendaReminder: return ["date", "time", "place"]
        case .recurring: return ["text"]
        case .deliveryFailed: return ["count", "lines", "emailDown", "smsDown", "reason"]
        }
    }

    /// Variables every message can use.
    public static let commonVariables: Set<String> = ["recipient", "program", "mentor", "mentee", "relationship"]

    /// Rules whose messages may still go out after the forløb has ended.
    public var allowedAfterEnd: Bool {
        switch self {
        case .end, .evaluation, .evaluationReminder, .monthlyDigest, .deliveryFailed, .recurring: return true
        default: return false
        }
    }
}

/// Who a message is for: one of the pair, a program leader, or a person on their own (reminders).
public enum RecipientRole: String, Sendable, Hashable, Codable {
    case mentor, mentee, leader, person
}

/// An event that a message invites to, for the calendar part of an email.
public struct CalendarEvent: Sendable, Hashable {
    public var uid: String
    public var start: LocalDateTime
    public var durationMinutes: Int
    public var summary: String
    public var place: String?

    public init(uid: String, start: LocalDateTime, durationMinutes: Int, summary: String, place: String?) {
        self.uid = uid
        self.start = start
        self.durationMinutes = durationMinutes
        self.summary = summary
        self.place = place
    }
}

/// One message the scheduler decides on: to whom, on which channels, from when and until when.
public struct FollowUp: Sendable, Hashable {
    public var rule: Rule
    /// `RULE:SUBJECT:RECIPIENT:PERIOD`; with the channel it identifies one outbox row.
    public var key: String
    public var role: RecipientRole
    /// The person, or nil for a leader.
    public var recipient: Int64?
    /// Index into the program's leaders, for a leader message.
    public var leaderIndex: Int?
    public var program: String
    public var relationshipID: Int64?
    public var channels: [Channel]
    /// Seconds since the epoch: not before this (inside the send window unless `inWindow` is false).
    public var notBefore: Int64
    /// Seconds since the epoch after which the message is worthless; nil: never.
    public var expiresAt: Int64?
    public var inWindow: Bool
    public var language: Language
    public var variables: [String: String]
    public var event: CalendarEvent?
    /// May still go out after the forløb ended (the closing message, the final evaluation).
    public var allowedAfterEnd: Bool
}
