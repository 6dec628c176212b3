import Foundation
import MentorModel

/// Turning bytes in the charsets replies arrive in into text: UTF-8, ISO-8859-1/-15, Windows-1252
/// and US-ASCII. Anything else is read as UTF-8 with replacement characters, never refused: a reply
/// in an odd charset still has its digits and its "ja".
enum Charset {
    /// Lines without their CR LF / LF ends.
    static func lines(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let newline = bytes[start...].firstIndex(of: 10) ?? bytes.endIndex
            var end = newline
            if end > start, bytes[end - 1] == 13 { end -= 1 }
            lines.append(bytes[start..<end])
            start = newline + 1
        }
        return lines
    }

    /// A header's raw bytes: UTF-8 when they are (RFC 6532), else Windows-1252 (8-bit headers
    /// from old clients).
    static func headerText(_ bytes: ArraySlice<UInt8>) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return decode(bytes, charset: "windows-1252")
    }

    static func decode(_ bytes: ArraySlice<UInt8>, charset: String?) -> String {
        switch charset?.lowercased().trimmingSpaces() {
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii":
            return String(String.UnicodeScalarView(bytes.compactMap { Unicode.Scalar(UInt32($0)) }))
        case "windows-1252", "cp1252", "x-cp1252":
            return String(String.UnicodeScalarView(bytes.compactMap(windows1252)))
        case "iso-8859-15", "iso8859-15", "latin9", "latin-9":
            return String(String.UnicodeScalarView(bytes.compactMap(latin9)))
        default:
            // UTF-8, and the fallback for charsets we do not know.
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Windows-1252's 0x80-0x9F (the rest is Latin-1).
    private static let windows1252High: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD,
        0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0xFFFD, 0x017E, 0x0178,
    ]

    private static func windows1252(_ byte: UInt8) -> Unicode.Scalar? {
        if (0x80...0x9F).contains(byte) { return Unicode.Scalar(windows1252High[Int(byte - 0x80)]) }
        return Unicode.Scalar(UInt32(byte))
    }

    private static func latin9(_ byte: UInt8) -> Unicode.Scalar? {
        let changed: [UInt8: UInt32] = [
            0xA4: 0x20AC, 0xA6: 0x0160, 0xA8: 0x0161, 0xB4: 0x017D, 0xB8: 0x017E, 0xBC: 0x0152, 0xBD: 0x0153,
            0xBE: 0x0178,
        ]
        return Unicode.Scalar(changed[byte] ?? UInt32(byte))
    }
}

/// Content-Transfer-Encoding (RFC 2045 6): base64 and quoted-printable are decoded; 7bit, 8bit,
/// binary and unknown encodings are passed through.
enum TransferEncoding {
    static func decode(_ bytes: ArraySlice<UInt8>, encoding: String?) -> [UInt8] {
        switch encoding?.lowercased().trimmingSpaces() {
        case "base64": return base64(bytes)
        case "quoted-printable": return quotedPrintable(bytes)
        default: return Array(bytes)
        }
    }

    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 65...90: return byte - 65
        case 97...122: return byte - 71
        case 48...57: return byte + 4
        case 43, 45: return 62  // '+', and '-' of the URL alphabet
        case 47, 95: return 63  // '/', and '_'
        default: return nil
        }
    }

    /// Lenient as mail readers are: characters outside the alphabet (line breaks) are skipped, and
    /// decoding stops at the first '='.
    static func base64(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in bytes {
            if byte == 61 { break }
            guard let value = sextet(byte) else { continue }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: return byte - 48
        case 65...70: return byte - 55
        case 97...102: return byte - 87
        default: return nil
        }
    }

    /// RFC 2045 6.7: `=XX`, soft line breaks `=` at a line's end; a stray `=` is kept as it is.
    /// `underscoreIsSpace` for RFC 2047's Q encoding.
    static func quotedPrintable(_ bytes: ArraySlice<UInt8>, underscoreIsSpace: Bool = false) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 61 {
                // A soft line break: '=' then optional white space, then CRLF or LF.
                var look = index + 1
                while look < bytes.endIndex, bytes[look] == 32 || bytes[look] == 9 { look += 1 }
                if look < bytes.endIndex, bytes[look] == 13, look + 1 < bytes.endIndex, bytes[look + 1] == 10 {
                    index = look + 2
                    continue
                }
                if look < bytes.endIndex, bytes[look] == 10 {
                    index = look + 1
                    continue
                }
                if look == bytes.endIndex {
                    index = look
                    continue
                }
                if index + 2 < bytes.endIndex, let high = hexValue(bytes[index + 1]),
                    let low = hexValue(bytes[index + 2])
                {
                    output.append(high << 4 | low)
                    index += 3
                    continue
                }
            }
            output.append(underscoreIsSpace && byte == 95 ? 32 : byte)
            index += 1
        }
        return output
    }
}

