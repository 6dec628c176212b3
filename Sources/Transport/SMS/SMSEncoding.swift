import MentorModel

/// SMS length: GSM 03.38 (7-bit) when every character fits, else UCS-2.
public enum SMSEncoding: String, Sendable {
    case gsm7 = "GSM-7"
    case ucs2 = "UCS-2"

    /// GSM 03.38's tables (`GSMText`) by Unicode scalar, for counting without Character hashing.
    static let basicScalars = Set(GSMText.basic.flatMap(\.unicodeScalars).map(\.value))
    static let extendedScalars = Set(GSMText.extended.flatMap(\.unicodeScalars).map(\.value))

    /// Units in the chosen encoding: septets for GSM-7, UTF-16 code units for UCS-2.
    public static func units(of text: String) -> (SMSEncoding, Int) {
        var septets = 0
        for scalar in text.unicodeScalars {
            let value = scalar.value
            // Printable ASCII is GSM-7 but for these few.
            if value >= 0x20 && value < 0x7F && value != 0x60 && !(0x5B...0x5E).contains(value)
                && !(0x7B...0x7E).contains(value) && value != 0x24 && value != 0x40
            {
                septets += 1
            } else if basicScalars.contains(value) {
                septets += 1
            } else if extendedScalars.contains(value) {
                septets += 2
            } else {
                return (.ucs2, text.utf16.count)
            }
        }
        return (.gsm7, septets)
    }

    /// How many segments the text takes: 160/153 septets or 70/67 UCS-2 units.
    public static func segments(_ text: String) -> Int {
        let (encoding, units) = units(of: text)
        guard units > 0 else { return 1 }
        let (single, multi) = encoding == .gsm7 ? (160, 153) : (70, 67)
        return units <= single ? 1 : (units + multi - 1) / multi
    }
}
