public import Foundation

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
        var output = ""
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            var current = ""
            let bytes = Array(line.utf8)
            for (position, byte) in bytes.enumerated() {
                let isLast = position == bytes.count - 1
                var piece: String
                if (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !isLast) {
                    piece = String(UnicodeScalar(byte))
                } else {
                    piece = String(format: "=%02X", byte)
                }
                // A line starting with "." or "From " is safe with QP: escape the dot for SMTP's sake.
                if current.isEmpty && byte == 46 { piece = "=2E" }
                if current.count + piece.count > 75 {
                    output += current + "=\r\n"
                    current = ""
                }
                current += piece
            }
            output += current
            if index < lines.count - 1 { output += "\r\n" }
        }
        return output
    }
}

public struct MIMEError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
