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

    public init(
        rule: Rule, key: String, role: RecipientRole, recipient: Int64?, leaderIndex: Int?, program: String,
        relationshipID: Int64?, channels: [Channel], notBefore: Int64, expiresAt: Int64?, inWindow: Bool,
        language: Language, variables: [String: String], event: CalendarEvent?, allowedAfterEnd: Bool
    ) {
        self.rule = rule
        self.key = key
        self.role = role
        self.recipient = recipient
        self.leaderIndex = leaderIndex
        self.program = program
        self.relationshipID = relationshipID
        self.channels = channels
        self.notBefore = notBefore
        self.expiresAt = expiresAt
        self.inWindow = inWindow
        self.language = language
        self.variables = variables
        self.event = event
        self.allowedAfterEnd = allowedAfterEnd
    }
}
