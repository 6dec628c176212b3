/// The Danish public holidays (helligdage) and the two evenings most workplaces close, as a pure
/// calendar: personal reminders (the wake-up SMS) are not sent on them unless asked to.
public enum DanishHolidays {
    /// Easter Sunday of `year` (Gregorian; the anonymous algorithm of Meeus/Jones/Butcher).
    public static func easter(_ year: Int) -> LocalDate {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return LocalDate(year: year, month: month, day: day) ?? LocalDate(dayNumber: 0)
    }

    /// The public holidays of `year`, by date, with their Danish names. Store bededag was abolished
    /// from 2024 (lov nr. 140 af 28. februar 2023).
    public static func holidays(_ year: Int) -> [LocalDate: String] {
        let easter = easter(year)
        var days: [LocalDate: String] = [:]
        for (offset, name) in movable where offset != storeBededag || year < 2024 {
            days[easter.adding(days: offset)] = name
        }
        for (month, day, name) in [(1, 1, "nytårsdag"), (12, 25, "juledag"), (12, 26, "2. juledag")] {
            if let date = LocalDate(year: year, month: month, day: day) { days[date] = name }
        }
        return days
    }

    /// The holidays that follow Easter, by days from Easter Sunday.
    static let movable: [Int: String] = [
        -3: "skærtorsdag", -2: "langfredag", 0: "påskedag", 1: "2. påskedag", storeBededag: "store bededag",
        39: "Kristi himmelfartsdag", 49: "pinsedag", 50: "2. pinsedag",
    ]
    static let storeBededag = 26

    /// Why `date` is a day off for reminders: a public holiday's name, juleaftensdag or
    /// nytårsaftensdag; nil on an ordinary day.
    public static func dayOff(_ date: LocalDate) -> String? {
        if date.month == 12, date.day == 24 { return "juleaftensdag" }
        if date.month == 12, date.day == 31 { return "nytårsaftensdag" }
        switch (date.month, date.day) {
        case (1, 1): return "nytårsdag"
        case (12, 25): return "juledag"
        case (12, 26): return "2. juledag"
        // Easter falls from 22 March to 25 April: its holidays from 19 March to 14 June.
        case (3...6, _):
            let offset = easter(date.year).days(until: date)
            guard offset != storeBededag || date.year < 2024 else { return nil }
            return movable[offset]
        default: return nil
        }
    }
}
