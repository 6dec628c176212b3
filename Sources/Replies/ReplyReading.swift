import Foundation
import MentorModel

/// What a reply says, by SPEC.md's reading table.
public enum ReplyIntent: Sendable, Hashable {
    /// A length of contact, 1 minute to 24 hours.
    case duration(minutes: Int)
    case yes
    case no
    /// An evaluation was filled in.
    case done
    case stop
    case start
    /// Anything else: forwarded to the leaders.
    case other
}

/// Reads the answer out of a reply's text: the first line that is the person's own (not quoted
/// history, an attribution line, a signature or "Sent from my iPhone"), then what it means.
public enum ReplyReading {
    /// The person's own lines, before the quoted message or the signature, at most `limit`
    /// characters: the answer is read from the first, the forward to the leader carries them all.
    public static func ownLines(_ text: String, limit: Int = 2000) -> [String] {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { String($0).replacingCarriageReturn().trimmingSpaces() }
        var own: [String] = []
        var characters = 0
        for (index, line) in lines.enumerated() {
            if line.hasPrefix(">") || startsQuote(line, next: lines.dropFirst(index + 1).prefix(2)) { break }
            // "-- " is the signature delimiter (trimmed to "--").
            if line == "--" || line == "__" { break }
            // A device signature ends what the person wrote: below it is the quoted message.
            if isDeviceSignature(line) { break }
            if own.isEmpty && line.isEmpty { continue }
            characters += line.count
            guard characters <= limit else { break }
            own.append(line)
        }
        while own.last?.isEmpty == true { own.removeLast() }
        return own
    }

    /// The answer: the first own line, read by the table.
    public static func intent(ofText text: String) -> ReplyIntent {
        guard let first = ownLines(text).first else { return .other }
        return intent(ofLine: first)
    }

    public static func intent(ofLine line: String) -> ReplyIntent {
        let words = normalized(line)
        if let minutes = duration(words) { return .duration(minutes: minutes) }
        let phrase = words.joined(separator: " ")
        if yes.contains(phrase) { return .yes }
        if no.contains(phrase) { return .no }
        if done.contains(phrase) { return .done }
        if stop.contains(phrase) { return .stop }
        if start.contains(phrase) { return .start }
        return .other
    }

    static let yes: Set<String> = ["ja", "ja tak", "kommer", "jeg kommer", "yes", "yes please", "ja gerne"]
    static let no: Set<String> = [
        "nej", "nej tak", "kommer ikke", "jeg kommer ikke", "kan ikke", "jeg kan ikke", "no", "no thanks",
    ]
    static let done: Set<String> = ["udfyldt", "færdig", "faerdig", "sendt", "done"]
    static let stop: Set<String> = ["stop", "afmeld", "unsubscribe"]
    static let start: Set<String> = ["start"]

    /// Lower-cased words, with punctuation around them removed: "Ja tak!" → ["ja", "tak"].
    static func normalized(_ line: String) -> [String] {
        let punctuation: Set<Character> = [
            ".", ",", "!", "?", ";", ":", "\"", "'", "(", ")", "*", "-", "–", "—", "…", "«", "»", "“", "”", "’",
        ]
        return line.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\u{00A0}" })
            .map { word -> String in
                var word = Substring(word)
                // A decimal comma or point belongs to the number: only trim it at the ends.
                while let last = word.last, punctuation.contains(last) { word = word.dropLast() }
                // A leading minus is kept: "-3" is not a duration.
                while let first = word.first, first != "-", punctuation.contains(first) { word = word.dropFirst() }
                return String(word)
            }
            .filter { !$0.isEmpty }
    }

    private static let hourUnits: Set<String> = ["t", "time", "timer", "h", "hour", "hours", "hr", "hrs", "tim", "tt"]
    private static let minuteUnits: Set<String> = ["m", "min", "mins", "minut", "minutter", "minute", "minutes"]

    /// Minutes, when the words are a duration of 1 minute to 24 hours: a bare number (hours),
    /// numbers with units ("2 t 30 min", "2 timer og 30 minutter", "90 min"), or `h:mm`.
    static func duration(_ words: [String]) -> Int? {
        guard !words.isEmpty, words.count <= 6 else { return nil }
        // A number and its unit may be written together: "3t", "90min", "1½t".
        var tokens: [String] = []
        for word in words {
            if let split = word.firstIndex(where: { $0.isLetter }), split != word.startIndex,
                word[..<split].allSatisfy({ $0.isNumber || $0 == "," || $0 == "." || $0 == "½" })
            {
                tokens += [String(word[..<split]), String(word[split...])]
            } else {
                tokens.append(word)
            }
        }
        var minutes = 0.0
        var index = 0
        var sawUnit = false
        while index < tokens.count {
            let token = tokens[index]
            if token == "og" || token == "and" {
                index += 1
                continue
            }
            if let clock = clockMinutes(token), tokens.count == 1 { return bounded(Double(clock)) }
            guard let value = number(token) else { return nil }
            let unit = index + 1 < tokens.count ? tokens[index + 1] : nil
            if let unit, hourUnits.contains(unit) {
                minutes += value * 60
                index += 2
                sawUnit = true
            } else if let unit, minuteUnits.contains(unit) {
                minutes += value
                index += 2
                sawUnit = true
            } else if unit == nil, !sawUnit, tokens.count == 1 {
                // A bare number is hours.
                minutes += value * 60
                index += 1
            } else {
                return nil
            }
        }
        return bounded(minutes)
    }

