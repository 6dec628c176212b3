import Foundation

/// The encodings an RFC 5322 message needs: RFC 2047 words for headers, quoted-printable bodies.
public enum MIMEEncoding {
    /// Refuses CR, LF and NUL in a header value: header injection must be impossible.
    public static func checkHeader(_ value: String, name: String) throws(MIMEError) {
        if value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
            throw MIMEError(message: "the \(name) header would contain a line break or NUL; refused")
        }
    }

    /// An RFC 2047 encoded-word (`=?UTF-8?B?...?=`), split so no encoded word passes 75 characters;
    /// plain ASCII is returned unchanged.
    public static func encodedWords(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7f }) && !text.contains("=?") {
            return text
        }
        var words: [String] = []
        var chunk = [UInt8]()
        for character in text {
            let bytes = Array(String(character).utf8)
            // 45 bytes → 60 base64 characters + 12 of framing = 72, within RFC 2047's 75.
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// Quoted-printable (RFC 2045) with CRLF line ends and soft breaks at 76 characters.
    public static func quotedPrintable(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
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
                output += [13, 10]
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
                output += [61, 13, 10]
                lineLength = 0
            }
            if literal {
                output.append(byte)
            } else {
                output += [61, hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
            lineLength += width
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// A JSON string literal (for request bodies we build by hand).
    public static func jsonString(_ text: String) -> String {
        // Most values need no escaping: take them whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let digits = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}

public struct MIMEError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
