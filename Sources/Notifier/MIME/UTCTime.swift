import Foundation
import MentorStore

/// Instants written out by hand for headers and calendars: Foundation's formatters cost
/// microseconds a call, and every message carries a few.
enum UTCTime {
    /// The UTC calendar day of `date` and the seconds since its midnight.
    static func split(_ date: Date) -> (day: LocalDate, seconds: Int) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        // Floor division, so instants before 1970 land on the right day.
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        return (LocalDate(dayNumber: Int(day)), Int(seconds - day * 86_400))
    }

    /// A non-negative number with leading zeros to `width` digits.
    static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.utf8.count >= width ? text : String(repeating: "0", count: width - text.utf8.count) + text
    }
}
