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

/// Reads the answer out of a reply's text: the person's own lines (not quoted history, an
/// attribution line, a signature or "Sent from my iPhone"), and what the first of them past a
/// greeting means.
public enum ReplyReading {
    /// The person's own lines, at most `limit` characters: the answer is read from them, the
    /// forward to the leader carries them all. `>`-quoted lines are passed over, not an end, so an
    /// answer written below the quoted text (bottom-posting) or between its lines (inline) is read;
    /// an attribution line goes with its `>` block. The old message that is not `>`-quoted (below
    /// an Outlook header block or an "Original Message" rule), a device signature and the `-- `
    /// signature end them: nothing below is the person's.
    public static func ownLines(_ text: String, limit: Int = 2000) -> [String] {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { String($0).replacingCarriageReturn().trimmingSpaces() }
        var own: [String] = []
        var characters = 0
        // After an attribution line only blank lines and its `>` block may follow: anything else
        // is the old message written out without `>`, and not the person's.
        var awaitingQuote = false
        var index = 0
        reading: while index < lines.count {
            let line = lines[index]
            index += 1
            if line.hasPrefix(">") {
                awaitingQuote = false
                continue
            }
            if line.isEmpty {
                // Blank lines only between own lines, one for many.
                if !awaitingQuote, let last = own.last, !last.isEmpty { own.append(line) }
                continue
            }
            if awaitingQuote { break }
            // The window is a constant two lines, so the reading stays linear in the text.
            switch startsQuote(line, next: lines[index...].prefix(2)) {
            case .attribution(let wrappedLines):
                index += wrappedLines
                awaitingQuote = true
            case .oldMessage:
                break reading
            case nil:
                // "-- " is the signature delimiter (trimmed to "--").
                if line == "--" || line == "__" || isDeviceSignature(line) { break reading }
                characters += line.count
                guard characters <= limit else { break reading }
                own.append(line)
            }
        }
        while own.last?.isEmpty == true { own.removeLast() }
        return own
    }

    /// The answer: the first own line past a greeting, read by the table.
    public static func intent(ofText text: String) -> ReplyIntent {
        intent(ofOwnLines: ownLines(text))
    }

    /// The answer in the person's own lines: the first that is neither blank nor a greeting
    /// ("Hej", "Hej Elias,", "Kære Karin", "Hi"), read by the table. An answer after a greeting on
    /// the same line counts too ("Hej Elias, 3 timer", "Hej ja tak").
    public static func intent(ofOwnLines lines: [String]) -> ReplyIntent {
        for line in lines where !line.isEmpty {
            let words = normalized(line)
            guard let first = words.first, greetings.contains(first) else { return intent(ofLine: line) }
            // "Hej Elias, hvornår …": what follows the greeting's comma or exclamation mark decides.
            if let mark = line.firstIndex(where: { $0 == "," || $0 == "!" }),
                !normalized(String(line[mark...])).isEmpty
            {
                return intent(ofLine: String(line[line.index(after: mark)...]))
            }
            let afterGreeting = intent(ofLine: words.dropFirst().joined(separator: " "))
            if afterGreeting != .other { return afterGreeting }
            // A greeting is a greeting word and perhaps a name; a longer line is a sentence.
            guard words.count <= maxGreetingWords else { return .other }
        }
        return .other
    }

    static let greetings: Set<String> = [
        "hej", "hejsa", "hejhej", "hey", "hi", "hello", "hallo", "halløj", "kære", "dear", "goddag", "godmorgen",
    ]
    /// "Hej Anne Marie Sørensen".
    private static let maxGreetingWords = 4

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

    /// What a line that is not `>`-quoted says about the lines below it.
    enum QuoteStart: Equatable {
        /// "Den 20. mar. 2026 kl. 09.00 skrev Navn <adresse>:", on this line and `wrappedLines`
        /// more: the `>` block below it is the old message; below that the person may write again.
        case attribution(wrappedLines: Int)
        /// An "Original Message" rule, Outlook's underscore rule or its header block: what follows
        /// is the old message written out without `>`, to the end.
        case oldMessage
    }

