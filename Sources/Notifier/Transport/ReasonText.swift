/// A server's or gateway's words made safe for a reason: on one line, cut short, with what could
/// identify a person masked. A reason is stored, logged and listed to leaders; servers echo the
/// recipient ("550 <amira@example.dk>: unknown user") and gateways the number.
enum ReasonText {
    /// Addresses become `a***@example.dk`; a run of 5 or more digits (a phone number, an id of the
    /// recipient) keeps only its last two; at most `limit` characters.
    static func masked(_ text: String, limit: Int = 160) -> String {
        var words: [String] = []
        for word in text.singleLine.split(separator: " ", omittingEmptySubsequences: true) {
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
    static func gatewayExcerpt<Bytes: Collection<UInt8>>(_ bytes: Bytes, limit: Int = 60) -> String {
        let text = String(decoding: bytes.prefix(limit), as: UTF8.self).singleLine
        return String(text.unicodeScalars.map { ("0"..."9").contains($0) ? "#" : Character($0) })
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
