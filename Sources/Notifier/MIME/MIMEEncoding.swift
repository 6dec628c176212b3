import Foundation

/// The encodings an RFC 5322 message needs: RFC 2047 words for headers, quoted-printable bodies.
public enum MIMEEncoding {
    /// Refuses CR, LF and NUL in a header value: header injection must be impossible.
    public static func checkHeader(_ value: String, name: String) throws(MIMEError) {
        // CR, LF and NUL are single bytes in UTF-8 and never part of another character's bytes.
        if value.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) {
            throw MIMEError(message: "the \(name) header would contain a line break or NUL; refused")
        }
    }

    /// An RFC 2047 encoded-word (`=?UTF-8?B?...?=`), split so no encoded word passes 75 characters;
    /// plain ASCII is returned unchanged.
    public static func encodedWords(_ text: String) -> String {
        let bytes = text.utf8
        if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f })
            && !zip(bytes, bytes.dropFirst()).contains(where: { $0 == UInt8(ascii: "=") && $1 == UInt8(ascii: "?") })
        {
            return text
        }
        // Below U+0300 (no byte from 0xCC up) and without CR, every scalar is a character of its own:
        // what joins scalars into one (combining marks, joiners, selectors, CR LF) lies above or is
        // CR. The words are then cut between scalars, as the walk by Character below cuts them,
        // without its grapheme breaking, which was most of the cost of a Danish subject.
        if bytes.allSatisfy({ $0 < 0xCC && $0 != 13 }) { return wordsByScalar(bytes) }
        return wordsByCharacter(text)
    }

    /// `encodedWords` of text whose scalars are characters of their own (see there).
    static func wordsByScalar(_ bytes: String.UTF8View) -> String {
        var words = ""
        var chunk = [UInt8]()
        chunk.reserveCapacity(48)
        for byte in bytes {
            // A byte that starts a scalar: one byte below 0x80, else two (the lead is below 0xCC);
            // 45 bytes a word, as below.
            if byte & 0xC0 != 0x80, chunk.count + (byte < 0x80 ? 1 : 2) > 45, !chunk.isEmpty {
                appendWord(chunk, to: &words)
                chunk.removeAll(keepingCapacity: true)
            }
            chunk.append(byte)
        }
        if !chunk.isEmpty { appendWord(chunk, to: &words) }
        return words
    }

    /// `encodedWords` by whole characters.
    static func wordsByCharacter(_ text: String) -> String {
        var words = ""
        var chunk = [UInt8]()
        chunk.reserveCapacity(48)
        // Whole characters per word: a word must not split a character's bytes (RFC 2047 5).
        for character in text {
            let length = character.utf8.count
            // 45 bytes → 60 base64 characters + 12 of framing = 72, within RFC 2047's 75.
            if chunk.count + length > 45 && !chunk.isEmpty {
                appendWord(chunk, to: &words)
                chunk.removeAll(keepingCapacity: true)
            }
            chunk += character.utf8
        }
        if !chunk.isEmpty { appendWord(chunk, to: &words) }
        return words
    }

    /// `=?UTF-8?B?…?=` of `bytes`, after a folding line break when `words` holds one already.
    private static func appendWord(_ bytes: [UInt8], to words: inout String) {
        if !words.isEmpty { words += "\r\n " }
        words += "=?UTF-8?B?"
        words += base64(bytes)
        words += "?="
    }

    private static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Base64 (RFC 4648) with padding; a few dozen bytes of a header, where Foundation's Data round
    /// trip costs more than the encoding.
    static func base64(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            let a = UInt32(bytes[index])
            let b = count > 1 ? UInt32(bytes[index + 1]) : 0
            let c = count > 2 ? UInt32(bytes[index + 2]) : 0
            let group = a << 16 | b << 8 | c
            output.append(base64Alphabet[Int(group >> 18 & 63)])
            output.append(base64Alphabet[Int(group >> 12 & 63)])
            output.append(count > 1 ? base64Alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "="))
            output.append(count > 2 ? base64Alphabet[Int(group & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Quoted-printable (RFC 2045) with CRLF line ends and soft breaks at 76 characters.
    public static func quotedPrintable(_ text: String) -> String {
        var text = text
        // Contiguous UTF-8 (a bridged or foreign string is copied once): the loop reads raw bytes and
        // writes into the new string's own storage, at most four bytes out for each byte in.
        return text.withUTF8 { bytes in
            String(unsafeUninitializedCapacity: bytes.count * 4 + 16) { output in
                quotedPrintable(bytes, into: output)
            }
        }
    }

    /// Writes the encoding of `bytes` into `output` (room for 4 bytes per byte and 16 more) and
    /// returns how many bytes it wrote.
    private static func quotedPrintable(
        _ bytes: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>
    ) -> Int {
        let hex: StaticString = "0123456789ABCDEF"
        var written = 0
        func put(_ byte: UInt8) {
            output[written] = byte
            written += 1
        }
        var lineLength = 0
        var index = 0
        while index < bytes.count {
            var byte = bytes[index]
            // Most bytes are printable characters that stand for themselves, mid-line, with room
            // left on it: written at once, without the checks below (which give the same for them).
            if byte >= 33 && byte <= 126 && byte != 61 && lineLength < 75 && (lineLength > 0 || byte != 46) {
                put(byte)
                lineLength += 1
                index += 1
                continue
            }
            // CRLF and lone LF both end a line.
            if byte == 13 && index + 1 < bytes.count && bytes[index + 1] == 10 {
                index += 1
                byte = 10
            }
            if byte == 10 {
                put(13)
                put(10)
                lineLength = 0
                index += 1
                continue
            }
            let atLineEnd = index + 1 == bytes.count || bytes[index + 1] == 10 || bytes[index + 1] == 13
            // A dot starting a line is escaped for SMTP's sake; trailing blanks must be encoded.
            let literal =
                ((byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !atLineEnd))
                && !(lineLength == 0 && byte == 46)
            let width = literal ? 1 : 3
            if lineLength + width > 75 {
                put(61)
                put(13)
                put(10)
                lineLength = 0
            }
            if literal {
                put(byte)
            } else {
                put(61)
                put(hex.utf8Start[Int(byte >> 4)])
                put(hex.utf8Start[Int(byte & 15)])
            }
            lineLength += width
            index += 1
        }
        return written
    }
}

public struct MIMEError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
