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
        var words: [String] = []
        var chunk = [UInt8]()
        chunk.reserveCapacity(48)
        // Whole characters per word: a word must not split a character's bytes (RFC 2047 5).
        for character in text {
            let length = character.utf8.count
            // 45 bytes → 60 base64 characters + 12 of framing = 72, within RFC 2047's 75.
            if chunk.count + length > 45 && !chunk.isEmpty {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk.removeAll(keepingCapacity: true)
            }
            chunk += character.utf8
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// Quoted-printable (RFC 2045) with CRLF line ends and soft breaks at 76 characters.
    public static func quotedPrintable(_ text: String) -> String {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count * 3 / 2)
        var lineLength = 0
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            var byte = bytes[index]
            // CRLF and lone LF both end a line.
            if byte == 13 && index + 1 < bytes.count && bytes[index + 1] == 10 {
                index += 1
                byte = 10
            }
            if byte == 10 {
                output.append(13)
                output.append(10)
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
                output.append(61)
                output.append(13)
                output.append(10)
                lineLength = 0
            }
            if literal {
                output.append(byte)
            } else {
                output.append(61)
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 15)])
            }
            lineLength += width
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }
}

public struct MIMEError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
