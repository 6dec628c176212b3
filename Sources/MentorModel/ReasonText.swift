/// A server's or gateway's words made safe for a reason: on one line, cut short, with what could
/// identify a person masked. A reason is stored, logged and listed to leaders; servers echo the
/// recipient ("550 <amira@example.dk>: unknown user"), gateways the number, and a bounce's
/// diagnostic the address it could not reach.
public enum ReasonText {
    /// Addresses become `a***@example.dk`; a run of 5 or more digits (a phone number, an id of the
    /// recipient) keeps only its last two; at most `limit` characters.
    public static func masked(_ text: String, limit: Int = 160) -> String {
        var words: [String] = []
        // Any blank, line break or control character separates words: the result is one line.
        for word in text.split(whereSeparator: ReasonText.separates) {
            if let at = word.firstIndex(of: "@") {
                let opening = word.prefix { $0 == "<" || $0 == "(" || $0 == "\"" }
                let local = word[word.index(word.startIndex, offsetBy: opening.count)..<at]
                words.append(String(opening) + String(local.prefix(1)) + "***" + String(word[at...]))
            } else {
                words.append(maskDigitRuns(String(word)))
            }
        }
        let joined = words.joined(separator: " ")
        return joined.count > limit ? String(joined.prefix(limit)) + "…" : joined
    }

    /// Only the first `limit` bytes of a gateway's answer, every digit masked: its codes are in the
    /// HTTP status we report anyway, and its digits may be the recipient's number.
    public static func gatewayExcerpt<Bytes: Collection<UInt8>>(_ bytes: Bytes, limit: Int = 60) -> String {
        let text = String(decoding: bytes.prefix(limit), as: UTF8.self)
        return String(
            text.unicodeScalars.map { scalar in
                if ("0"..."9").contains(scalar) { return "#" }
                return controlOrLineSeparator(scalar) ? " " : Character(scalar)
            })
    }

    private static func separates(_ character: Character) -> Bool {
        character.isWhitespace || character.unicodeScalars.contains(where: controlOrLineSeparator)
    }

    /// C0 and C1 controls, DEL, U+2028 and U+2029: what must never break a reason's line.
    private static func controlOrLineSeparator(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
            || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    private static func maskDigitRuns(_ word: String) -> String {
        var result = ""
        var run = ""
        func flush() {
            result += run.count >= 5 ? String(repeating: "#", count: run.count - 2) + run.suffix(2) : run
            run = ""
        }
        for character in word {
            if character.isASCII, character.isNumber {
                run.append(character)
            } else {
                flush()
                result.append(character)
            }
        }
        flush()
        return result
    }
}
