import Testing

@testable import Notifier

/// Quoted-printable against a plain reading of RFC 2045 (and our dot rule), on texts drawn at
/// random from the characters that matter: printable ones, '=', '.', blanks, line ends, Danish
/// letters and long runs that force soft breaks.
@Suite struct QuotedPrintableTests {
    /// One character at a time: CRLF or LF ends a line; a byte stands for itself when printable
    /// and not '=', a blank only when not at the line's end, a dot not at its start; lines of
    /// encoded text stay within 75 characters and a soft break ('=' CRLF) ends a full one.
    static func reference(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out = ""
        var line = 0
        var index = 0
        while index < bytes.count {
            var byte = bytes[index]
            if byte == 13, index + 1 < bytes.count, bytes[index + 1] == 10 {
                index += 1
                byte = 10
            }
            if byte == 10 {
                out += "\r\n"
                line = 0
                index += 1
                continue
            }
            let last = index + 1 == bytes.count || bytes[index + 1] == 10 || bytes[index + 1] == 13
            let blank = byte == 32 || byte == 9
            let plain = (33...126).contains(byte) && byte != 61
            let literal = (plain || (blank && !last)) && !(line == 0 && byte == 46)
            let piece =
                literal ? String(UnicodeScalar(byte)) : "=" + String(byte, radix: 16, uppercase: true).leftPadded
            if line + piece.count > 75 {
                out += "=\r\n"
                line = 0
            }
            out += piece
            line += piece.count
            index += 1
        }
        return out
    }

    @Test func randomTextsEncodeAsTheReferenceDoes() {
        var generator = SystemRandomNumberGenerator()
        let pieces = [
            "a", "Z", "9", "=", ".", " ", "\t", "\n", "\r\n", "\r", "æ", "ø", "Å", "é", "~", "!",
            String(repeating: "x", count: 80), String(repeating: ". ", count: 40), "€", "😀",
        ]
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0...60, using: &generator)).map { _ in
                pieces.randomElement(using: &generator) ?? ""
            }.joined()
            #expect(MIMEEncoding.quotedPrintable(text) == Self.reference(text), "\(Array(text.utf8))")
        }
    }
}

extension String {
    fileprivate var leftPadded: String { count < 2 ? "0" + self : self }
}
