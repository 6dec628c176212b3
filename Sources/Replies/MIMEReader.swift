import Foundation
import MentorModel

/// A strict reader for the email that comes back to us: replies, out-of-office answers and bounces.
/// It reads headers, walks multipart bodies and decodes the text parts; it never builds anything
/// it does not need (attachments are skipped undecoded) and stops at fixed limits, so a hostile or
/// broken message costs bounded time and memory.
public enum MIMEReader {
    /// Limits on what is read. A message beyond them is refused or read only in part, never
    /// allowed to grow memory or time without bound.
    public struct Limits: Sendable {
        public var headerBytes = 256 * 1024
        public var headerFields = 1000
        public var depth = 8
        public var parts = 200
        /// Decoded text kept per text part: a reply's answer is in its first lines.
        public var textBytes = 256 * 1024
        public init() {}
    }

    /// The message read: its headers and the parts that matter for a reply.
    public static func read(_ bytes: [UInt8], limits: Limits = Limits()) throws(MIMEReadError) -> MIMEMessage {
        var message = MIMEMessage(headers: MIMEHeaders())
        var partsSeen = 0
        let headers = try readEntity(
            bytes[...], depth: 0, limits: limits, partsSeen: &partsSeen, into: &message, inheritedType: nil)
        message.headers = headers
        return message
    }

    /// Splits an entity at its blank line: the header block and the body (RFC 5322 2.1).
    static func split(_ bytes: ArraySlice<UInt8>) -> (header: ArraySlice<UInt8>, body: ArraySlice<UInt8>) {
        var index = bytes.startIndex
        // An entity that starts with a blank line has no headers.
        if let first = bytes.first, first == 10 || (first == 13 && bytes.dropFirst().first == 10) {
            let bodyStart = bytes.startIndex + (first == 10 ? 1 : 2)
            return (bytes[bytes.startIndex..<bytes.startIndex], bytes[bodyStart...])
        }
        while let newline = bytes[index...].firstIndex(of: 10) {
            let next = newline + 1
            if next < bytes.endIndex, bytes[next] == 10 {
                return (bytes[bytes.startIndex..<newline], bytes[(next + 1)...])
            }
            if next + 1 < bytes.endIndex, bytes[next] == 13, bytes[next + 1] == 10 {
                return (bytes[bytes.startIndex..<newline], bytes[(next + 2)...])
            }
            index = next
        }
        return (bytes, bytes[bytes.endIndex...])
    }

    /// Header fields, unfolded (RFC 5322 2.2.3), values kept raw (encoded words are decoded on use).
    static func parseHeaders(_ block: ArraySlice<UInt8>, limits: Limits) throws(MIMEReadError) -> MIMEHeaders {
        guard block.count <= limits.headerBytes else {
            throw .tooLarge("the header block is over \(limits.headerBytes) bytes")
        }
        var headers = MIMEHeaders()
        for line in Charset.lines(block) {
            guard let first = line.first else { continue }
            if first == 32 || first == 9 {
                // A continuation of the field before; one before any field is ignored.
                guard !headers.fields.isEmpty else { continue }
                headers.fields[headers.fields.count - 1].value += " " + Charset.headerText(line).trimmingSpaces()
                continue
            }
            // A Content-Type parameter folded without its indent (`boundary="…"` at the start of a
            // line, as some mailers write it) still belongs to the Content-Type before it.
            if let last = headers.fields.last, last.name == "content-type", isParameter(line) {
                let joiner = last.value.hasSuffix(";") ? " " : "; "
                headers.fields[headers.fields.count - 1].value += joiner + Charset.headerText(line).trimmingSpaces()
                continue
            }
            guard let colon = line.firstIndex(of: 58) else { continue }
            let name = Charset.headerText(line[line.startIndex..<colon]).trimmingSpaces().lowercased()
            guard !name.isEmpty, !name.contains(" ") else { continue }
            guard headers.fields.count < limits.headerFields else {
                throw .tooLarge("more than \(limits.headerFields) header fields")
            }
            headers.fields.append((name, Charset.headerText(line[(colon + 1)...]).trimmingSpaces()))
        }
        return headers
    }

