/// SMS length: GSM 03.38 (7-bit) when every character fits, else UCS-2.
public enum SMSEncoding: String, Sendable {
    case gsm7 = "GSM-7"
    case ucs2 = "UCS-2"

    /// The GSM 03.38 basic character set (one septet each).
    static let basic: Set<Character> = Set(
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
    /// The extension table (an escape plus one septet: two each).
    static let extended: Set<Character> = Set("^{}\\[~]|€\u{000C}")

    public static func encoding(of text: String) -> SMSEncoding {
        text.allSatisfy { basic.contains($0) || extended.contains($0) } ? .gsm7 : .ucs2
    }

    /// Units in the chosen encoding: septets for GSM-7, UTF-16 code units for UCS-2.
    public static func units(of text: String) -> (SMSEncoding, Int) {
        let encoding = encoding(of: text)
        switch encoding {
        case .gsm7: return (encoding, text.reduce(0) { $0 + (extended.contains($1) ? 2 : 1) })
        case .ucs2: return (encoding, text.utf16.count)
        }
    }

    /// How many segments the text takes: 160/153 septets or 70/67 UCS-2 units.
    public static func segments(_ text: String) -> Int {
        let (encoding, units) = units(of: text)
        guard units > 0 else { return 1 }
        let (single, multi) = encoding == .gsm7 ? (160, 153) : (70, 67)
        return units <= single ? 1 : (units + multi - 1) / multi
    }
}
