public import MentorModel

/// The evaluation requests that went out, by forløb: when each first went, and whether a row of it
/// still waits to go (on another channel). Read from the outbox by key; kept by forløb so a rule or
/// the focus list looks at one pair's few requests, not at every request of every pair.
public struct SentEvaluations: Sendable, ExpressibleByDictionaryLiteral {
    public struct Request: Sendable, Hashable {
        public var role: Role
        /// The request's date: its key's period.
        public var date: LocalDate
        /// When it first went out, on any channel.
        public var firstSent: Int64
        /// A row of it is still pending or being sent (another channel, a retry).
        public var waiting: Bool
    }

    private var byForloeb: [Int64: [Request]] = [:]

    public init() {}

    public init(dictionaryLiteral elements: (String, Int64)...) {
        for (key, sent) in elements { self[key] = sent }
    }

    public var isEmpty: Bool { byForloeb.isEmpty }

    /// The requests of one forløb.
    public func requests(of relationshipID: Int64) -> [Request] { byForloeb[relationshipID] ?? [] }

    /// The request of `role` dated `date` in forløb `relationshipID`, if it went out.
    public func request(_ relationshipID: Int64, _ role: Role, _ date: LocalDate) -> Request? {
        byForloeb[relationshipID]?.first { $0.role == role && $0.date == date }
    }

    /// Records a request by its stored key (`evaluation:42:mentor:2026-05-02`); a key of another
    /// shape (another rule, a leader) is not an evaluation request of a pair and is left out.
    public mutating func record(key text: String, firstSent: Int64, waiting: Bool = false) {
        guard let (id, role, date) = Self.request(text) else { return }
        let request = Request(role: role, date: date, firstSent: firstSent, waiting: waiting)
        if let index = byForloeb[id]?.firstIndex(where: { $0.role == role && $0.date == date }) {
            byForloeb[id]?[index] = request
        } else {
            byForloeb[id, default: []].append(request)
        }
    }

    /// The forløb, role and date of a request's key, read by bytes (a cycle reads tens of thousands
    /// of them; `MessageKey(parsing:)` would split each into strings first).
    static func request(_ key: String) -> (Int64, Role, LocalDate)? {
        let prefix = "evaluation:".utf8
        var rest = Substring(key).utf8
        guard rest.starts(with: prefix) else { return nil }
        rest = rest.dropFirst(prefix.count)
        guard let idEnd = rest.firstIndex(of: UInt8(ascii: ":")),
            let id = Int64(Substring(rest[..<idEnd])),
            let roleEnd = rest[rest.index(after: idEnd)...].firstIndex(of: UInt8(ascii: ":")),
            let role = Role(rawValue: String(Substring(rest[rest.index(after: idEnd)..<roleEnd]))),
            let date = LocalDate(Substring(rest[rest.index(after: roleEnd)...]))
        else { return nil }
        return (id, role, date)
    }

    /// When the request under `key` first went (what tests and callers holding keys ask).
    public subscript(key: String) -> Int64? {
        get { Self.request(key).flatMap { request($0.0, $0.1, $0.2)?.firstSent } }
        set {
            if let newValue {
                record(key: key, firstSent: newValue)
            } else if let (id, role, date) = Self.request(key) {
                byForloeb[id]?.removeAll { $0.role == role && $0.date == date }
            }
        }
    }
}
