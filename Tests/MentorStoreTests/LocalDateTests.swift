import Foundation
import MentorModel
import Testing

@testable import MentorStore

@Suite struct LocalDateTests {
    @Test(arguments: [
        ("2026-01-31", 1, "2026-02-28"),
        ("2028-01-31", 1, "2028-02-29"),
        ("2028-02-29", 12, "2029-02-28"),
        ("2028-02-29", 1, "2028-03-29"),
        ("2026-03-31", 1, "2026-04-30"),
        ("2026-11-30", 3, "2027-02-28"),
        ("2026-12-15", 1, "2027-01-15"),
        ("2026-05-31", -3, "2026-02-28"),
        ("2026-08-31", 6, "2027-02-28"),
    ])
    func monthsClampToTheLastDay(start: String, months: Int, expected: String) throws {
        let date = try #require(LocalDate(start))
        #expect(date.adding(months: months).description == expected)
    }

    @Test(arguments: [
        "2026-02-30", "2026-13-01", "2026-00-10", "2027-02-29", "26-01-01", "2026-1-01", "2026/01/01", "",
        "2026-01-01x",
    ])
    func impossibleDatesAreRefused(text: String) {
        #expect(LocalDate(text) == nil)
    }

    @Test func dayNumbersRoundTripAcrossCenturies() throws {
        var date = try #require(LocalDate("1899-12-25"))
        for _ in 0..<80_000 {
            let next = date.adding(days: 1)
            #expect(LocalDate(dayNumber: next.dayNumber) == next)
            #expect(next > date)
            date = next
        }
        #expect(date.description == "2119-01-06")  // checked with Python datetime
    }

    @Test(arguments: [("2026-11-23", 1), ("2026-11-29", 7), ("2028-02-29", 2), ("1970-01-01", 4), ("2026-01-07", 3)])
    func isoWeekdays(text: String, weekday: Int) throws {
        #expect(try #require(LocalDate(text)).weekday == weekday)
    }

    @Test func agesCountWholeYears() throws {
        let birth = try #require(LocalDate("2000-02-29"))
        #expect(birth.age(on: try #require(LocalDate("2018-02-28"))) == 17)
        #expect(birth.age(on: try #require(LocalDate("2018-03-01"))) == 18)
        #expect(birth.age(on: try #require(LocalDate("2030-02-28"))) == 29)
    }

    @Test func timesAndDateTimesParseStrictly() {
        #expect(LocalTime("07:00")?.minuteOfDay == 420)
        #expect(LocalTime("24:00") == nil)
        #expect(LocalTime("7:00") == nil)
        #expect(LocalDateTime("2026-03-29T02:30")?.description == "2026-03-29T02:30")
        #expect(LocalDateTime("2026-03-29 02:30") != nil)
        #expect(LocalDateTime("2026-02-30T10:00") == nil)
    }
}

@Suite struct ZoneTests {
    let zone = Zone.copenhagen

    @Test func winterAndSummerOffsets() throws {
        let winter = zone.instant(try #require(LocalDateTime("2026-01-15T12:00")))
        let summer = zone.instant(try #require(LocalDateTime("2026-07-15T12:00")))
        #expect(zone.iso8601(winter) == "2026-01-15T12:00:00+01:00")
        #expect(zone.iso8601(summer) == "2026-07-15T12:00:00+02:00")
    }

    @Test func springGapMovesForward() throws {
        // 2026-03-29 02:30 does not exist in Copenhagen: it is 03:30 CEST.
        let instant = zone.instant(try #require(LocalDateTime("2026-03-29T02:30")))
        #expect(zone.iso8601(instant) == "2026-03-29T03:30:00+02:00")
    }

    @Test func autumnRepeatTakesTheFirst() throws {
        let instant = zone.instant(try #require(LocalDateTime("2026-10-25T02:30")))
        #expect(zone.iso8601(instant) == "2026-10-25T02:30:00+02:00")
    }

    @Test func theDSTDaysHave23And25Hours() throws {
        func hours(_ from: String, _ to: String) throws -> Int64 {
            (zone.instant(try #require(LocalDateTime(to))) - zone.instant(try #require(LocalDateTime(from)))) / 3600
        }
        #expect(try hours("2026-03-28T10:00", "2026-03-29T10:00") == 23)
        #expect(try hours("2026-10-24T10:00", "2026-10-25T10:00") == 25)
        #expect(try hours("2026-06-01T10:00", "2026-06-02T10:00") == 24)
    }

    /// Every quarter-hour of a year, compared with Foundation's calendar for Europe/Copenhagen:
    /// the wall clock must be exact, and the way back must be exact too, except for the second
    /// pass through the repeated autumn hour, which maps to its first occurrence an hour earlier.
    @Test func localRoundTripsEveryQuarterHourOfAYear() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "Europe/Copenhagen"))
        func foundationWall(_ seconds: Int64) -> String {
            let parts = calendar.dateComponents(
                [.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            func pad(_ value: Int?, _ width: Int) -> String {
                let text = String(value ?? -1)
                return String(repeating: "0", count: max(0, width - text.count)) + text
            }
            return "\(pad(parts.year, 4))-\(pad(parts.month, 2))-\(pad(parts.day, 2))T"
                + "\(pad(parts.hour, 2)):\(pad(parts.minute, 2))"
        }
        let start = zone.instant(try #require(LocalDateTime("2026-01-01T00:00")))
        var seconds = start
        var repeated: [String] = []
        while seconds < start + 366 * 86_400 {
            let local = zone.local(seconds)
            let wall = foundationWall(seconds)
            #expect(local.description == wall, "at \(seconds)")
            // The same wall clock an hour earlier: this is the repeated hour's second pass.
            let isRepeat = foundationWall(seconds - 3600) == wall
            if isRepeat { repeated.append(wall) }
            #expect(zone.instant(local) == (isRepeat ? seconds - 3600 : seconds), "\(wall)")
            seconds += 900
        }
        #expect(repeated == ["2026-10-25T02:00", "2026-10-25T02:15", "2026-10-25T02:30", "2026-10-25T02:45"])
        // The spring gap's wall-clock times never come out of `local` (checked above) and go in as
        // the same time an hour later, summer time.
        for minute in ["00", "15", "30", "45"] {
            let instant = zone.instant(try #require(LocalDateTime("2026-03-29T02:" + minute)))
            #expect(zone.iso8601(instant) == "2026-03-29T03:\(minute):00+02:00")
        }
    }
}
