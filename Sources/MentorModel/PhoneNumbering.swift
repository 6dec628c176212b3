/// The country codes of E.164 in use (ITU-T E.164 list of assigned codes, less the international
/// networks and freephone): a number that starts with none of them cannot be dialled, and an SMS
/// to it only costs money.
package enum PhoneNumbering {
    package static let oneDigit: Set<String> = ["1", "7"]
    package static let twoDigits: Set<String> = [
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
        "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84",
        "86", "90", "91", "92", "93", "94", "95", "98",
    ]
    /// Three-digit codes, as ranges of their last digit per two-digit prefix.
    package static let threeDigits: [String: Set<Character>] = [
        "21": ["1", "2", "3", "6", "8"], "22": all, "23": all, "24": all, "25": Set("012345678"), "26": all,
        "29": ["0", "1", "7", "8", "9"], "35": all, "37": Set("012345678"), "38": Set("01235679"),
        "42": ["0", "1", "3"], "50": all, "59": all, "67": Set("02346789"), "68": Set("01235679"),
        "69": ["0", "1", "2"], "85": ["0", "2", "3", "5", "6"], "88": ["0", "6"], "96": all,
        "97": Set("01234567"), "99": Set("2345678"),
    ]
    private static let all = Set("0123456789")

    /// The country code `digits` (E.164 without `+`) starts with, if it is one in use.
    package static func countryCode<Digits: StringProtocol>(of digits: Digits) -> String? {
        let one = String(digits.prefix(1))
        if oneDigit.contains(one) { return one }
        let two = String(digits.prefix(2))
        if twoDigits.contains(two) { return two }
        guard digits.count >= 3, let last = digits.dropFirst(2).first, threeDigits[two]?.contains(last) == true else {
            return nil
        }
        return String(digits.prefix(3))
    }
}