    private static func bounded(_ minutes: Double) -> Int? {
        let rounded = Int(minutes.rounded())
        return (1...1440).contains(rounded) ? rounded : nil
    }

    /// `1:30` → 90.
    private static func clockMinutes(_ token: String) -> Int? {
        let parts = token.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, let hours = Int(parts[0]), let minutes = Int(parts[1]),
            (0...24).contains(hours), (0..<60).contains(minutes)
        else { return nil }
        return hours * 60 + minutes
    }

    /// `3`, `3,5`, `3.5`, `3½`, `½`: at most 4 digits before the decimal mark and 2 after.
    private static func number(_ token: String) -> Double? {
        var text = Substring(token)
        var half = 0.0
        if text.hasSuffix("½") {
            half = 0.5
            text = text.dropLast()
            if text.isEmpty { return 0.5 }
        }
        let pieces = text.split(separator: ",", omittingEmptySubsequences: false).flatMap {
            $0.split(separator: ".", omittingEmptySubsequences: false)
        }
        guard (1...2).contains(pieces.count), pieces.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) }),
            pieces[0].count <= 4, pieces.count == 1 || pieces[1].count <= 2,
            let whole = Int(pieces[0])
        else { return nil }
        var value = Double(whole) + half
        if pieces.count == 2 {
            guard half == 0, let fraction = Int(pieces[1]) else { return nil }
            value += Double(fraction) / (pieces[1].count == 1 ? 10 : 100)
        }
        return value
    }

    /// Where the quoted message begins: an attribution line ("Den 20. mar. 2026 kl. 09.00 skrev …:",
    /// "On … wrote:", possibly wrapped onto the next line), an "Original Message" rule, Outlook's
    /// underscore rule, or an Outlook header block ("Fra: …" followed by "Sendt:"/"Sent:").
    static func startsQuote(_ line: String, next: ArraySlice<String>) -> Bool {
        let lower = line.lowercased()
        if lower.hasPrefix("-----") && (lower.contains("original") || lower.contains("oprindelig")) { return true }
        if line.count >= 20 && line.allSatisfy({ $0 == "_" }) { return true }
        if lower.hasSuffix("skrev:") || lower.hasSuffix("wrote:") || lower.hasSuffix("a écrit :")
            || lower.hasSuffix("schrieb:")
        {
            return true
        }
        // Wrapped over two lines, the address going to the second: "… skrev Mentorshoppen <" / "svar@x.dk>:".
        let attributionStart = ["den ", "on ", "d. ", "am ", "le "].contains(where: { lower.hasPrefix($0) })
        // On one line, with the address: "Den 20. mar. 2026 kl. 09.00 skrev Navn <adresse>:".
        if attributionStart, lower.hasSuffix(">:"), lower.contains(" skrev ") || lower.contains(" wrote ") {
            return true
        }
        if attributionStart, let following = next.first?.lowercased(), following.hasSuffix(":"),
            (lower + " " + following).contains(" skrev") || (lower + " " + following).contains(" wrote")
        {
            return true
        }
        if lower.hasPrefix("fra:") || lower.hasPrefix("from:") {
            return next.contains(where: {
                let word = $0.lowercased()
                return word.hasPrefix("sendt:") || word.hasPrefix("sent:") || word.hasPrefix("date:")
                    || word.hasPrefix("dato:") || word.hasPrefix("til:") || word.hasPrefix("to:")
            })
        }
        return false
    }

    /// "Sendt fra min iPhone", "Sent from my Android phone", "Hent Outlook til iOS": not an answer.
    static func isDeviceSignature(_ line: String) -> Bool {
        let lower = line.lowercased()
        return lower.hasPrefix("sendt fra min ") || lower.hasPrefix("sent from my ") || lower.hasPrefix("hent outlook")
            || lower.hasPrefix("get outlook for")
    }
}

extension String {
    fileprivate func replacingCarriageReturn() -> String {
        guard contains("\r") else { return self }
        return String(unicodeScalars.filter { $0 != "\r" }.map(Character.init))
    }
}
