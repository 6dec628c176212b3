public import MentorModel

/// Dates and times as a leader reads them on a page: `8. dec. 2026 kl. 16.00`, `8 Dec 2026, 16:00`.
/// The commands print ISO dates; the pages show them this way (the texts' longer form, with the
/// weekday, is for messages).
public enum DeskDates {
    static let danishMonths = [
        "jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.",
    ]
    static let englishMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let danishFullMonths = [
        "januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november",
        "december",
    ]
    static let englishFullMonths = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    public static func date(_ date: LocalDate, _ language: Language) -> String {
        switch language {
        case .da: "\(date.day). \(danishMonths[date.month - 1]) \(date.year)"
        case .en: "\(date.day) \(englishMonths[date.month - 1]) \(date.year)"
        }
    }

    /// Danes write a time of day with a point: `kl. 16.00`.
    public static func dateTime(_ value: LocalDateTime, _ language: Language) -> String {
        let hour = value.time.hour < 10 ? "0\(value.time.hour)" : "\(value.time.hour)"
        let minute = value.time.minute < 10 ? "0\(value.time.minute)" : "\(value.time.minute)"
        switch language {
        case .da: return date(value.date, language) + " kl. \(hour).\(minute)"
        case .en: return date(value.date, language) + ", \(hour):\(minute)"
        }
    }

    /// `november 2026`, `November 2026`.
    public static func month(_ month: YearMonth, _ language: Language) -> String {
        let names = language == .da ? danishFullMonths : englishFullMonths
        return "\(names[month.month - 1]) \(month.year)"
    }

    /// A command's `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` written for a person; anything else as it is.
    public static func written(_ iso: String, _ language: Language) -> String {
        if let value = LocalDateTime(iso) { return dateTime(value, language) }
        if let value = LocalDate(iso) { return date(value, language) }
        return iso
    }

    /// `45 min.`, `1 t. 30 min.`, `2 t.`; `45 min`, `1 h 30 min`, `2 h`.
    public static func duration(_ minutes: Int, _ language: Language) -> String {
        let (hours, rest) = minutes.quotientAndRemainder(dividingBy: 60)
        let (hourUnit, minuteUnit) = language == .da ? ("t.", "min.") : ("h", "min")
        if hours == 0 { return "\(rest) \(minuteUnit)" }
        if rest == 0 { return "\(hours) \(hourUnit)" }
        return "\(hours) \(hourUnit) \(rest) \(minuteUnit)"
    }

    /// What a `datetime-local` field sends (`2026-12-08T16:00`, or with `:00` seconds) as the
    /// commands take it (`YYYY-MM-DDTHH:MM`); anything else unchanged, for the command to refuse.
    public static func fromDateTimeField(_ raw: String) -> String {
        let bytes = Array(raw.utf8)
        if bytes.count == 19, bytes[10] == UInt8(ascii: "T"), bytes[16] == UInt8(ascii: ":"),
            LocalDateTime(raw.prefix(16)) != nil
        {
            return String(raw.prefix(16))
        }
        return raw
    }
}