    /// `name=…` (RFC 2045 5.1's parameter): a token, then `=`.
    private static func isParameter(_ line: ArraySlice<UInt8>) -> Bool {
        let name = line.prefix(while: { byte in
            (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || (byte >= 48 && byte <= 57) || byte == 45
                || byte == 42 || byte == 95
        })
        return !name.isEmpty && name.count < line.count && line[name.endIndex] == 61
    }

    private static func readEntity(
        _ bytes: ArraySlice<UInt8>, depth: Int, limits: Limits, partsSeen: inout Int, into message: inout MIMEMessage,
        inheritedType: ContentType?
    ) throws(MIMEReadError) -> MIMEHeaders {
        partsSeen += 1
        guard partsSeen <= limits.parts else { throw .tooLarge("more than \(limits.parts) MIME parts") }
        guard depth <= limits.depth else { throw .malformed("MIME parts nested deeper than \(limits.depth)") }
        let (headerBlock, body) = split(bytes)
        let headers = try parseHeaders(headerBlock, limits: limits)
        let type = headers.first("content-type").map(ContentType.init) ?? inheritedType ?? ContentType.plainText
        let disposition = headers.first("content-disposition").map(ContentType.init)
        let isAttachment = disposition?.type == "attachment"
        // The body as its transfer encoding and charset say; only parts that are read are decoded.
        func decoded() -> [UInt8] {
            TransferEncoding.decode(body, encoding: headers.first("content-transfer-encoding"))
        }
        func text() -> String {
            Charset.decode(decoded().prefix(limits.textBytes), charset: type.parameters["charset"])
        }
        switch (type.type, type.subtype) {
        case ("multipart", _):
            // A report whose `report-type` was lost is still a report ("": of a type we do not know).
            if type.subtype == "report", message.reportType?.isEmpty ?? true {
                message.reportType = type.parameters["report-type"]?.lowercased() ?? ""
            }
            // In multipart/digest the default type is message/rfc822 (RFC 2046 5.1.5).
            let childDefault = type.subtype == "digest" ? ContentType(type: "message", subtype: "rfc822") : nil
            let declared = type.parameters["boundary"].map { Array($0.utf8) }.flatMap { usable($0) ? $0 : nil }
            var parts = declared.map { multipartBodies(body, boundary: $0) } ?? []
            // A boundary missing, or declared but never used: the body's first delimiter line says it.
            if parts.isEmpty, let found = delimiter(in: body), found != declared {
                parts = multipartBodies(body, boundary: found)
            }
            if parts.isEmpty {
                // A damaged part inside a message is passed over, so the rest (a bounce's
                // delivery-status part) is still read; a message that is nothing but it is refused.
                guard depth > 0 || declared != nil else {
                    throw .malformed("a multipart part without a usable boundary")
                }
                break
            }
            for part in parts {
                _ = try readEntity(
                    part, depth: depth + 1, limits: limits, partsSeen: &partsSeen, into: &message,
                    inheritedType: childDefault)
            }
        case ("message", "delivery-status"), ("message", "global-delivery-status"):
            if message.deliveryStatus == nil {
                message.deliveryStatus = Charset.decode(decoded().prefix(limits.textBytes), charset: "utf-8")
            }
        case ("message", "feedback-report"):
            if message.feedbackReport == nil {
                message.feedbackReport = Charset.decode(decoded().prefix(limits.textBytes), charset: "utf-8")
            }
        case ("message", "rfc822"), ("message", "global"), ("text", "rfc822-headers"), ("message", "rfc822-headers"):
            // The returned message of a bounce: only its headers are read.
            if message.returnedHeaders == nil {
                message.returnedHeaders = try parseHeaders(split(decoded()[...]).header, limits: limits)
            }
        case ("text", "calendar"), ("application", "ics"):
            // Inline or, as Outlook also sends the iMIP answer, as an attachment.
            if message.calendar == nil {
                message.calendar = text()
                message.calendarMethod = type.parameters["method"]?.uppercased()
            }
        case ("text", "plain") where !isAttachment && message.plainText == nil:
            message.plainText = text()
        case ("text", "html") where !isAttachment && message.htmlText == nil:
            message.htmlText = text()
        default:
            break
        }
        return headers
    }

    /// A boundary RFC 2046 5.1.1 allows: 1 to 70 characters (200 tolerated), not ending in a space.
    private static func usable(_ boundary: [UInt8]) -> Bool {
        !boundary.isEmpty && boundary.count <= 200 && boundary.last != 32
    }

    /// The boundary of the body's first line that reads as a delimiter (`--` and a usable boundary).
    static func delimiter(in body: ArraySlice<UInt8>) -> [UInt8]? {
        var lineStart = body.startIndex
        while lineStart < body.endIndex {
            let lineEnd = body[lineStart...].firstIndex(of: 10) ?? body.endIndex
            var line = body[lineStart..<lineEnd]
            while let last = line.last, last == 13 || last == 32 || last == 9 { line = line.dropLast() }
            if line.starts(with: [45, 45]) {
                var boundary = Array(line.dropFirst(2))
                // The first delimiter may be the closing one (`--b--`) of an empty multipart.
                if boundary.count > 2, boundary.suffix(2) == [45, 45] { boundary.removeLast(2) }
                return usable(boundary) ? boundary : nil
            }
            lineStart = lineEnd + 1
        }
        return nil
    }

    /// The bodies between `--boundary` lines (RFC 2046 5.1.1); the preamble and epilogue are dropped.
    static func multipartBodies(_ body: ArraySlice<UInt8>, boundary: [UInt8]) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var lineStart = body.startIndex
        while lineStart < body.endIndex {
            let newline = body[lineStart...].firstIndex(of: 10)
            let lineEnd = newline ?? body.endIndex
            let line = body[lineStart..<lineEnd]
            if line.count >= boundary.count + 2, line.starts(with: [45, 45]),
                line.dropFirst(2).starts(with: boundary)
            {
                let rest = line.dropFirst(2 + boundary.count)
                let closing = rest.starts(with: [45, 45])
                // Only transport padding may follow the boundary.
                let tail = closing ? rest.dropFirst(2) : rest
                if tail.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) {
                    if let start = partStart {
                        // The line break before the boundary belongs to the boundary.
                        var end = lineStart
                        if end > start, body[end - 1] == 10 { end -= 1 }
                        if end > start, body[end - 1] == 13 { end -= 1 }
                        parts.append(body[start..<end])
                    }
                    if closing { return parts }
                    partStart = newline.map { $0 + 1 } ?? body.endIndex
                }
            }
            guard let newline else { break }
            lineStart = newline + 1
        }
        // No closing boundary: what came after the last one is still a part (lenient, as mail clients are).
        if let start = partStart, start < body.endIndex { parts.append(body[start...]) }
        return parts
    }
}

