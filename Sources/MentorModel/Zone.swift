public import Foundation

/// A program's time zone: converts between instants and the local wall clock.
///
/// Around daylight saving changes: a wall-clock time that does not exist (02:30 on the spring
/// day) maps to the instant just after the gap (03:30); one that exists twice (02:30 on the
/// autumn day) maps to the first of the two.
public struct Zone: Sendable {
    public let timeZone: TimeZone
    private let cache = OffsetCache()

    public init(_ timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    /// Known stretches of constant offset, from a looked-up moment to the next DST change: a plan
    /// over 100,000 forløb then asks ICU a handful of times instead of hundreds of thousands.
    final class OffsetCache: @unchecked Sendable {
        // @unchecked: the list is only touched under the lock, which is also why the runtime's
        // exclusivity check of each access (a third of a lookup's cost) is left out.
        private let lock = NSLock()
        @exclusivity(unchecked) private var spans: [(from: Int64, to: Int64, offset: Int64)] = []

        func offset(at seconds: Int64, in zone: TimeZone) -> Int64 {
            let found: Int64? = lock.withLock {
                for span in spans where span.from <= seconds && seconds < span.to { return span.offset }
                return nil
            }
            if let found { return found }
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let offset = Int64(zone.secondsFromGMT(for: date))
            let next =
                zone.nextDaylightSavingTimeTransition(after: date).map { Int64($0.timeIntervalSince1970) }
                ?? seconds + 86_400
            lock.withLock {
                if spans.count >= 64 { spans.removeFirst() }
                spans.append((seconds, next, offset))
            }
            return offset
        }
    }

    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.init(zone)
    }

    public static let copenhagen = Zone(identifier: "Europe/Copenhagen") ?? Zone(TimeZone(secondsFromGMT: 3600)!)

    public var identifier: String { timeZone.identifier }

    public func offset(at seconds: Int64) -> Int64 {
        cache.offset(at: seconds, in: timeZone)
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

    /// The local wall clock at an instant.
    public func local(_ seconds: Int64) -> LocalDateTime {
        let (date, second) = LocalDate.split(wallSeconds: seconds + offset(at: seconds))
        let minute = second / 60
        return LocalDateTime(date, LocalTime(hour: minute / 60, minute: minute % 60) ?? .midnight)
    }

    public func local(_ date: Date) -> LocalDateTime {
        local(Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    /// ISO 8601 with the local offset, e.g. `2026-11-20T09:00:00+01:00`.
    public func iso8601(_ seconds: Int64) -> String {
        String(unsafeUninitializedCapacity: Zone.iso8601Length) { buffer in
            writeISO8601(seconds, into: buffer)
            return Zone.iso8601Length
        }
    }

    /// The length of `iso8601`'s text, in bytes.
    public static var iso8601Length: Int { 25 }

    /// Writes `iso8601(seconds)` as UTF-8 into the first `iso8601Length` bytes of `buffer`, without
    /// making a String (the large `--json` outputs).
    public func writeISO8601(_ seconds: Int64, into buffer: UnsafeMutableBufferPointer<UInt8>) {
        precondition(buffer.count >= Zone.iso8601Length, "an ISO 8601 time needs \(Zone.iso8601Length) bytes")
        let offset = offset(at: seconds)
        let (date, rest) = LocalDate.split(wallSeconds: seconds + offset)
        let absolute = Int(abs(offset))
        LocalDate.write(date.year, width: 4, into: buffer, at: 0)
        buffer[4] = UInt8(ascii: "-")
        LocalDate.write(date.month, width: 2, into: buffer, at: 5)
        buffer[7] = UInt8(ascii: "-")
        LocalDate.write(date.day, width: 2, into: buffer, at: 8)
        buffer[10] = UInt8(ascii: "T")
        LocalDate.write(rest / 3600, width: 2, into: buffer, at: 11)
        buffer[13] = UInt8(ascii: ":")
        LocalDate.write(rest / 60 % 60, width: 2, into: buffer, at: 14)
        buffer[16] = UInt8(ascii: ":")
        LocalDate.write(rest % 60, width: 2, into: buffer, at: 17)
        buffer[19] = offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")
        LocalDate.write(absolute / 3600, width: 2, into: buffer, at: 20)
        buffer[22] = UInt8(ascii: ":")
        LocalDate.write(absolute / 60 % 60, width: 2, into: buffer, at: 23)
    }
}
