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

    /// The first request in `buffer`, read as a connection reads it (one `RequestReader`).
    public func parse(_ buffer: [UInt8]) -> Result {
        var reader = RequestReader(limits: limits)
        reader.append(buffer)
        return reader.next()
    }

    /// A whole head (without its final CR LF CR LF, lines ended by CR LF) as a request waiting for
    /// `length` bytes of body, or the status it is refused with.
    func head(_ head: ArraySlice<UInt8>) -> Swift.Result<RequestHead, Refusal> {
        var lines = RequestParser.lines(head)
        guard !lines.isEmpty else { return .failure(Refusal(status: 400)) }
        let requestLine = lines.removeFirst()
        let parts = requestLine.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, let method = ascii(parts[0]), let target = ascii(parts[1]),
            let version = ascii(parts[2]),
            !method.isEmpty, method.allSatisfy({ $0.isUppercase }), target.hasPrefix("/")
        else { return .failure(Refusal(status: 400)) }
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { return .failure(Refusal(status: 505)) }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard headers.count < limits.maxHeaders else { return .failure(Refusal(status: 431)) }
            // Obsolete line folding is refused (RFC 9112 5.2).
            guard let first = line.first, first != 32, first != 9, let colon = line.firstIndex(of: 58),
                colon > line.startIndex, let name = ascii(line[line.startIndex..<colon]),
                name.allSatisfy({ $0.isLetter || $0.isNumber || "-_".contains($0) })
            else { return .failure(Refusal(status: 400)) }
            // Header values: visible ASCII and UTF-8, no control characters.
            let rawValue = line[(colon + 1)...]
            guard !rawValue.contains(where: { $0 < 32 && $0 != 9 || $0 == 127 }),
                let value = String(validating: rawValue, as: UTF8.self)
            else { return .failure(Refusal(status: 400)) }
            headers.append((name.lowercased(), value.trimmingCharacters()))
        }
        if headers.contains(where: { $0.name == "transfer-encoding" }) { return .failure(Refusal(status: 411)) }
        let lengths = headers.filter { $0.name == "content-length" }.map(\.value)
        var length = 0
        if let first = lengths.first {
            // Several different lengths are a smuggling attempt.
            guard Set(lengths).count == 1, first.allSatisfy(\.isASCIIDigit), first.count <= 12, let value = Int(first)
            else { return .failure(Refusal(status: 400)) }
            length = value
        } else if method == "POST" || method == "PUT" || method == "PATCH" {
            return .failure(Refusal(status: 411))
        }
        guard length <= limits.maxBody else { return .failure(Refusal(status: 413)) }
        let (path, query) = RequestParser.splitTarget(target)
        return .success(
            RequestHead(
                request: HTTPRequest(method: method, path: path, query: query, version: version, headers: headers),
                length: length))
    }

    struct RequestHead: Sendable {
        var request: HTTPRequest
        var length: Int
    }

    struct Refusal: Error {
        var status: Int
    }

    /// The lines of a head whose every LF follows a CR.
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

/// One connection's requests, read as the bytes arrive: the head is searched for its end once,
/// each byte looked at when it comes (a head sent a byte at a time costs what it costs sent at
/// once), parsed once when whole, and the body then waited for. A bare LF in a head is refused
/// at once (400): a client that ends its head with bare LFs would otherwise wait for the timeout.
public struct RequestReader: Sendable {
    public let parser: RequestParser
    private var buffer: [UInt8] = []
    /// Where the request being read starts; the bytes before it were earlier requests.
    private var start = 0
    /// How far the head has been searched for its end.
    private var scanned = 0
    /// The head once whole, and where its body starts.
    private var head: (head: RequestParser.RequestHead, bodyStart: Int)?

    public init(limits: RequestParser.Limits = RequestParser.Limits()) {
        parser = RequestParser(limits: limits)
    }

    /// No byte of a next request has arrived: the connection is idle between requests.
    public var isIdle: Bool { buffer.count == start }

    /// Bytes read from the connection. The earlier requests' bytes are dropped here, once per
    /// read, so many pipelined requests cost no more than one read of them.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        if start > 0 {
            buffer.removeFirst(start)
            scanned -= start
            if let (head, bodyStart) = head { self.head = (head, bodyStart - start) }
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next request, once it has arrived whole.
    public mutating func next() -> RequestParser.Result {
        if head == nil {
            let limits = parser.limits
            let end = min(buffer.count, start + limits.maxHead + 4)
            var index = max(scanned, start)
            var found: Int?
            while index < end {
                if buffer[index] == 10 {
                    guard index > start, buffer[index - 1] == 13 else { return .refused(400) }
                    if index - start >= 3, buffer[index - 2] == 10, buffer[index - 3] == 13 {
                        found = index - 3
                        index += 1
                        break
                    }
                }
                index += 1
            }
            scanned = index
            guard let headEnd = found else {
                return buffer.count >= start + limits.maxHead + 4 ? .refused(431) : .incomplete
            }
            switch parser.head(buffer[start..<headEnd]) {
            case .success(let parsed): head = (parsed, headEnd + 4)
            case .failure(let refusal): return .refused(refusal.status)
            }
        }
        guard let (parsed, bodyStart) = head, buffer.count - bodyStart >= parsed.length else { return .incomplete }
        var request = parsed.request
        request.body = Array(buffer[bodyStart..<(bodyStart + parsed.length)])
        let consumed = bodyStart + parsed.length - start
        start = bodyStart + parsed.length
        scanned = start
        head = nil
        return .request(request, consumed: consumed)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
