public import MentorModel

/// A failed message to a mentor or mentee, not yet reported to the leader.
public struct DeliveryFailure: Sendable, Hashable {
    public var outboxID: Int64
    public var program: String
    public var rule: Rule
    public var role: RecipientRole
    public var recipient: Int64?
    public var channel: Channel
    public var reason: String

    public init(
        outboxID: Int64, program: String, rule: Rule, role: RecipientRole, recipient: Int64?, channel: Channel,
        reason: String
    ) {
        self.outboxID = outboxID
        self.program = program
        self.rule = rule
        self.role = role
        self.recipient = recipient
        self.channel = channel
        self.reason = reason
    }
}

/// A channel that cannot deliver now (its server is down or refuses us), with the messages
/// waiting on it per program: their leaders are told once per outage, on another channel.
public struct HeldChannel: Sendable, Hashable {
    public var channel: Channel
    public var since: Int64
    public var reason: String
    public var waitingByProgram: [String: Int]

    public init(channel: Channel, since: Int64, reason: String, waitingByProgram: [String: Int]) {
        self.channel = channel
        self.since = since
        self.reason = reason
        self.waitingByProgram = waitingByProgram
    }
}

/// Everything the rules look at, read from the store in one snapshot. Values only.
public struct SchedulerState: Sendable {
    public var relationships: [Relationship]
    public var people: PeopleIndex
    /// Minutes logged per forløb in the month of `now` and in the month before it.
    public var minutesThisMonth: [Int64: Int]
    public var minutesLastMonth: [Int64: Int]
    public var meetings: [Meeting]
    public var evaluations: [Int64: [Evaluation]]
    public var cafes: [CafeEvening]
    public var reminders: [PersonalReminder]
    public var failures: [DeliveryFailure]
    public var heldChannels: [HeldChannel] = []
    /// The moment the last cycle acted for: what fell due and went stale since then (downtime) is
    /// reported as stale instead of silently dropped. Nil on the first cycle.
    public var lastCycle: Int64?
    /// The `evaluation` requests that went out, with when each first went: a reminder never goes
    /// without its request, and follows it by the program's reminder days; a request that went,
    /// with no row of it still waiting, is not planned again.
    public var sentEvaluations = SentEvaluations()
    /// The keys of `first-meeting` reminders that went out: the leader's alert says which did.
    public var sentFirstMeetings: Set<String> = []
    /// Mentees' answers to café invitations, by evening (`CafeAnswers.key`): person → yes.
    public var cafeAnswers: [String: [Int64: Bool]] = [:]
    /// Invitations (messages with a calendar part) that went out, by event `UID`: a moved or
    /// cancelled event's update goes to the same people, under the `UID` their calendar knows.
    public var invitations: [String: [SentInvitation]] = [:]
    /// Of `Scheduler.smsAnnouncementKeys`, those that went out by SMS: who was told of a moved or
    /// cancelled event's earlier time by SMS hears of the change by SMS too.
    public var sentBySMS: Set<String> = []
    /// Café evenings a leader cancelled: no invitation, and a cancellation to
    /// those already invited.
    public var cancelledCafes: [CafeEvening] = []
    /// Opt-outs and opt-ins of the month before `now`, for the leader's monthly digest.
    public var optOutsLastMonth: [OptOutEvent] = []
    /// Replies of the month before `now` that could not be read, for every program's digest.
    public var unreadableLastMonth: [UnreadableMail] = []

    public init(
        relationships: [Relationship] = [], people: PeopleIndex = [:], minutesThisMonth: [Int64: Int] = [:],
        minutesLastMonth: [Int64: Int] = [:], meetings: [Meeting] = [], evaluations: [Int64: [Evaluation]] = [:],
        cafes: [CafeEvening] = [], reminders: [PersonalReminder] = [], failures: [DeliveryFailure] = []
    ) {
        self.relationships = relationships
        self.people = people
        self.minutesThisMonth = minutesThisMonth
        self.minutesLastMonth = minutesLastMonth
        self.meetings = meetings
        self.evaluations = evaluations
        self.cafes = cafes
        self.reminders = reminders
        self.failures = failures
    }
}
