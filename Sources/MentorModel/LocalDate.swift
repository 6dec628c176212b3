/// A calendar date without a time zone (the program's local date).
///
/// Arithmetic is done on a day number (days since 1970-01-01) so that it is exact and fast:
/// the scheduler evaluates hundreds of thousands of forløb per cycle.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Creates a date, or nil when it does not exist (2026-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            day >= 1, day <= LocalDate.daysIn(year: year, month: month)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    private init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(_ text: some StringProtocol) {
        // A native string's bytes are read where they are; other strings are copied first.
        if let parsed = text.utf8.withContiguousStorageIfAvailable({ LocalDate(bytes: $0) }) {
            guard let parsed else { return nil }
            self = parsed
            return
        }
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = LocalDate.digits(bytes[0..<4]), let month = LocalDate.digits(bytes[5..<7]),
            let day = LocalDate.digits(bytes[8..<10])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Parses exactly `YYYY-MM-DD` from raw bytes.
    public init?(bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 10, bytes[4] == 45, bytes[7] == 45 else { return nil }
        func number(_ from: Int, _ to: Int) -> Int? {
            var value = 0
            var index = from
            while index < to {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte &- 48)
                index += 1
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 7), let day = number(8, 10) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    static func digits(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in bytes {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init(dayNumber: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.init(unchecked: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    public func adding(days: Int) -> LocalDate {
        LocalDate(dayNumber: dayNumber + days)
    }

    /// Adds calendar months; a day that does not exist in the target month is clamped to its last
    /// day (31 January + 1 month = 28/29 February).
    public func adding(months: Int) -> LocalDate {
        let total = year * 12 + (month - 1) + months
        let newYear = total / 12
        let newMonth = total % 12 + 1
        return LocalDate(unchecked: newYear, newMonth, min(day, LocalDate.daysIn(year: newYear, month: newMonth)))
    }

    public func days(until other: LocalDate) -> Int {
        other.dayNumber - dayNumber
    }

    /// English weekday names, Monday first: the one table the config, the command line and the
    /// store read and write weekdays with.
    public static let weekdayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// The ISO weekday (1 = Monday) of `name`, written in full or as its first three letters, in any case.
    public static func weekday(named name: String) -> Int? {
        let lower = name.trimmingSpaces().lowercased()
        guard lower.count >= 3, let index = weekdayNames.firstIndex(where: { $0 == lower || $0.prefix(3) == lower })
        else { return nil }
        return index + 1
    }

    /// ISO weekday: 1 = Monday ... 7 = Sunday.
    public var weekday: Int {
        // 1970-01-01 was a Thursday (4).
        let index = (dayNumber % 7 + 7 + 3) % 7
        return index + 1
    }

    public var yearMonth: YearMonth { YearMonth(year: year, month: month) }

    /// Whole years from `self` (a birthdate) to `date`.
    public func age(on date: LocalDate) -> Int {
        var years = date.year - year
        if (date.month, date.day) < (month, day) { years -= 1 }
        return years
    }

    /// Orders like the date; cheaper than comparing three fields.
    var ordinal: Int { year << 9 | month << 5 | day }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        lhs.ordinal < rhs.ordinal
    }

    public var description: String {
        // Written byte by byte: dates are formatted for every key and every JSON line.
        String(unsafeUninitializedCapacity: 10) { buffer in
            LocalDate.write(year, width: 4, into: buffer, at: 0)
            buffer[4] = UInt8(ascii: "-")
            LocalDate.write(month, width: 2, into: buffer, at: 5)
            buffer[7] = UInt8(ascii: "-")
            LocalDate.write(day, width: 2, into: buffer, at: 8)
            return 10
        }
    }

    /// Writes a non-negative number as `width` zero-padded ASCII digits.
    public static func write(_ value: Int, width: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
        var rest = value
        for index in stride(from: offset + width - 1, through: offset, by: -1) {
            buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
    }

    /// The day, and the second of that day, of a count of seconds since 1970-01-01T00:00 on a wall
    /// clock (UTC, or an instant plus its zone's offset). Floor division: moments before 1970 land on
    /// the right day.
    public static func split(wallSeconds wall: Int64) -> (date: LocalDate, secondOfDay: Int) {
        let day = wall >= 0 ? wall / 86_400 : (wall - 86_399) / 86_400
        return (LocalDate(dayNumber: Int(day)), Int(wall - day * 86_400))
    }

    /// A non-negative number with leading zeros to `width` digits.
    public static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = LocalDate(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "\(text) is not a date (YYYY-MM-DD)"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A calendar month, `YYYY-MM`.
public struct YearMonth: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    public init?(_ text: some StringProtocol) {
        guard text.count == 7, let date = LocalDate(text + "-01") else { return nil }
        self.init(year: date.year, month: date.month)
    }

    public var firstDay: LocalDate { LocalDate(year: year, month: month, day: 1) ?? LocalDate(dayNumber: 0) }

    public func adding(months: Int) -> YearMonth {
        firstDay.adding(months: months).yearMonth
    }

    public static func < (lhs: YearMonth, rhs: YearMonth) -> Bool {
        (lhs.year, lhs.month) < (rhs.year, rhs.month)
    }

    public var description: String {
        LocalDate.pad(year, 4) + "-" + LocalDate.pad(month, 2)
    }
}

/// A wall-clock time of day, minute precision.
public struct LocalTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let minuteOfDay: Int

    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        minuteOfDay = hour * 60 + minute
    }

    /// Parses exactly `HH:MM`.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":"),
            let hour = LocalDate.digits(bytes[0..<2]), let minute = LocalDate.digits(bytes[3..<5])
        else { return nil }
        self.init(hour: hour, minute: minute)
    }

    public var hour: Int { minuteOfDay / 60 }
    public var minute: Int { minuteOfDay % 60 }

    public static func < (lhs: LocalTime, rhs: LocalTime) -> Bool { lhs.minuteOfDay < rhs.minuteOfDay }

    public var description: String { LocalDate.pad(hour, 2) + ":" + LocalDate.pad(minute, 2) }

    public static let midnight = LocalTime(hour: 0, minute: 0)!
}

/// A local date and wall-clock time, as a person in the program's time zone reads it.
public struct LocalDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let date: LocalDate
    public let time: LocalTime

    public init(_ date: LocalDate, _ time: LocalTime) {
        self.date = date
        self.time = time
    }

    /// Parses `YYYY-MM-DDTHH:MM` (a space instead of `T` is accepted).
    public init?(_ text: some StringProtocol) {
        let string = String(text)
        guard string.count == 16 else { return nil }
        let separator = string[string.index(string.startIndex, offsetBy: 10)]
        guard separator == "T" || separator == " ",
            let date = LocalDate(string.prefix(10)), let time = LocalTime(string.suffix(5))
        else { return nil }
        self.init(date, time)
    }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        let left = lhs.date.ordinal
        let right = rhs.date.ordinal
        return left < right || (left == right && lhs.time.minuteOfDay < rhs.time.minuteOfDay)
    }

    public var description: String { date.description + "T" + time.description }
}
