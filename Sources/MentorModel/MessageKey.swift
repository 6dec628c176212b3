/// The dedupe key of a message, `RULE:SUBJECT:RECIPIENT:PERIOD` (SPEC.md "The outbox"): with the
/// channel it identifies one outbox row, and a message planned again under the same key is not sent
/// again. Keys are stored: what `description` renders must stay byte for byte what earlier versions
/// wrote, or messages already sent would go out a second time.
///
/// The period is the rest of the key, colons and all (a reply's inbound key holds colons); the
/// other parts never hold one (program ids are simple names, the rest are numbers and words).
public struct MessageKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rule: Rule
    public let subject: Subject
    public let recipient: Recipient
    public let period: String
    /// The stored string, rendered once: a plan sorts, compares and hashes keys many times.
    public let description: String

    public init(_ rule: Rule, subject: Subject, recipient: Recipient, period: String) {
        self.rule = rule
        self.subject = subject
        self.recipient = recipient
        self.period = period
        description = MessageKey.joined(rule.rawValue, subject.description, recipient.description, period)
    }

    /// `a:b:c:d` written in one allocation: interpolation goes through each part's description
    /// generically and grows the text piece by piece, for every one of the keys a plan makes.
    private static func joined(_ a: String, _ b: String, _ c: String, _ d: String) -> String {
        let count = a.utf8.count + b.utf8.count + c.utf8.count + d.utf8.count + 3
        return String(unsafeUninitializedCapacity: count) { buffer in
            var at = 0
            func put(_ part: String) {
                var part = part
                part.withUTF8 { bytes in
                    guard let source = bytes.baseAddress, let target = buffer.baseAddress else { return }
                    (target + at).initialize(from: source, count: bytes.count)
                    at += bytes.count
                }
            }
            func colon() {
                buffer[at] = UInt8(ascii: ":")
                at += 1
            }
            put(a)
            colon()
            put(b)
            colon()
            put(c)
            colon()
            put(d)
            return at
        }
    }

    /// What the message is about: a forløb, a program, a person, a reminder, an outage.
    public struct Subject: Sendable, Hashable, CustomStringConvertible {
        public let description: String

        /// A stored subject as it is: nil when empty or holding a colon.
        public init?(_ text: some StringProtocol) {
            guard !text.isEmpty, !text.contains(":") else { return nil }
            description = String(text)
        }

        private init(known: String) { description = known }

        public static func forloeb(_ id: Int64) -> Subject { Subject(known: String(id)) }
        /// A program id: a simple name (letters, digits, `-` and `_`), checked when the config is read.
        public static func program(_ id: String) -> Subject { Subject(known: id) }
        public static func reminder(_ id: Int64) -> Subject { Subject(known: String(id)) }
        /// `person-N`: what a reply's forward or confirmation is about; `forget` erases by it.
        public static func person(_ id: Int64) -> Subject { Subject(known: "person-\(id)") }
        /// A program's messages held on a channel that is down (`PROGRAM-email-down`).
        public static func outage(program: String, channel: Channel) -> Subject {
            Subject(known: "\(program)-\(channel.rawValue)-down")
        }
    }

    /// Who the message goes to, as the key names them.
    public enum Recipient: Sendable, Hashable, CustomStringConvertible {
        /// `mentor`, `mentee`: one of the pair the subject names.
        case role(Role)
        /// `mentee-N`: a mentee by id (café evenings, whose subject is the program).
        case mentee(Int64)
        /// `person-N`: anyone by id (personal reminders).
        case person(Int64)
        /// `leader`, `leader-2`, …: the program's leader by index (0 is `leader`).
        case leader(Int)

        public var description: String {
            switch self {
            case .role(let role): role.rawValue
            case .mentee(let id): "mentee-\(id)"
            case .person(let id): "person-\(id)"
            case .leader(let index): RecipientRole.leader.rawValue + (index == 0 ? "" : "-\(index + 1)")
            }
        }

        /// Only the canonical spelling: "leader-1", "person-007" or "mentee-" would not render back.
        public init?(_ text: some StringProtocol) {
            if let role = Role(rawValue: String(text)) {
                self = .role(role)
                return
            }
            if text == RecipientRole.leader.rawValue {
                self = .leader(0)
                return
            }
            guard let dash = text.firstIndex(of: "-") else { return nil }
            let number = text[text.index(after: dash)...]
            guard let id = Int64(number), String(id) == number else { return nil }
            switch text[..<dash] {
            case "mentee": self = .mentee(id)
            case "person": self = .person(id)
            case "leader" where id >= 2: self = .leader(Int(id) - 1)
            default: return nil
            }
        }
    }

    /// Why a stored string is not a key.
    public enum Malformed: Error, Equatable, Sendable, CustomStringConvertible {
        /// Fewer than four colon-separated parts.
        case tooFewParts(String)
        case unknownRule(String)
        case badSubject(String)
        case unknownRecipient(String)

        public var description: String {
            switch self {
            case .tooFewParts(let key): "'\(key)' is not RULE:SUBJECT:RECIPIENT:PERIOD"
            case .unknownRule(let rule): "'\(rule)' is no rule of this version"
            case .badSubject(let subject): "the subject '\(subject)' is empty"
            case .unknownRecipient(let recipient):
                "'\(recipient)' is no recipient (mentor, mentee, leader, leader-N, mentee-N, person-N)"
            }
        }
    }

    /// A stored key read back; `description` gives exactly `text` again.
    public init(parsing text: String) throws(Malformed) {
        let parts = text.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4 else { throw .tooFewParts(text) }
        guard let rule = Rule(rawValue: String(parts[0])) else { throw .unknownRule(String(parts[0])) }
        guard let subject = Subject(parts[1]) else { throw .badSubject(String(parts[1])) }
        guard let recipient = Recipient(parts[2]) else { throw .unknownRecipient(String(parts[2])) }
        self.init(rule, subject: subject, recipient: recipient, period: String(parts[3]))
    }

    /// A stored key read back, or nil when it is not one.
    public static func parse(_ text: String) -> MessageKey? { try? MessageKey(parsing: text) }

    /// Keys are equal when their stored strings are: the parts never hold the colon between them.
    public static func == (lhs: MessageKey, rhs: MessageKey) -> Bool { lhs.description == rhs.description }

    public func hash(into hasher: inout Hasher) { hasher.combine(description) }

    /// In the order of their stored strings, as the outbox lists them.
    public static func < (lhs: MessageKey, rhs: MessageKey) -> Bool { lhs.description < rhs.description }

    /// The same message to leader `index`; nil for a message to anyone but a leader.
    public func toLeader(_ index: Int) -> MessageKey? {
        guard case .leader = recipient else { return nil }
        return MessageKey(rule, subject: subject, recipient: .leader(index), period: period)
    }

    /// What every stored key of `rule` about `subject` begins with (`evaluation:42:`).
    public static func prefix(_ rule: Rule, _ subject: Subject) -> String { "\(rule.rawValue):\(subject):" }

    /// The period of a moved or cancelled meeting's messages: its id and `SEQUENCE` (`7.1`).
    public static func meetingPeriod(_ meeting: Int64, sequence: Int) -> String { "\(meeting).\(sequence)" }

    /// A `LIKE … ESCAPE '\'` pattern for every reply forward about `person` (`reply-forward:person-N:%`),
    /// and no other person's: the colon after the id keeps person 1 from matching person 12.
    public static func forwardsAbout(person: Int64) -> String {
        likeEscaped(prefix(.replyForward, .person(person))) + "%"
    }

    /// `text` matched literally by `LIKE … ESCAPE '\'`.
    public static func likeEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
