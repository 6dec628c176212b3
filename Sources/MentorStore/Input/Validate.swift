public import MentorModel

/// Checks and normalises values that come from people: the command line and CSV files.
public enum Validate {
    /// A phone number in E.164 (`+4513243546`). A bare 8-digit Danish number gets +45; spaces,
    /// dashes, dots and parentheses are dropped; `00` is read as `+`.
    public static func phone(_ raw: String, field: String = "phone") throws(InputError) -> String {
        try text(raw, field: field)
        var digits = ""
        var plus = false
        // Scalars, not Characters: "2" followed by a combining mark is one Character that sorts
        // between "0" and "9" (found by fuzzing).
        for scalar in raw.trimmingSpaces().unicodeScalars {
            switch scalar {
            case "0"..."9": digits.unicodeScalars.append(scalar)
            case "+" where digits.isEmpty && !plus: plus = true
            case " ", "-", ".", "(", ")", "\u{00A0}": continue
            default:
                throw InputError(field, "'\(raw)' is not a phone number; write e.g. +4513243546 or 13 24 35 46")
            }
        }
        if !plus && digits.hasPrefix("00") {
            digits.removeFirst(2)
            plus = true
        }
        if !plus {
            guard digits.count == 8 else {
                throw InputError(
                    field, "'\(raw)' has \(digits.count) digits; a Danish number has 8, others need +country code")
            }
            digits = "45" + digits
        }
        guard (8...15).contains(digits.count), digits.first != "0" else {
            throw InputError(field, "'\(raw)' is not a valid international number (E.164: + and 8-15 digits)")
        }
        guard let country = PhoneNumbering.countryCode(of: digits) else {
            throw InputError(field, "'\(raw)' does not start with a country code in use; check the number")
        }
        let national = digits.dropFirst(country.count)
        if country == "45" {
            // Danish numbers have 8 digits and none starts with 0. (Numbers starting with 1 are short
            // codes, but SPEC.md's own example leader has +4512345678, so they are let through.)
            guard national.count == 8, national.first != "0" else {
                throw InputError(field, "'\(raw)' is not a Danish number (8 digits, not starting with 0)")
            }
        }
        // A number of one repeated digit (00000000, +4522222222) is a placeholder, not a phone.
        guard let first = national.first, national.contains(where: { $0 != first }) else {
            throw InputError(field, "'\(raw)' is a placeholder, not a phone number; leave the phone out instead")
        }
        return "+" + digits
    }

    /// An email address: one `@`, a plausible local part and a domain with a dot; no spaces,
    /// no angle brackets, no control characters (it ends up in an SMTP envelope and a header).
    public static func email(_ raw: String, field: String = "email") throws(InputError) -> String {
        try text(raw, field: field)
        let value = raw.trimmingSpaces()
        // Checked on Unicode scalars and bytes, not Characters: "<" followed by a combining mark is
        // one Character that is not "<", yet it still ends an address in an SMTP envelope (found by
        // `make fuzz`).
        let scalars = Array(value.unicodeScalars)
        guard let at = scalars.firstIndex(of: "@"), scalars.lastIndex(of: "@") == at else {
            throw InputError(field, "'\(raw)' is not an email address; write e.g. navn@example.dk")
        }
        let local = String(String.UnicodeScalarView(scalars[..<at]))
        let domain = String(String.UnicodeScalarView(scalars[(at + 1)...]))
        func dotsAreInside(_ part: String) -> Bool {
            let bytes = Array(part.utf8)
            let dot = UInt8(ascii: ".")
            return bytes.first != dot && bytes.last != dot
                && !zip(bytes, bytes.dropFirst()).contains { $0 == dot && $1 == dot }
        }
        guard !local.isEmpty, local.utf8.count <= 64, domain.utf8.count <= 253, dotsAreInside(local),
            domain.utf8.contains(UInt8(ascii: ".")), dotsAreInside(domain)
        else {
            throw InputError(field, "'\(raw)' is not an email address; write e.g. navn@example.dk")
        }
        let forbidden: Set<Unicode.Scalar> = [" ", "<", ">", "(", ")", ",", ";", ":", "\\", "\"", "[", "]"]
        guard !scalars.contains(where: { forbidden.contains($0) }) else {
            throw InputError(field, "'\(raw)' contains a character not allowed in an email address")
        }
        for label in domain.split(separator: ".") where !isDomainLabel(label) {
            throw InputError(field, "'\(raw)' has an invalid domain")
        }
        return local + "@" + domain.lowercased()
    }

    /// The years a date may have: enough for birthdates and forløb, and far inside what the date
    /// arithmetic (months added, days counted, zones) holds.
    public static let years = 1900...2199

    /// Letters, digits and inner hyphens, by scalars; a combining mark only right after a letter or
    /// digit (one at the start would fuse with the "@" or "." before it, one after a "-" would hide
    /// it; found by `make fuzz`).
    static func isDomainLabel(_ label: Substring) -> Bool {
        var previous: Unicode.Scalar?
        for scalar in label.unicodeScalars {
            let category = scalar.properties.generalCategory
            let isMark = category == .nonspacingMark || category == .spacingMark || category == .enclosingMark
            if isMark {
                guard let previous, previous.properties.isAlphabetic || ("0"..."9").contains(previous) else {
                    return false
                }
            } else {
                guard
                    scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || (scalar == "-" && previous != nil)
                else { return false }
                previous = scalar
            }
        }
        return previous != nil && previous != "-"
    }