    /// Where a quoted message begins: an attribution line ("Den 20. mar. 2026 kl. 09.00 skrev …:",
    /// "On … wrote:", possibly wrapped onto the next two lines), an "Original Message" rule in one
    /// of six languages, Outlook's underscore rule, or an Outlook header block ("Fra: …" followed
    /// by "Sendt:"/"Til:"/…, also in bold as "*Fra:*").
    static func startsQuote(_ line: String, next: ArraySlice<String>) -> QuoteStart? {
        let lower = line.lowercased()
        if lower.hasPrefix("-----"), originalMessageWords.contains(where: { lower.contains($0) }) { return .oldMessage }
        if line.count >= 20 && line.allSatisfy({ $0 == "_" }) { return .oldMessage }
        if let field = headerField(line), fromFields.contains(field),
            next.contains(where: { headerField($0).map(otherFields.contains) == true })
        {
            return .oldMessage
        }
        let started = attributionStarts.contains(where: { lower.hasPrefix($0) })
        if isAttribution(lower, started: started) { return .attribution(wrappedLines: 0) }
        // Wrapped: "Den 2. mar. 2026 kl. 09.00 skrev Mentorshoppen <" / "svar@x.dk>:".
        guard started else { return nil }
        var joined = lower
        for (offset, following) in next.enumerated() {
            guard !following.isEmpty, !following.hasPrefix(">") else { return nil }
            joined += " " + following.lowercased()
            if isAttribution(joined, started: true) { return .attribution(wrappedLines: offset + 1) }
        }
        return nil
    }

    /// "… skrev:", "… a écrit :", or, begun as one ("Den …", "On …"), or ending in the address
    /// (">:"), a line with the verb inside: "Den 20. mar. 2026 kl. 09.00 skrev Navn <adresse>:".
    private static func isAttribution(_ lower: String, started: Bool) -> Bool {
        guard lower.hasSuffix(":") else { return false }
        var body = lower.dropLast()
        while body.last == " " { body = body.dropLast() }
        if attributionVerbs.contains(where: { body.hasSuffix(" " + $0) }) { return true }
        guard started || lower.hasSuffix(">:") else { return false }
        return attributionVerbs.contains(where: { lower.contains(" " + $0 + " ") })
    }

    private static let attributionStarts = ["den ", "on ", "d. ", "am ", "le ", "op "]
    private static let attributionVerbs = ["skrev", "wrote", "schrieb", "a écrit", "schreef"]
    private static let originalMessageWords = [
        "original", "oprindelig", "ursprüngliche", "origine", "oorspronkelijk", "ursprungligt", "opprinnelig",
        "forwarded", "videresendt",
    ]
    /// The field an Outlook header block begins with, in Danish, English, German, French, Dutch, Swedish.
    private static let fromFields: Set<String> = ["fra", "from", "von", "de", "van", "från"]
    /// The fields that follow it.
    private static let otherFields: Set<String> = [
        "sendt", "til", "emne", "dato", "sent", "to", "subject", "date", "cc", "gesendet", "an", "betreff",
        "datum", "envoyé", "à", "objet", "verzonden", "aan", "onderwerp", "skickat", "till", "ämne",
    ]

    /// "fra" for "Fra: …", "*Fra:* …" and "De : …": a short name before a colon, without the bold
    /// marks. Only the line's start is looked at, however long the line.
    private static func headerField(_ line: String) -> String? {
        let start = line.prefix(16).lowercased()
        guard let colon = start.firstIndex(of: ":") else { return nil }
        let name = start[..<colon].filter { $0 != "*" }.trimmingSpaces()
        return name.isEmpty || name.contains(" ") ? nil : name
    }

    /// "Sendt fra min iPhone", "Sent from my Android phone", "Hent Outlook til iOS", "Gesendet von
    /// meinem iPhone": not an answer, and below it is the quoted message.
    static func isDeviceSignature(_ line: String) -> Bool {
        let lower = line.lowercased()
        return deviceSignatureStarts.contains(where: { lower.hasPrefix($0) })
            || (lower.hasPrefix("von meinem ") && lower.hasSuffix("gesendet"))
    }

    private static let deviceSignatureStarts = [
        "sendt fra min ", "sendt fra outlook", "hent outlook", "sent from my ", "sent from outlook", "get outlook for",
        "gesendet von ", "envoyé de mon ", "verzonden met ", "verstuurd vanaf ", "skickat från min ",
    ]
}

extension String {
    fileprivate func replacingCarriageReturn() -> String {
        guard contains("\r") else { return self }
        return String(unicodeScalars.filter { $0 != "\r" }.map(Character.init))
    }
}
