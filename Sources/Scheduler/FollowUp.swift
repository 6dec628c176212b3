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
    /// What its texts may name: made when a text is rendered (see `TextVariables`).
    private var texts: TextVariables
    /// Boxed: few follow-ups have one, and held inline it made every follow-up of a plan (75,000 on
    /// the benchmark, moved as the plan grows and is put in order) larger by half.
    private var eventBox: EventBox?
    /// May still go out after the forløb ended (the closing message, the final evaluation).
    public var allowedAfterEnd: Bool

    /// What the message invites to, for the calendar part of an email.
    public var event: CalendarEvent? {
        get { eventBox?.event }
        set { eventBox = newValue.map(EventBox.init) }
    }

    /// The values its texts may name, `recipient` (the greeting's name) among them.
    public var variables: [String: String] {
        get { texts.values }
        set { texts = TextVariables(own: newValue) }
    }
}

/// A follow-up's event, held apart; equal when the events are.
final class EventBox: Sendable, Hashable {
    let event: CalendarEvent

    init(_ event: CalendarEvent) { self.event = event }

    static func == (lhs: EventBox, rhs: EventBox) -> Bool { lhs.event == rhs.event }

    func hash(into hasher: inout Hasher) { hasher.combine(event) }
}

/// The values a follow-up's texts may name, kept as the pieces they are made of until a text is
/// rendered: a cycle plans every due follow-up but renders only those not yet in the outbox, and
/// `plan` renders none, so a dictionary of a dozen strings per follow-up planned was mostly waste.
/// Equal when the values they make are equal.
struct TextVariables: Sendable, Hashable {
    /// What every follow-up of one decision shares: the program, whom to contact, the pair.
    final class Shared: Sendable {
        let program: String
        let contact: ProgramContact?
        /// The forløb it is about, and its mentor's and mentee's names ("" when erased).
        let pair: (id: Int64, mentor: String, mentee: String)?

        init(program: String, contact: ProgramContact?, pair: (id: Int64, mentor: String, mentee: String)?) {
            self.program = program
            self.contact = contact
            self.pair = pair
        }
    }

    /// The rule's own values (or every value, once set whole).
    var own: [String: String]
    var shared: Shared? = nil
    /// The greeting's name, who reads it, and in which language (how an erased name is said).
    var recipient: String? = nil
    var reader = RecipientRole.person
    var language = Language.da

    var values: [String: String] {
        var values = own
        if let shared {
            values.reserveCapacity(own.count + 10)
            values["program"] = shared.program
            if let contact = shared.contact {
                values["contact"] = contact.name
                values["contactPhone"] = contact.phone ?? ""
                values["contactEmail"] = contact.email ?? ""
            }
            if let pair = shared.pair {
                values["relationship"] = String(pair.id)
                // People who know each other are named by first name; a forgotten person has no name,
                // and the texts about them still read ("din mentor").
                for (role, name) in [("mentor", pair.mentor), ("mentee", pair.mentee)] {
                    let said = name.isEmpty ? Planner.unnamed(role, for: reader, language: language) : name
                    values[role] = said
                    values[role + "First"] = name.isEmpty ? said : PersonName.first(name)
                }
            }
        }
        if let recipient { values["recipient"] = recipient }
        return values
    }

    static func == (lhs: TextVariables, rhs: TextVariables) -> Bool { lhs.values == rhs.values }

    func hash(into hasher: inout Hasher) { hasher.combine(values) }
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
        self.init(
            rule, subject: subject, period: period, to: addressee, name: name, program: program,
            relationshipID: relationshipID, channels: channels, notBefore: notBefore, expiresAt: expiresAt,
            inWindow: inWindow, language: language, variables: variables, shared: nil, event: event,
            allowedAfterEnd: allowedAfterEnd)
    }

    /// The same, with the values shared by every follow-up of one decision kept as they are.
    init(
        _ rule: Rule, subject: MessageKey.Subject, period: String, to addressee: Addressee, name: String,
        program: String, relationshipID: Int64?, channels: [Channel], notBefore: Int64, expiresAt: Int64?,
        inWindow: Bool, language: Language, variables: [String: String], shared: TextVariables.Shared?,
        event: CalendarEvent?, allowedAfterEnd: Bool
    ) {
        let texts = TextVariables(
            own: variables, shared: shared, recipient: name, reader: addressee.role, language: language)
        self.init(
            rule: rule, key: MessageKey(rule, subject: subject, recipient: addressee.keyRecipient, period: period),
            role: addressee.role, recipient: addressee.personID, leaderIndex: addressee.leaderIndex, program: program,
            relationshipID: relationshipID, channels: channels, notBefore: notBefore, expiresAt: expiresAt,
            inWindow: inWindow, language: language, texts: texts, eventBox: event.map(EventBox.init),
            allowedAfterEnd: allowedAfterEnd)
    }
}
