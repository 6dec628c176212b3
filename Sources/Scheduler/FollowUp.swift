public import MentorModel

/// An event that a message invites to, for the calendar part of an email.
public struct CalendarEvent: Sendable, Hashable {
    public var uid: String
    public var start: LocalDateTime
    public var durationMinutes: Int
    public var summary: String
    public var place: String?
    /// RFC 5545 `SEQUENCE`: 0 until the event is moved.
    public var sequence = 0
    /// A cancellation (`METHOD:CANCEL`) rather than an invitation.
    public var cancels = false
    /// The token of the invitation the recipient already holds, so the `UID` is the one their
    /// calendar knows (nil: a new invitation, with its own token).
    public var token: String?

    public init(
        uid: String, start: LocalDateTime, durationMinutes: Int, summary: String, place: String?, sequence: Int = 0,
        cancels: Bool = false, token: String? = nil
    ) {
        self.uid = uid
        self.start = start
        self.durationMinutes = durationMinutes
        self.summary = summary
        self.place = place
        self.sequence = sequence
        self.cancels = cancels
        self.token = token
    }
}

/// One message the scheduler decides on: to whom, on which channels, from when and until when.
public struct FollowUp: Sendable, Hashable {
    // Who it goes to and its key are set together by the builder (`init(_:subject:period:to:…)`)
    // and never apart: a key naming someone other than who gets it would dedupe the wrong message.
    // The private setters make the memberwise initializer private too: the builder is the only way.
    public private(set) var rule: Rule
    /// With the channel it identifies one outbox row.
    public private(set) var key: MessageKey
    public private(set) var role: RecipientRole
    /// The person, or nil for a leader.
    public private(set) var recipient: Int64?
    /// Index into the program's leaders, for a leader message.
    public private(set) var leaderIndex: Int?
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

/// The one way a follow-up is addressed, for the scheduler's rules and for what the reply core
/// sends: the key's recipient part, the role, the person or leader it goes to and the greeting's
/// name are decided together here, so a key can never name someone other than who gets it.
extension FollowUp {
    /// Who a follow-up goes to.
    public enum Addressee: Sendable, Hashable {
        /// The mentor or mentee of the pair (or the person) the subject names: keyed by role.
        case pairMember(Role, Int64)
        /// A mentee by id, keyed `mentee-N` (the subject is a program).
        case mentee(Int64)
        /// Anyone by id, keyed `person-N`.
        case person(Int64)
        /// The program's leader by index, keyed `leader`, `leader-2`, ….
        case leader(Int)

        /// The person it goes to; nil for a leader.
        public var personID: Int64? {
            switch self {
            case .pairMember(_, let id), .mentee(let id), .person(let id): id
            case .leader: nil
            }
        }

        public var role: RecipientRole {
            switch self {
            case .pairMember(let role, _): role == .mentor ? .mentor : .mentee
            case .mentee: .mentee
            case .person: .person
            case .leader: .leader
            }
        }

        var keyRecipient: MessageKey.Recipient {
            switch self {
            case .pairMember(let role, _): .role(role)
            case .mentee(let id): .mentee(id)
            case .person(let id): .person(id)
            case .leader(let index): .leader(index)
            }
        }

        var leaderIndex: Int? {
            if case .leader(let index) = self { index } else { nil }
        }

        /// The key a follow-up of `rule` about `subject` to this addressee has: for looking up what
        /// was sent, built as the follow-up itself builds it.
        public func key(_ rule: Rule, subject: MessageKey.Subject, period: String) -> MessageKey {
            MessageKey(rule, subject: subject, recipient: keyRecipient, period: period)
        }
    }

    /// A follow-up of `rule` about `subject` to `addressee`, greeting them as `name` (the texts'
    /// `recipient`).
    public init(
        _ rule: Rule, subject: MessageKey.Subject, period: String, to addressee: Addressee, name: String,
        program: String, relationshipID: Int64?, channels: [Channel], notBefore: Int64, expiresAt: Int64?,
        inWindow: Bool, language: Language, variables: [String: String], event: CalendarEvent? = nil,
        allowedAfterEnd: Bool
    ) {
        var values = variables
        values["recipient"] = name
        self.init(
            rule: rule, key: MessageKey(rule, subject: subject, recipient: addressee.keyRecipient, period: period),
            role: addressee.role, recipient: addressee.personID, leaderIndex: addressee.leaderIndex, program: program,
            relationshipID: relationshipID, channels: channels, notBefore: notBefore, expiresAt: expiresAt,
            inWindow: inWindow, language: language, variables: values, event: event, allowedAfterEnd: allowedAfterEnd)
    }
}
