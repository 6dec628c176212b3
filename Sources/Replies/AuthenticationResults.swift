/// `Authentication-Results` (RFC 8601), read as far as one question needs: did our own receiving
/// server find that DMARC passed for the `From` domain? Anyone can write such a header into a
/// message, so only the topmost one carrying our server's authserv-id counts (our server adds its
/// own on top of whatever came with the mail). One pass over each value, each value at most
/// `maxValueBytes`, at most `maxHeaders` headers looked at: anything else proves nothing.
public enum AuthenticationResults {
    public static let maxValueBytes = 8 * 1024
    public static let maxHeaders = 50

    /// One header: who wrote it, and its results (`dmarc=pass header.from=example.dk`).
    public struct Header: Sendable, Hashable {
        /// Lower-cased.
        public var authservID: String
        public var results: [Result]
    }

    public struct Result: Sendable, Hashable {
        /// `dmarc`, lower-cased, without a `/version`.
        public var method: String
        /// `pass`, lower-cased.
        public var value: String
        /// `header.from` → `example.dk`; keys lower-cased, values as written.
        public var properties: [String: String]
    }

    /// True when the topmost of `headers` (top first) written by `authservID` says `dmarc=pass` for
    /// `fromDomain`. Without an authserv-id of ours nothing is trusted.
    public static func dmarcPass(_ headers: [String], authservID: String?, fromDomain: String) -> Bool {
        guard let ours = authservID?.lowercased(), !ours.isEmpty, !fromDomain.isEmpty else { return false }
        let domain = fromDomain.lowercased()
        for value in headers.prefix(maxHeaders) {
            // A header we cannot read might be ours: then we know nothing, and nothing lower counts.
            guard let header = parse(value) else { return false }
            guard header.authservID == ours else { continue }
            let dmarc = header.results.filter {
                $0.method == "dmarc" && $0.properties["header.from"].map(normalized) == domain
            }
            return !dmarc.isEmpty && dmarc.allSatisfy { $0.value == "pass" }
        }
        return false
    }

    /// One header value, or nil when it is too long or has no authserv-id.
    public static func parse(_ value: String) -> Header? {
        guard value.utf8.count <= maxValueBytes else { return nil }
        let statements = tokens(value)
        guard let first = statements.first, case .word(let id)? = first.first, !id.isEmpty else { return nil }
        var results: [Result] = []
        for statement in statements.dropFirst() {
            // method = result, then ptype.property = value (or reason = "…") pairs.
            guard statement.count >= 3, case .word(let method) = statement[0], statement[1] == .equals,
                case .word(let result) = statement[2]
            else { continue }
            var properties: [String: String] = [:]
            var index = 3
            while index + 2 < statement.count {
                if case .word(let key) = statement[index], statement[index + 1] == .equals,
                    case .word(let propertyValue) = statement[index + 2]
                {
                    properties[key.lowercased()] = propertyValue
                    index += 3
                } else {
                    index += 1
                }
            }
            let name = method.split(separator: "/", maxSplits: 1).first.map(String.init) ?? method
            results.append(Result(method: name.lowercased(), value: result.lowercased(), properties: properties))
        }
        return Header(authservID: id.lowercased(), results: results)
    }

    enum Token: Equatable {
        case word(String)
        case equals
    }

    /// The value as statements (split at `;`), each a list of words and `=`: comments dropped
    /// (nested, RFC 5322 3.2.2), quoted strings as one word, whitespace separating. One pass.
    static func tokens(_ value: String) -> [[Token]] {
        var statements: [[Token]] = [[]]
        var word = ""
        var inWord = false
        var commentDepth = 0
        var quoted = false
        var escaped = false
        func endWord() {
            if inWord { statements[statements.count - 1].append(.word(word)) }
            word = ""
            inWord = false
        }
        for character in value {
            if escaped {
                if commentDepth == 0 { word.append(character) }
                escaped = false
                continue
            }
            if character == "\\" && (quoted || commentDepth > 0) {
                escaped = true
                continue
            }
            if quoted {
                if character == "\"" { quoted = false } else { word.append(character) }
                continue
            }
            if commentDepth > 0 {
                if character == "(" { commentDepth += 1 } else if character == ")" { commentDepth -= 1 }
                continue
            }
            switch character {
            case "(":
                endWord()
                commentDepth = 1
            case "\"":
                inWord = true
                quoted = true
            case ";":
                endWord()
                statements.append([])
            case "=":
                endWord()
                statements[statements.count - 1].append(.equals)
            case " ", "\t", "\r", "\n", "\r\n":
                endWord()
            default:
                word.append(character)
                inWord = true
            }
        }
        endWord()
        return statements
    }

    /// `Example.DK.` → `example.dk`; an address (`user@example.dk`) → its domain.
    static func normalized(_ domain: String) -> String {
        let host = domain.split(separator: "@").last.map(String.init) ?? domain
        return (host.hasSuffix(".") ? String(host.dropLast()) : host).lowercased()
    }
}
