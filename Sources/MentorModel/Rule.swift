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
    /// What a reply was understood as, to the person who sent it.
    case replyConfirmation = "reply-confirmation"
    /// A reply the program could not act on, to the program's leaders.
    case replyForward = "reply-forward"
    /// A djoef pair's "no" to continuing, to the leaders at once.
    case noContinue = "no-continue"
    /// The café evening's answers, to the leaders at noon on the day.
    case cafeRsvp = "cafe-rsvp"
    /// A moved meeting's updated invitation (same `UID`, `SEQUENCE`+1) to those invited, an SMS
    /// to those told of it by SMS.
    case meetingUpdate = "meeting-update"
    /// A cancelled meeting's `METHOD:CANCEL` to those invited, an SMS to those told by SMS.
    case meetingCancel = "meeting-cancel"
    /// A cancelled café evening's `METHOD:CANCEL` to the mentees invited, an SMS to those invited by SMS.
    case cafeCancel = "cafe-cancel"
    /// A leader's sign-in link to the desk: by email, at once, outside the send window, never
    /// through the outbox (only the link's hash is stored).
    case deskLogin = "desk-login"

    /// Who receives messages of this rule.
    public var roles: [RecipientRole] {
        switch self {
        case .firstMeeting, .afterFirstMeeting, .evaluation, .evaluationReminder, .end, .meetingReminder,
            .meetingUpdate, .meetingCancel:
            return [.mentor, .mentee]
        case .endNotice: return [.mentor, .mentee, .leader]
        case .firstMeetingOverdue, .monthlyDigest, .missedContact, .deliveryFailed, .replyForward, .noContinue,
            .cafeRsvp, .deskLogin:
            return [.leader]
        case .replyConfirmation: return [.mentor, .mentee]
        case .monthlyHours, .contactNudge: return [.mentor]
        case .cafeInvite, .agendaReminder, .cafeCancel: return [.mentee]
        case .recurring: return [.person]
        }
    }

    /// The template variables this rule provides, beyond the common ones.
    public var variables: Set<String> {
        switch self {
        // The mentor's address and number: only where the program shares them (`shareMentorContact`).
        case .firstMeeting: return ["start", "days", "mentorEmail", "mentorPhone"]
        // Which of the pair's reminders went: one of the four is set.
        case .firstMeetingOverdue:
            return Self.pairContact.union([
                "start", "days", "remindedBoth", "remindedMentorOnly", "remindedMenteeOnly", "remindedNeither",
            ])
        case .afterFirstMeeting: return ["date", "variant"]
        // `noContact`: none logged yet that month (HumanDates sets it from `minutes`).
        case .monthlyHours: return ["month", "minutes", "target", "missing", "noContact"]
        case .monthlyDigest: return ["month", "count", "lines", "optOuts", "unreadable"]
        case .contactNudge: return ["days", "date"]
        case .missedContact: return Self.pairContact.union(["days", "date"])
        case .evaluation, .evaluationReminder: return ["date", "final", "formMentor", "formMentee"]
        case .endNotice, .end: return ["end"]
        case .cafeInvite, .meetingReminder, .agendaReminder, .meetingCancel, .cafeCancel:
            return ["date", "time", "place"]
        // The time it moved from, where it was announced.
        case .meetingUpdate: return ["date", "time", "place", "oldDate", "oldTime"]
        case .recurring: return ["text"]
        case .deliveryFailed: return ["count", "lines", "emailDown", "smsDown", "reason"]
        case .replyConfirmation: return ReplyConfirmation.variables
        case .replyForward: return ["sender", "channel", "about", "text", "date", "unverified", "address", "more"]
        case .noContinue: return Self.pairContact.union(["by"])
        case .cafeRsvp: return ["date", "time", "yes", "yesCount", "noCount", "silentCount"]
        case .deskLogin: return ["link", "minutes"]
        }
    }

    /// The channels its messages go by: a sign-in link goes to the address the leader signs in
    /// with, by email only.
    public var channels: [Channel] {
        self == .deskLogin ? [.email] : Channel.allCases
    }

    /// The leader's alerts that ask them to contact the pair: each carries both people's numbers and
    /// addresses (the leader may always see them), so "contact them" says how.
    public var asksLeaderToContactPair: Bool {
        self == .firstMeetingOverdue || self == .missedContact || self == .noContinue
    }

    /// The pair's numbers and addresses, set (empty where unknown) for `asksLeaderToContactPair`.
    static let pairContact: Set<String> = ["mentorPhone", "mentorEmail", "menteePhone", "menteeEmail"]

    /// Variables every message can use. `replies` is set when answers are read (the texts that
    /// invite one say what to answer only then).
    public static let commonVariables: Set<String> = [
        "recipient", "program", "mentor", "mentee", "mentorFirst", "menteeFirst", "relationship", "replies",
        "contact", "contactPhone", "contactEmail", "single",
    ]

    /// What a program's own words give every text (`ProgramWording`, set by its preset).
    public static let programVariables: Set<String> = [
        "leaderTitle", "menteeTakesContact", "jointFirstMeeting", "volunteers", "tellOtherFirst", "problemsAtOnce",
        "answersStay", "finalEvaluation",
    ]

    /// Rules whose messages may still go out after the forløb has ended. A meeting's cancellation
    /// closes what was announced, as the closing message does: who was invited must hear of it.
    public var allowedAfterEnd: Bool {
        switch self {
        case .end, .evaluation, .evaluationReminder, .monthlyDigest, .deliveryFailed, .recurring, .replyConfirmation,
            .replyForward, .noContinue, .meetingCancel:
            return true
        default: return false
        }
    }

    /// Queued by the reply core when an answer comes in, not planned by the scheduler: a cycle
    /// must not withdraw them as no longer due.
    public var answersAReply: Bool {
        self == .replyConfirmation || self == .replyForward || self == .noContinue
    }
}

/// The variables of `reply-confirmation`: one section per thing understood.
public enum ReplyConfirmation {
    public static let variables: Set<String> = [
        "hours", "month", "yes", "no", "date", "continueYes", "continueNo", "agreement", "evaluated", "stopped",
        "started", "forwarded", "channelName",
    ]
}

/// Who a message is for: one of the pair, a program leader, or a person on their own (reminders).
public enum RecipientRole: String, Sendable, Hashable, Codable {
    case mentor, mentee, leader, person
}

// Written as SPEC.md names them wherever they are interpolated: in keys, texts, logs.
extension Rule: CustomStringConvertible {
    public var description: String { rawValue }
}

extension RecipientRole: CustomStringConvertible {
    public var description: String { rawValue }
}

/// A list in a message (the leader's digest, the failed messages) travels as records of fields,
/// one a line, and is written out in the reader's language by the texts.
public enum TextLines {
    static let separator: Character = "\u{1F}"

    public static func record(_ fields: [String]) -> String {
        fields.map { $0.replacingLineBreaks() }.joined(separator: String(separator))
    }

    public static func records(_ text: String) -> [[String]] {
        text.split(separator: "\n").map {
            $0.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
        }
    }
}

extension String {
    fileprivate func replacingLineBreaks() -> String {
        // Most fields hold no line break: looking at the bytes is enough to know (every line break
        // and the separator starts with one of these bytes), without breaking the text into characters.
        let starts: ClosedRange<UInt8> = 0x0A...0x0D
        guard utf8.contains(where: { starts.contains($0) || $0 == 0x1F || $0 == 0xC2 || $0 == 0xE2 }) else {
            return self
        }
        return String(map { $0.isNewline || $0 == TextLines.separator ? " " : $0 })
    }
}
