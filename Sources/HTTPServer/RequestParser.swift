/// Reads HTTP/1.1 requests from the bytes of a connection, strictly and within limits: a head
/// over `maxHead` is 431, a body over `maxBody` 413, a body without `Content-Length` (chunked, or
/// a POST without a length) 411, anything malformed 400. Bytes after a request stay for the next
/// one (keep-alive, pipelining).
public struct RequestParser: Sendable {
    public struct Limits: Sendable {
        public var maxHead = 16 * 1024
        public var maxBody = 64 * 1024
        public var maxHeaders = 100
        public init() {}
    }

    public enum Result: Sendable, Equatable {
        /// A whole request; `consumed` bytes of the buffer were it.
        case request(HTTPRequest, consumed: Int)
        /// Not complete yet.
        case incomplete
        /// Refused with this status; the connection is closed after the answer.
        case refused(Int)
    }

    public let limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    public func parse(_ buffer: [UInt8]) -> Result {
        guard let headEnd = RequestParser.headEnd(buffer, within: limits.maxHead) else {
            return buffer.count > limits.maxHead ? .refused(431) : .incomplete
        }
        let head = buffer[0..<headEnd]
        var lines = RequestParser.lines(head)
        guard !lines.isEmpty else { return .refused(400) }
        let requestLine = lines.removeFirst()
        let parts = requestLine.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, let method = ascii(parts[0]), let target = ascii(parts[1]),
            let version = ascii(parts[2]),
            !method.isEmpty, method.allSatisfy({ $0.isUppercase }), target.hasPrefix("/")
        else { return .refused(400) }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { return .refused(505) }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard headers.count < limits.maxHeaders else { return .refused(431) }
            // Obsolete line folding is refused (RFC 9112 5.2).
            guard let first = line.first, first != 32, first != 9, let colon = line.firstIndex(of: 58),
                colon > line.startIndex, let name = ascii(line[line.startIndex..<colon]),
                name.allSatisfy({ $0.isLetter || $0.isNumber || "-_".contains($0) })
            else { return .refused(400) }
            // Header values: visible ASCII and UTF-8, no control characters.
            let rawValue = line[(colon + 1)...]
            guard !rawValue.contains(where: { $0 < 32 && $0 != 9 || $0 == 127 }),
                let value = String(validating: rawValue, as: UTF8.self)
            else { return .refused(400) }
            headers.append((name.lowercased(), value.trimmingCharacters()))
        }
        if headers.contains(where: { $0.name == "transfer-encoding" }) { return .refused(411) }
        let lengths = headers.filter { $0.name == "content-length" }.map(\.value)
        var length = 0
        if let first = lengths.first {
            // Several different lengths are a smuggling attempt.
            guard Set(lengths).count == 1, first.allSatisfy(\.isASCIIDigit), first.count <= 12, let value = Int(first)
            else { return .refused(400) }
            length = value
        } else if method == "POST" || method == "PUT" || method == "PATCH" {
            return .refused(411)
        }
        guard length <= limits.maxBody else { return .refused(413) }
        let bodyStart = headEnd + 4
        guard buffer.count - bodyStart >= length else { return .incomplete }
        let (path, query) = RequestParser.splitTarget(target)
        let request = HTTPRequest(
            method: method, path: path, query: query, version: version, headers: headers,
            body: Array(buffer[bodyStart..<(bodyStart + length)]))
        return .request(request, consumed: bodyStart + length)
    }

    /// The index of the CR LF CR LF that ends the head, searched only within `limit` bytes.
    static func headEnd(_ buffer: [UInt8], within limit: Int) -> Int? {
        let end = min(buffer.count, limit + 4)
        guard end >= 4 else { return nil }
        var index = 0
        while index + 3 < end {
            if buffer[index] == 13, buffer[index + 1] == 10, buffer[index + 2] == 13, buffer[index + 3] == 10 {
                return index
            }
            index += 1
        }
        return nil
    }

    /// Lines separated by CR LF (a bare LF is tolerated, as RFC 9112 2.2 allows).
    static func lines(_ head: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        head.split(separator: 10, omittingEmptySubsequences: false).map { line in
            line.last == 13 ? line.dropLast() : line
        }
    }

    static func splitTarget(_ target: String) -> (String, String) {
        guard let mark = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }

    private func ascii(_ bytes: ArraySlice<UInt8>) -> String? {
        guard bytes.allSatisfy({ $0 > 32 && $0 < 127 }) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
