import Foundation
import MentorModel

/// What an SMS gateway answered, read by hand: bytes from the network, so every reader here takes
/// any input without trapping (`make fuzz` runs them), and none keeps more than it needs.
enum GatewayAnswer {
    /// `{"ids":[…]}` (gatewayapi) or `{"sid":"SM…"}` (twilio).
    static func providerID(_ data: Data, provider: SMSProvider) -> String? {
        // Read by hand, on bytes: the answers are tiny, and JSONSerialization or Foundation's string
        // searching cost more than the request itself.
        let text = [UInt8](data.prefix(4096))
        switch provider {
        case .gatewayapi:
            guard let key = find(Array("\"ids\"".utf8), in: text),
                let open = text[key...].firstIndex(of: UInt8(ascii: "[")),
                let close = text[open...].firstIndex(of: UInt8(ascii: "]"))
            else { return nil }
            // Blanks and quotes around each id: space, tab, LF, CR, '"'.
            func blank(_ byte: UInt8) -> Bool {
                byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x22
            }
            var ids: [String] = []
            for item in text[(open + 1)..<close].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
                guard let first = item.firstIndex(where: { !blank($0) }),
                    let last = item.lastIndex(where: { !blank($0) })
                else { return nil }
                ids.append(String(decoding: item[first...last], as: UTF8.self))
            }
            return ids.joined(separator: ",")
        case .twilio:
            guard let key = find(Array("\"sid\"".utf8), in: text),
                let colon = text[key...].firstIndex(of: UInt8(ascii: ":")),
                let open = text[colon...].firstIndex(of: UInt8(ascii: "\"")),
                let close = text[(open + 1)...].firstIndex(of: UInt8(ascii: "\""))
            else { return nil }
            return String(decoding: text[(open + 1)..<close], as: UTF8.self)
        }
    }

    /// The index just past the first occurrence of `pattern`.
    private static func find(_ pattern: [UInt8], in text: [UInt8]) -> Int? {
        guard !pattern.isEmpty, text.count >= pattern.count else { return nil }
        for start in 0...(text.count - pattern.count) where text[start] == pattern[0] {
            if text[start..<(start + pattern.count)].elementsEqual(pattern) { return start + pattern.count }
        }
        return nil
    }

    /// Header lines as received, without their line ends.
    static func headerLines(_ bytes: [UInt8]) -> [String] {
        bytes.split(separator: UInt8(ascii: "\n")).map {
            String(decoding: $0.last == UInt8(ascii: "\r") ? $0.dropLast() : $0, as: UTF8.self)
        }
    }

    /// Seconds from a `Retry-After: N` header (an HTTP date is read as one minute).
    static func retryAfter(_ headers: [String]) -> Int? {
        for header in headers {
            let parts = header.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "retry-after" else {
                continue
            }
            let value = parts[1].trimmingCharacters(in: .whitespacesAndNewlines)
            return Int(value).map { min(max($0, 1), 86_400) } ?? 60
        }
        return nil
    }

    /// A short, single-line excerpt of the gateway's answer with its digits masked: it never echoes
    /// our token, but may echo the recipient's number.
    static func detail(_ data: Data) -> String {
        let text = ReasonText.gatewayExcerpt(data)
        return text.isEmpty ? "" : ": \(text)"
    }
}
