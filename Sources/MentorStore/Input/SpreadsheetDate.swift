public import MentorModel

extension Validate {
    /// A date from a spreadsheet: ISO (`1968-04-12`) or as Danish Excel writes it, day first with a
    /// four-digit year (`12-04-1968`, `12.04.1968`, `12/04/1968`, `1-4-1968`). A two-digit year, a
    /// month over 12 (a US-style file) or a day the month lacks is refused with what to write.
    public static func spreadsheetDate(_ raw: String, field: String = "date") throws(InputError) -> LocalDate {
        let value = raw.trimmingSpaces()
        // At most "DD-MM-YYYY" plus a little: a longer cell is not a date, and nothing below runs on it.
        guard value.utf8.count <= 12 else {
            throw InputError(field, "'\(value.prefix(20))…' is not a date; write DD-MM-YYYY or YYYY-MM-DD")
        }
        let bytes = Array(value.utf8)
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        guard let separator = bytes.first(where: { "-./".utf8.contains($0) }) else {
            if !bytes.isEmpty, bytes.allSatisfy({ digits.contains($0) }) {
                throw InputError(
                    field,
                    "'\(value)' is a spreadsheet's day number, not a date; format the column as a date (DD-MM-YYYY)")
            }
            throw InputError(field, "'\(raw)' is not a date; write DD-MM-YYYY or YYYY-MM-DD, e.g. 12-04-1968")
        }
        let parts = bytes.split(separator: separator, omittingEmptySubsequences: false)
        guard parts.count == 3,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { digits.contains($0) } })
        else {
            throw InputError(field, "'\(raw)' is not a date; write DD-MM-YYYY or YYYY-MM-DD, e.g. 12-04-1968")
        }
        func number(_ digits: ArraySlice<UInt8>) -> Int { digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) } }
        if parts[0].count == 4 && separator == UInt8(ascii: "-") {
            return try date(value, field: field)
        }
        guard parts[0].count <= 2, parts[1].count <= 2 else {
            throw InputError(field, "'\(raw)' is not a date; write DD-MM-YYYY (day first) or YYYY-MM-DD")
        }
        guard parts[2].count == 4 else {
            throw InputError(
                field, "'\(raw)' has no four-digit year; write the year in full, e.g. 12-04-1968")
        }
        let (day, month, year) = (number(parts[0]), number(parts[1]), number(parts[2]))
        guard (1...12).contains(month) else {
            throw InputError(
                field, "'\(raw)' has month \(month); dates are read day first (DD-MM-YYYY), as Danish Excel writes them"
            )
        }
        guard years.contains(year) else {
            throw InputError(field, "\(raw) is outside the years \(years.lowerBound)-\(years.upperBound)")
        }
        guard let date = LocalDate(year: year, month: month, day: day) else {
            throw InputError(
                field, "'\(raw)' is not a date: \(LocalDate.monthName(month)) \(year) has no day \(day)")
        }
        return date
    }

    /// A date that has happened, from a spreadsheet (a birthdate, a contact that took place).
    public static func pastSpreadsheetDate(_ raw: String, field: String, today: LocalDate) throws(InputError)
        -> LocalDate
    {
        try happened(try spreadsheetDate(raw, field: field), field: field, today: today)
    }
}

extension LocalDate {
    static func monthName(_ month: Int) -> String {
        let names = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
        return names.indices.contains(month - 1) ? names[month - 1] : "month \(month)"
    }
}