/// RFC 2047 encoded words in header values: `=?charset?B?...?=` and `=?charset?Q?...?=`; white
/// space between two encoded words is dropped (RFC 2047 6.2). The time is in proportion to the
/// value's length: every search for a word's `?` or `?=` goes on from where the one before stopped,
/// so a value of a thousand `=?` that never close is not read a thousand times.
enum EncodedWords {
    static func decode(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        let characters = Array(value)
        var words = WordFinder(characters)
        var output = ""
        var position = 0
        var pendingSpace = ""
        var lastWasEncoded = false
        while position < characters.count {
            if let (text, end) = words.word(at: position) {
                if !lastWasEncoded { output += pendingSpace }
                output += text
                pendingSpace = ""
                lastWasEncoded = true
                position = end
                continue
            }
            let character = characters[position]
            position += 1
            if character == " " || character == "\t" {
                pendingSpace.append(character)
                continue
            }
            output += pendingSpace
            pendingSpace = ""
            output.append(character)
            lastWasEncoded = false
        }
        return output + pendingSpace
    }

    /// The encoded words of one value, looked for at growing positions.
    private struct WordFinder {
        let characters: [Character]
        // The `?` after `=?`, the `?` after the charset, the `?=` and the space after the encoding:
        // each asked for at growing positions, so each walks the value at most once.
        var charsetEnd: Search
        var encodingEnd: Search
        var payloadEnd: Search
        var space: Search

        init(_ characters: [Character]) {
            self.characters = characters
            charsetEnd = Search { characters[$0] == "?" }
            encodingEnd = charsetEnd
            payloadEnd = Search { $0 + 1 < characters.count && characters[$0] == "?" && characters[$0 + 1] == "=" }
            space = Search { characters[$0] == " " }
        }

        /// The word that starts at `start`: its decoded text and the position after its `?=`.
        mutating func word(at start: Int) -> (String, Int)? {
            guard start + 1 < characters.count, characters[start] == "=", characters[start + 1] == "?",
                let charsetEnd = charsetEnd.first(from: start + 2, in: characters.count),
                let encodingEnd = encodingEnd.first(from: charsetEnd + 1, in: characters.count),
                let payloadEnd = payloadEnd.first(from: encodingEnd + 1, in: characters.count),
                payloadEnd - (encodingEnd + 1) <= 1000,
                (space.first(from: encodingEnd + 1, in: characters.count) ?? payloadEnd) >= payloadEnd
            else { return nil }
            let payload = Array(String(characters[(encodingEnd + 1)..<payloadEnd]).utf8)
            // RFC 2231 language suffix: charset*language.
            let charset = String(characters[(start + 2)..<charsetEnd]).split(separator: "*").first.map(String.init)
            let bytes: [UInt8]
            switch String(characters[(charsetEnd + 1)..<encodingEnd]).uppercased() {
            case "B": bytes = TransferEncoding.base64(payload[...])
            case "Q": bytes = TransferEncoding.quotedPrintable(payload[...], underscoreIsSpace: true)
            default: return nil
            }
            return (Charset.decode(bytes[...], charset: charset ?? ""), payloadEnd + 2)
        }
    }

    /// The first position at or after a given one where `matches` holds, for positions that only
    /// grow: the search goes on from where it last stopped.
    private struct Search {
        let matches: (Int) -> Bool
        var found = -1

        init(_ matches: @escaping (Int) -> Bool) { self.matches = matches }

        mutating func first(from start: Int, in count: Int) -> Int? {
            if found < start {
                found = start
                while found < count, !matches(found) { found += 1 }
            }
            return found < count ? found : nil
        }
    }
}