    public static func date(_ raw: String, field: String = "date") throws(InputError) -> LocalDate {
        guard let date = LocalDate(raw.trimmingSpaces()) else {
            throw InputError(field, "'\(raw)' is not a date; write YYYY-MM-DD, e.g. 2026-03-01")
        }
        guard years.contains(date.year) else {
            throw InputError(field, "\(raw) is outside the years \(years.lowerBound)-\(years.upperBound)")
        }
        return date
    }

    /// A date that has happened: a birthdate, a contact that took place.
    public static func pastDate(_ raw: String, field: String, today: LocalDate) throws(InputError) -> LocalDate {
        try happened(try date(raw, field: field), field: field, today: today)
    }

    /// Refuses a date after today for what has already happened.
    static func happened(_ value: LocalDate, field: String, today: LocalDate) throws(InputError) -> LocalDate {
        guard value <= today else {
            throw InputError(field, "\(value) is after today (\(today)); give the date it happened")
        }
        return value
    }

    public static func dateTime(_ raw: String, field: String = "at") throws(InputError) -> LocalDateTime {
        guard let value = LocalDateTime(raw.trimmingSpaces()) else {
            throw InputError(
                field, "'\(raw)' is not a local date and time; write YYYY-MM-DDTHH:MM, e.g. 2026-03-01T18:00")
        }
        guard years.contains(value.date.year) else {
            throw InputError(field, "\(raw) is outside the years \(years.lowerBound)-\(years.upperBound)")
        }
        return value
    }

    public static func time(_ raw: String, field: String = "time") throws(InputError) -> LocalTime {
        guard let value = LocalTime(raw.trimmingSpaces()) else {
            throw InputError(field, "'\(raw)' is not a time; write HH:MM, e.g. 07:00")
        }
        return value
    }

    /// Minutes of one contact: 1 to 1440 (a day).
    public static func minutes(_ raw: String, field: String = "minutes") throws(InputError) -> Int {
        guard let value = Int(raw.trimmingSpaces()), (1...1440).contains(value) else {
            throw InputError(field, "'\(raw)' is not a number of minutes from 1 to 1440")
        }
        return value
    }

    /// A meeting's or café evening's place, as the texts show it.
    public static func place(_ raw: String, field: String = "place") throws(InputError) -> String {
        try text(raw, field: field, maxLength: placeLimit)
    }

    /// A leader's own SMS text: GSM-7 only, since one "–" or "’" makes the whole message UCS-2
    /// (70 characters a segment instead of 160). The refusal says what to write instead.
    public static func smsText(_ raw: String, field: String, maxLength: Int) throws(InputError) -> String {
        let value = try text(raw, field: field, maxLength: maxLength)
        guard GSMText.isGSM(value) else {
            let outside = Array(Set(value.filter { !GSMText.isGSM($0) })).sorted().map(String.init).joined(
                separator: " ")
            throw InputError(
                field,
                "has characters an SMS can only carry at triple cost (\(outside)); write it as: \(GSMText.bestEffort(value))"
            )
        }
        return value
    }

    /// Refuses CR, LF, NUL and other control characters: the text may reach a message header.
    @discardableResult
    public static func text(_ raw: String, field: String, maxLength: Int = 500) throws(InputError) -> String {
        for scalar in raw.unicodeScalars {
            if scalar == "\r" || scalar == "\n" || scalar == "\0" {
                throw InputError(field, "contains a line break or NUL character, which is not allowed")
            }
            if scalar.isControlOrLineSeparator {
                throw InputError(field, "contains a control character, which is not allowed")
            }
        }
        guard raw.count <= maxLength else {
            throw InputError(field, "is longer than \(maxLength) characters")
        }
        return raw
    }

    /// A name: non-empty text without control characters.
    /// The longest name and place a text may carry: with these, every SMS is checked to fit in two
    /// segments at load time (`SMSLength`), whoever is named.
    public static let nameLimit = 60
    public static let placeLimit = 60

    public static func name(_ raw: String, field: String = "name") throws(InputError) -> String {
        let value = try text(raw, field: field, maxLength: nameLimit).trimmingSpaces()
        guard !value.isEmpty else { throw InputError(field, "is empty; give the person's name") }
        // Names go into SMS, which are written in GSM letters ("Zoë" as "Zoe", "Олена" as "Olena");
        // a script with no such spelling would make every SMS naming the person cost triple.
        guard GSMText.transliterated(value) != nil else {
            throw InputError(
                field, "'\(raw)' has letters an SMS cannot carry; write the name in Latin letters (as in a passport)")
        }
        return value
    }

    /// A CSV/CLI reference: letters, digits, `-`, `_`, `.`, at most 64.
    public static func ref(_ raw: String, field: String = "ref") throws(InputError) -> String {
        let value = raw.trimmingSpaces()
        guard !value.isEmpty, value.count <= 64,
            value.unicodeScalars.allSatisfy({
                $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)
            })
        else {
            throw InputError(field, "'\(raw)' is not a reference; use letters, digits, '-', '_' or '.' (at most 64)")
        }
        return value
    }
}