/// Why a message could not be read.
public enum MIMEReadError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooLarge(String)
    case malformed(String)

    public var description: String {
        switch self {
        case .tooLarge(let what): return "too large: \(what)"
        case .malformed(let what): return "malformed: \(what)"
        }
    }
}

/// Header fields in order; names lower-cased.
public struct MIMEHeaders: Sendable {
    public var fields: [(name: String, value: String)] = []

    public init() {}

    public func first(_ name: String) -> String? {
        fields.first(where: { $0.name == name })?.value
    }

    public func all(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    /// The value with RFC 2047 encoded words decoded.
    public func decoded(_ name: String) -> String? {
        first(name).map(EncodedWords.decode)
    }
}

/// What a reply's reader needs from a message.
public struct MIMEMessage: Sendable {
    public var headers: MIMEHeaders
    public var plainText: String?
    public var htmlText: String?
    public var calendar: String?
    public var calendarMethod: String?
    /// `report-type` of a multipart/report.
    public var reportType: String?
    /// The body of a message/delivery-status part.
    public var deliveryStatus: String?
    /// The body of a message/feedback-report part (ARF, RFC 5965).
    public var feedbackReport: String?
    /// The headers of the message a bounce returns.
    public var returnedHeaders: MIMEHeaders?
}

/// `type/subtype; name=value; name="quoted value"` (RFC 2045 5.1), names lower-cased.
struct ContentType: Sendable {
    var type: String
    var subtype: String
    var parameters: [String: String] = [:]

    static let plainText = ContentType(type: "text", subtype: "plain")

    init(type: String, subtype: String) {
        self.type = type
        self.subtype = subtype
    }

    init(_ value: String) {
        var scalars = Substring(value)
        let head = scalars.prefix(while: { $0 != ";" })
        scalars = scalars.dropFirst(head.count)
        let pieces = head.split(separator: "/", maxSplits: 1)
        type = pieces.first.map { String($0).trimmingSpaces().lowercased() } ?? "text"
        subtype = pieces.count > 1 ? String(pieces[1]).trimmingSpaces().lowercased() : ""
        // Parameters, with quoted strings that may contain ';'.
        while scalars.first == ";" {
            scalars = scalars.dropFirst()
            let name = scalars.prefix(while: { $0 != "=" && $0 != ";" })
            scalars = scalars.dropFirst(name.count)
            guard scalars.first == "=" else { continue }
            scalars = scalars.dropFirst()
            while scalars.first == " " || scalars.first == "\t" { scalars = scalars.dropFirst() }
            var value = ""
            if scalars.first == "\"" {
                scalars = scalars.dropFirst()
                var escaped = false
                while let character = scalars.first {
                    scalars = scalars.dropFirst()
                    if escaped {
                        value.append(character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        break
                    } else {
                        value.append(character)
                    }
                }
                scalars = scalars.drop(while: { $0 != ";" })
            } else {
                let raw = scalars.prefix(while: { $0 != ";" })
                scalars = scalars.dropFirst(raw.count)
                value = String(raw).trimmingSpaces()
            }
            let key = String(name).trimmingSpaces().lowercased()
            if !key.isEmpty, parameters[key] == nil, parameters.count < 32 { parameters[key] = value }
        }
    }
}
