import Foundation

/// Text as an SMS carries it cheaply: the GSM 03.38 alphabet. One character outside it (a name's
/// "ë", a typographic dash) turns the whole SMS into UCS-2, 70 characters a segment instead of 160,
/// and a two-segment text into three or more. Names and other values are written in GSM letters
/// before they go into an SMS: "Zoë" as "Zoe", "Łukasz" as "Lukasz", "Олена" as "Olena".
public enum GSMText {
    /// The basic character set (one septet each).
    public static let basic: Set<Character> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
    )
    /// The extension table (an escape plus one septet: two each).
    public static let extended: Set<Character> = Set("^{}\\[~]|€\u{000C}")

    public static func isGSM(_ character: Character) -> Bool {
        basic.contains(character) || extended.contains(character)
    }

    public static func isGSM(_ text: String) -> Bool { text.allSatisfy(isGSM) }

    /// `text` in GSM letters, or nil when a character has no GSM spelling (a script other than
    /// Latin, Greek or Cyrillic).
    public static func transliterated(_ text: String) -> String? {
        if isGSM(text) { return text }
        var result = ""
        for character in text {
            guard let spelled = spelling(of: character) else { return nil }
            result += spelled
        }
        return result
    }

    /// Like `transliterated`, with `?` for what has no GSM spelling: for texts that must go anyway.
    public static func bestEffort(_ text: String) -> String {
        if isGSM(text) { return text }
        return text.map { spelling(of: $0) ?? "?" }.joined()
    }

    private static func spelling(of character: Character) -> String? {
        if isGSM(character) { return String(character) }
        if let mapped = punctuation[character] ?? letters[character] { return mapped }
        let lower = Character(character.lowercased())
        if let mapped = cyrillic[lower] {
            return character == lower ? mapped : mapped.prefix(1).uppercased() + mapped.dropFirst()
        }
        // A Latin letter with a mark: its base letter ("ë" → "e", "Č" → "C").
        let decomposed = String(character).decomposedStringWithCanonicalMapping.unicodeScalars
        let base = decomposed.filter { !(0x300...0x36F).contains($0.value) }
        guard base.count == 1, let scalar = base.first, scalar.isASCII, scalar.properties.isAlphabetic else {
            return nil
        }
        return String(scalar)
    }

    private static let punctuation: [Character: String] = [
        "\u{2018}": "'", "\u{2019}": "'", "\u{201A}": "'", "\u{201C}": "\"", "\u{201D}": "\"", "\u{201E}": "\"",
        "\u{2013}": "-", "\u{2014}": "-", "\u{2026}": "...", "\u{00A0}": " ", "\u{00AB}": "\"", "\u{00BB}": "\"",
        "`": "'", "´": "'",
    ]

    private static let letters: [Character: String] = [
        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "œ": "oe", "Œ": "OE",
        "ı": "i", "ŋ": "ng", "ĸ": "k",
    ]

    private static let cyrillic: [Character: String] = [
        "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "ye", "ё": "yo", "ж": "zh",
        "з": "z", "и": "i", "і": "i", "ї": "yi", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
        "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    ]
}
