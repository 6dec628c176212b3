import MentorModel
import MentorStore

/// Dates as people write them: `onsdag den 7. januar 2026`, `Wednesday 7 January 2026`.
/// The scheduler hands over ISO dates; the texts show them this way.
enum HumanDates {
    static let danishDays = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
    static let danishMonths = [
        "januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november",
        "december",
    ]
    static let englishDays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    static let englishMonths = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    static func date(_ date: LocalDate, _ language: Language) -> String {
        switch language {
        case .da: return "\(danishDays[date.weekday - 1]) den \(date.day). \(danishMonths[date.month - 1]) \(date.year)"
        case .en: return "\(englishDays[date.weekday - 1]) \(date.day) \(englishMonths[date.month - 1]) \(date.year)"
        }
    }

    static func month(_ month: YearMonth, _ language: Language) -> String {
        switch language {
        case .da: return "\(danishMonths[month.month - 1]) \(month.year)"
        case .en: return "\(englishMonths[month.month - 1]) \(month.year)"
        }
    }

    /// The variables with their ISO dates and months written out.
    static func humanize(_ variables: [String: String], _ language: Language) -> [String: String] {
        var result = variables
        for key in ["date", "start", "end"] {
            if let raw = variables[key], let value = LocalDate(raw) { result[key] = date(value, language) }
        }
        if let raw = variables["month"], let value = YearMonth(raw) { result["month"] = month(value, language) }
        if let raw = variables["hours"], let minutes = Int(raw) { result["hours"] = duration(minutes, language) }
        return result
    }

    /// `3,5 timer`, `1 time og 40 minutter`, `45 minutter`; `3.5 hours`, `1 hour and 40 minutes`.
    static func duration(_ minutes: Int, _ language: Language) -> String {
        let (hours, rest) = minutes.quotientAndRemainder(dividingBy: 60)
        let (hourWord, hoursWord, minuteWord, minutesWord, and, comma) =
            language == .da
            ? ("time", "timer", "minut", "minutter", "og", ",") : ("hour", "hours", "minute", "minutes", "and", ".")
        func count(_ value: Int, _ one: String, _ many: String) -> String { "\(value) \(value == 1 ? one : many)" }
        if hours == 0 { return count(rest, minuteWord, minutesWord) }
        if rest == 0 { return count(hours, hourWord, hoursWord) }
        if rest == 30 { return "\(hours)\(comma)5 \(hoursWord)" }
        return "\(count(hours, hourWord, hoursWord)) \(and) \(count(rest, minuteWord, minutesWord))"
    }
}
