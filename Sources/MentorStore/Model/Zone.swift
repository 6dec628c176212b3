public import Foundation

/// A program's time zone: converts between instants and the local wall clock.
///
/// Around daylight saving changes: a wall-clock time that does not exist (02:30 on the spring
/// day) maps to the instant just after the gap (03:30); one that exists twice (02:30 on the
/// autumn day) maps to the first of the two.
public struct Zone: Sendable {
    public let timeZone: TimeZone

    public init(_ timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.init(zone)
    }

    public static let copenhagen = Zone(identifier: "Europe/Copenhagen") ?? Zone(TimeZone(secondsFromGMT: 3600)!)

    public var identifier: String { timeZone.identifier }

    public func offset(at seconds: Int64) -> Int64 {
        Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
    }

    /// Seconds since the epoch of a local wall-clock moment.
    public func instant(_ local: LocalDateTime) -> Int64 {
        let wall = Int64(local.date.dayNumber) * 86_400 + Int64(local.time.minuteOfDay) * 60
        let before = offset(at: wall - 14 * 3600)
        let after = offset(at: wall + 14 * 3600)
        let early = wall - before
        let late = wall - after
        let earlyValid = offset(at: early) == before
        let lateValid = offset(at: late) == after
        switch (earlyValid, lateValid) {
        case (true, true): return min(early, late)
        case (true, false): return early
        case (false, true): return late
        case (false, false): return early  // in the gap: the offset before the change moves it forward
        }
    }

    public func instant(_ date: LocalDate, _ time: LocalTime) -> Int64 {
        instant(LocalDateTime(date, time))
    }

    public func date(_ local: LocalDateTime) -> Date {
        Date(timeIntervalSince1970: TimeInterval(instant(local)))
    }

    /// The local wall clock at an instant.
    public func local(_ seconds: Int64) -> LocalDateTime {
        let wall = seconds + offset(at: seconds)
        let day = Int(wall >= 0 ? wall / 86_400 : (wall - 86_399) / 86_400)
        let minute = Int((wall - Int64(day) * 86_400) / 60)
        return LocalDateTime(
            LocalDate(dayNumber: day), LocalTime(hour: minute / 60, minute: minute % 60) ?? .midnight)
    }

    public func local(_ date: Date) -> LocalDateTime {
        local(Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    /// ISO 8601 with the local offset, e.g. `2026-11-20T09:00:00+01:00`.
    public func iso8601(_ seconds: Int64) -> String {
        let offset = offset(at: seconds)
        let wall = seconds + offset
        let day = Int(wall >= 0 ? wall / 86_400 : (wall - 86_399) / 86_400)
        let rest = Int(wall - Int64(day) * 86_400)
        let sign = offset < 0 ? "-" : "+"
        let absolute = Int(abs(offset))
        return LocalDate(dayNumber: day).description + "T" + LocalDate.pad(rest / 3600, 2) + ":"
            + LocalDate.pad(rest / 60 % 60, 2) + ":" + LocalDate.pad(rest % 60, 2) + sign
            + LocalDate.pad(absolute / 3600, 2) + ":" + LocalDate.pad(absolute / 60 % 60, 2)
    }
}
