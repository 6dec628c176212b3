/// A `multipart/form-data` body (RFC 7578): the import's file upload. Bounded like `Form`: at most
/// `maxBytes` bytes, `maxParts` parts and `maxHeaderBytes` of headers a part, read in one pass. The
/// boundary is at most 70 bytes (RFC 2046), so looking for it at each position stays linear.
public struct Multipart: Sendable {
    public struct Part: Sendable, Equatable {
        public var name: String
        /// The file's name as the browser gave it; nil for a plain field.
        public var filename: String?
        public var bytes: [UInt8]
    }

    public private(set) var parts: [Part]

    /// The HTTP server reads no larger body (`RequestParser.Limits.maxBody`), so no upload is larger.
    public static let maxBytes = Form.maxBytes
    public static let maxParts = 20
    public static let maxHeaderBytes = 2048

    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case noBoundary, tooLarge, tooManyParts, truncated, badHeaders, notUTF8

        public var description: String {
            switch self {
            case .noBoundary: "the upload names no boundary (Content-Type: multipart/form-data; boundary=…)"
            case .tooLarge: "the upload is larger than \(Multipart.maxBytes) bytes"
            case .tooManyParts: "the upload has more than \(Multipart.maxParts) parts"
            case .truncated: "the upload ends before its last boundary"
            case .badHeaders: "a part of the upload has no readable Content-Disposition: form-data; name=…"
            case .notUTF8: "a field of the upload is not UTF-8"
            }
        }
    }

    /// The boundary of a `Content-Type: multipart/form-data; boundary=…` header (quoted or not).
    public static func boundary(contentType: String) throws(Refusal) -> [UInt8] {
        let pieces = contentType.split(separator: ";").map { $0.trimmed(" \t") }
        guard pieces.first?.lowercased() == "multipart/form-data" else { throw .noBoundary }
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "="),
                piece[..<equals].trimmed(" \t").lowercased() == "boundary"
            else { continue }
            var value = piece[piece.index(after: equals)...].trimmed(" \t")
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            let bytes = Array(value.utf8)
            // RFC 2046: 1 to 70 characters, printable ASCII.
            guard (1...70).contains(bytes.count), bytes.allSatisfy({ (0x20...0x7E).contains($0) }) else {
                throw .noBoundary
            }
            return bytes
        }
        throw .noBoundary
    }

    /// Parses `body` into its parts; a preamble before the first boundary and an epilogue after the
    /// last are ignored (RFC 2046).
    public static func parse(_ body: [UInt8], boundary: [UInt8]) throws(Refusal) -> Multipart {
        guard body.count <= maxBytes else { throw .tooLarge }
        guard (1...70).contains(boundary.count) else { throw .noBoundary }
        let delimiter: [UInt8] = Array("\r\n--".utf8) + boundary
        // The first boundary may open the body (no CRLF before it).
        var position: Int
        if body.starts(with: delimiter.dropFirst(2)) {
            position = delimiter.count - 2
        } else {
            guard let found = find(delimiter, in: body, from: 0) else { throw .truncated }
            position = found + delimiter.count
        }
        var parts: [Part] = []
        while true {
            // After a boundary: `--` closes the body, else optional blanks and CRLF open a part.
            if body[position...].starts(with: [0x2D, 0x2D]) { break }
            while position < body.count, body[position] == 0x20 || body[position] == 0x09 { position += 1 }
            guard body[position...].starts(with: [0x0D, 0x0A]) else { throw .truncated }
            position += 2
            guard parts.count < maxParts else { throw .tooManyParts }
            let headerEnd = try endOfHeaders(body, from: position)
            let (name, filename) = try disposition(body[position..<headerEnd])
            let contentStart = headerEnd + 4
            guard let next = find(delimiter, in: body, from: contentStart) else { throw .truncated }
            parts.append(Part(name: name, filename: filename, bytes: Array(body[contentStart..<next])))
            position = next + delimiter.count
        }
        return Multipart(parts: parts)
    }

    /// The plain fields as a `Form` (they must be UTF-8) and the files by field name; a file input
    /// left empty (no name, no bytes) is no file.
    public func fields() throws(Refusal) -> (form: Form, files: [String: [UInt8]]) {
        var fields: [(name: String, value: String)] = []
        var files: [String: [UInt8]] = [:]
        for part in parts {
            if let filename = part.filename {
                if !(filename.isEmpty && part.bytes.isEmpty) { files[part.name] = part.bytes }
                continue
            }
            guard let value = String(validating: part.bytes, as: UTF8.self) else { throw .notUTF8 }
            fields.append((part.name, value))
        }
        return (Form(fields), files)
    }

    /// The first position at or after `start` where `needle` begins: at most `needle.count`
    /// comparisons a position (the boundary's 70 bytes and 4 more at most).
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, start >= 0, haystack.count - needle.count >= start else { return nil }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                var index = start
                let last = hay.count - pin.count
                search: while index <= last {
                    for offset in 0..<pin.count where hay[index + offset] != pin[offset] {
                        index += 1
                        continue search
                    }
                    return index
                }
                return nil
            }
        }
    }

    /// Where the part's headers end (the CRLF CRLF), within `maxHeaderBytes`.
    private static func endOfHeaders(_ body: [UInt8], from start: Int) throws(Refusal) -> Int {
        let window = Array(body[start..<min(body.count, start + maxHeaderBytes + 4)])
        if window.starts(with: [0x0D, 0x0A]) { throw .badHeaders }
        guard let end = find([0x0D, 0x0A, 0x0D, 0x0A], in: window, from: 0) else {
            throw window.count < maxHeaderBytes + 4 ? .truncated : .badHeaders
        }
        return start + end
    }

    /// The `name` and `filename` of a part's `Content-Disposition: form-data` header.
    private static func disposition(_ headers: ArraySlice<UInt8>) throws(Refusal) -> (String, String?) {
        guard let text = String(validating: headers, as: UTF8.self) else { throw .badHeaders }
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: false) {
            guard let colon = line.firstIndex(of: ":"),
                line[..<colon].lowercased() == "content-disposition"
            else { continue }
            let parameters = parameters(line[line.index(after: colon)...])
            guard parameters.first?.name == "form-data", let name = parameters.first(where: { $0.name == "name" })
            else { throw .badHeaders }
            return (name.value, parameters.first { $0.name == "filename" }?.value)
        }
        throw .badHeaders
    }

    /// `form-data; name="a"; filename="b.csv"` → [("form-data", ""), ("name", "a"), ("filename", "b.csv")];
    /// a quoted value may hold `;` and `\"`.
    private static func parameters(_ text: Substring) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        var name = ""
        var value = ""
        var inValue = false
        var quoted = false
        var escaped = false
        func finish() {
            let key = name.trimmed(" \t").lowercased()
            if !key.isEmpty { result.append((key, inValue ? value : "")) }
            name = ""
            value = ""
            inValue = false
        }
        for character in text {
            if quoted {
                if escaped {
                    value.append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    quoted = false
                } else {
                    value.append(character)
                }
                continue
            }
            switch character {
            case ";": finish()
            case "=" where !inValue: inValue = true
            case "\"" where inValue && value.isEmpty: quoted = true
            default:
                if inValue {
                    if character != " " && character != "\t" || !value.isEmpty { value.append(character) }
                } else {
                    name.append(character)
                }
            }
        }
        finish()
        return result
    }
}

extension StringProtocol {
    fileprivate func trimmed(_ set: String) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, set.contains(last) { scalars.removeLast() }
        return String(scalars)
    }
}
