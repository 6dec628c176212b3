public import MentorModel

extension UInt8 {
    /// 0-9 for an ASCII digit, else nil.
    fileprivate var asciiDigit: Int? { self >= 48 && self <= 57 ? Int(self - 48) : nil }
}

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
        if let index = byForloeb[id]?.firstIndex(where: { $0.role == role && $0.date == date }),
            let known = byForloeb[id]?[index]
        {
            // The same request twice (never written so, but a key is read from the database): the
            // earlier send counts, and a row waiting under either waits.
            byForloeb[id]?[index] = Request(
                role: role, date: date, firstSent: min(known.firstSent, firstSent), waiting: known.waiting || waiting)
        } else {
            let request = Request(role: role, date: date, firstSent: firstSent, waiting: waiting)
            byForloeb[id, default: []].append(request)
        }
    }

    /// The forløb, role and date of a request's key (`evaluation:42:mentor:2026-05-02`), read by
    /// bytes: a cycle reads tens of thousands of them, and `MessageKey(parsing:)` would split each
    /// into strings first.
    static func request(_ key: String) -> (Int64, Role, LocalDate)? {
        var key = key
        return key.withUTF8 { bytes -> (Int64, Role, LocalDate)? in
            let prefix = "evaluation:".utf8
            guard bytes.count > prefix.count, bytes.starts(with: prefix) else { return nil }
            var index = prefix.count
            var id: Int64 = 0
            while index < bytes.count, let digit = bytes[index].asciiDigit, id < Int64.max / 10 - 9 {
                id = id * 10 + Int64(digit)
                index += 1
            }
            // As written (`String(id)`): no leading zero, which would be another key's text.
            guard index > prefix.count, index < bytes.count, bytes[index] == UInt8(ascii: ":"),
                bytes[prefix.count] != UInt8(ascii: "0") || index == prefix.count + 1
            else { return nil }
            let rest = UnsafeBufferPointer(rebasing: bytes[(index + 1)...])
            for role in [Role.mentor, .mentee] {
                let word = role.rawValue.utf8
                guard rest.count == word.count + 11, rest.starts(with: word), rest[word.count] == UInt8(ascii: ":"),
                    let date = LocalDate(bytes: UnsafeBufferPointer(rebasing: rest[(word.count + 1)...]))
                else { continue }
                return (id, role, date)
            }
            return nil
        }
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
