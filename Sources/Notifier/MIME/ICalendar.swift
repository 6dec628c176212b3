public import Foundation
import MentorModel
import Transport

/// The event stored with an outbox row, turned into RFC 5545 text at send time.
public struct StoredEvent: Codable, Sendable, Hashable {
    public var uid: String
    public var start: String
    public var minutes: Int
    public var summary: String
    public var place: String?
    public var timeZone: String
    /// RFC 5545 `SEQUENCE`: how often the event changed since its first invitation (nil: 0).
    public var sequence: Int?
    /// `CANCEL` for a cancellation (RFC 5546); nil: `REQUEST`.
    public var method: String?
    /// The token of the invitation this one updates or cancels: the `UID` the recipient's calendar
    /// already holds (nil: the row's own token).
    public var token: String?

    public init(
        uid: String, start: String, minutes: Int, summary: String, place: String?, timeZone: String,
        sequence: Int? = nil, method: String? = nil, token: String? = nil
    ) {
        self.uid = uid
        self.start = start
        self.minutes = minutes
        self.summary = summary
        self.place = place
        self.timeZone = timeZone
        self.sequence = sequence
        self.method = method
        self.token = token
    }

    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    public static func decode(_ text: String) -> StoredEvent? {
        try? JSONDecoder().decode(StoredEvent.self, from: Data(text.utf8))
    }
}

/// Builds a `METHOD:REQUEST` calendar with a VTIMEZONE for the event's year, so DTSTART carries
/// its time zone and lands right in the recipient's calendar.
public enum ICalendar {
    /// The calendar of one event for one organizer, with only DTSTAMP and ATTENDEE left to fill in:
    /// a café evening's invitations all share it, so it is built once per delivery pass.
    public struct Prepared: Sendable {
        /// From BEGIN:VCALENDAR to BEGIN:VEVENT, each line folded and ended by CRLF.
        let head: String
        /// The event's UID before a recipient's token is added (`InvitationToken`).
        let uid: String
        /// From DTSTART to ORGANIZER.
        let body: String
        /// From SEQUENCE to END:VCALENDAR.
        let tail: String
        /// Whether the attendee is asked to answer (only when answers are read).
        var rsvp = false
        /// `REQUEST` or `CANCEL`.
        public var method = "REQUEST"
        /// The earlier invitation's token, which wins over the row's own: an update or a
        /// cancellation must name the `UID` the calendar knows.
        var token: String?

        /// The whole calendar for one attendee, CRLF line ends. `token`: the outbox row's invitation
        /// token, which makes the UID unguessable (an answer naming it proves its sender).
        public func request(attendee: String, stamp: Date, token: String? = nil) -> String {
            var text = head
            text.reserveCapacity(head.utf8.count + body.utf8.count + tail.utf8.count + 240)
            text += ICalendar.fold("UID:" + ICalendar.escape(InvitationToken.uid(uid, token: self.token ?? token)))
            text += "\r\n"
            text += "DTSTAMP:" + ICalendar.utc(stamp) + "\r\n"
            text += body
            text += ICalendar.fold(
                "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=\(rsvp && method == "REQUEST" ? "TRUE" : "FALSE"):mailto:"
                    + EmailSettings.address(of: attendee))
            text += "\r\n" + tail
            return text
        }
    }

    public static func request(
        _ event: StoredEvent, organizer: String, attendee: String, stamp: Date, token: String? = nil
    ) -> String? {
        prepare(event, organizer: organizer)?.request(attendee: attendee, stamp: stamp, token: token)
    }

    /// `rsvp`: calendar programs offer Yes/No buttons, and their answer (an iMIP REPLY) goes to the
    /// organizer, which must then be the replies address.
    public static func prepare(_ event: StoredEvent, organizer: String, rsvp: Bool = false) -> Prepared? {
        guard let start = LocalDateTime(event.start), let zone = Zone(identifier: event.timeZone) else { return nil }
        let method = event.method == "CANCEL" ? "CANCEL" : "REQUEST"
        let end = zone.local(zone.instant(start) + Int64(event.minutes) * 60)
        var head = [
            "BEGIN:VCALENDAR",
            "PRODID:-//mentor-notify//DA",
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
            "METHOD:\(method)",
        ]
        head += timeZone(zone, year: start.date.year)
        head.append("BEGIN:VEVENT")
        var body = [
            "DTSTART;TZID=\(zone.identifier):\(local(start))",
            "DTEND;TZID=\(zone.identifier):\(local(end))",
            "SUMMARY:\(escape(event.summary))",
        ]
        if let place = event.place, !place.isEmpty { body.append("LOCATION:\(escape(place))") }
        body.append("ORGANIZER:mailto:\(EmailSettings.address(of: organizer))")
        let tail = [
            "SEQUENCE:\(max(0, event.sequence ?? 0))",
            method == "CANCEL" ? "STATUS:CANCELLED" : "STATUS:CONFIRMED",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
        func lines(_ lines: [String]) -> String { lines.map { fold($0) + "\r\n" }.joined() }
        return Prepared(
            head: lines(head), uid: event.uid, body: lines(body), tail: lines(tail), rsvp: rsvp, method: method,
            token: event.token)
    }

    /// VTIMEZONE blocks already built, by zone and year.
    private static let timeZoneCache = TimeZoneCache()

    final class TimeZoneCache: @unchecked Sendable {
        // @unchecked: the dictionary is only touched under the lock.
        private let lock = NSLock()
        private var blocks: [String: [String]] = [:]

        func block(_ key: String, make: () -> [String]) -> [String] {
            if let known = lock.withLock({ blocks[key] }) { return known }
            let value = make()
            lock.withLock { blocks[key] = value }
            return value
        }
    }

    static func timeZone(_ zone: Zone, year: Int) -> [String] {
        timeZoneCache.block("\(zone.identifier)|\(year)") { makeTimeZone(zone, year: year) }
    }

    /// STANDARD/DAYLIGHT observances for the transitions of one year, read from the system's tz data.
    static func makeTimeZone(_ zone: Zone, year: Int) -> [String] {
        var lines = ["BEGIN:VTIMEZONE", "TZID:\(zone.identifier)"]
        guard let january = LocalDate(year: year, month: 1, day: 1) else { return lines + ["END:VTIMEZONE"] }
        var cursor = Date(timeIntervalSince1970: TimeInterval(zone.instant(january, .midnight)))
        var transitions: [Date] = []
        while let next = zone.timeZone.nextDaylightSavingTimeTransition(after: cursor),
            zone.local(next).date.year == year, transitions.count < 4
        {
            transitions.append(next)
            cursor = next
        }
        if transitions.isEmpty {
            let offset = zone.offset(at: Int64(cursor.timeIntervalSince1970))
            return lines + [
                "BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:\(offsetText(offset))",
                "TZOFFSETTO:\(offsetText(offset))", "END:STANDARD", "END:VTIMEZONE",
            ]
        }
        for transition in transitions {
            let seconds = Int64(transition.timeIntervalSince1970)
            let before = zone.offset(at: seconds - 1)
            let after = zone.offset(at: seconds)
            let kind = after > before ? "DAYLIGHT" : "STANDARD"
            // DTSTART is the local time before the change.
            let wall = zone.local(seconds - 1)
            let localStart = LocalDateTime(wall.date, LocalTime(hour: wall.time.hour, minute: 0) ?? wall.time)
            let startText = local(
                LocalDateTime(localStart.date, LocalTime(hour: (wall.time.hour + 1) % 24, minute: 0) ?? wall.time))
            lines += [
                "BEGIN:\(kind)", "DTSTART:\(startText)", "TZOFFSETFROM:\(offsetText(before))",
                "TZOFFSETTO:\(offsetText(after))", "END:\(kind)",
            ]
        }
        return lines + ["END:VTIMEZONE"]
    }

    static func offsetText(_ seconds: Int64) -> String {
        let value = Int(abs(seconds))
        return (seconds < 0 ? "-" : "+") + LocalDate.pad(value / 3600, 2) + LocalDate.pad(value / 60 % 60, 2)
    }

    /// `20260107T180000` (local time, no zone).
    static func local(_ value: LocalDateTime) -> String {
        date(value.date) + "T" + LocalDate.pad(value.time.hour, 2) + LocalDate.pad(value.time.minute, 2) + "00"
    }

    /// `20261123T093000Z`.
    static func utc(_ instant: Date) -> String {
        let (day, seconds) = LocalDate.split(wallSeconds: Int64(instant.timeIntervalSince1970.rounded(.down)))
        return date(day) + "T" + LocalDate.pad(seconds / 3600, 2) + LocalDate.pad(seconds / 60 % 60, 2)
            + LocalDate.pad(seconds % 60, 2) + "Z"
    }

    private static func date(_ value: LocalDate) -> String {
        LocalDate.pad(value.year, 4) + LocalDate.pad(value.month, 2) + LocalDate.pad(value.day, 2)
    }

    /// TEXT escaping (RFC 5545 3.3.11).
    static func escape(_ text: String) -> String {
        // Most values (a UID, a place) need none: they are returned as they are.
        guard text.utf8.contains(where: { $0 == 0x5C || $0 == 0x3B || $0 == 0x2C || $0 == 0x0A || $0 == 0x0D })
        else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            switch byte {
            case 0x5C, 0x3B, 0x2C:  // \ ; ,
                output.append(0x5C)
                output.append(byte)
            case 0x0A:
                output.append(0x5C)
                output.append(UInt8(ascii: "n"))
            case 0x0D: continue
            default: output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Folds a content line at 75 octets without splitting a UTF-8 character.
    static func fold(_ line: String) -> String {
        guard line.utf8.count > 75 else { return line }
        var result: [UInt8] = []
        result.reserveCapacity(line.utf8.count + line.utf8.count / 25 + 3)
        var count = 0
        for byte in line.utf8 {
            // Break before a byte that starts a character (not a UTF-8 continuation byte).
            if count >= 75 && byte & 0xC0 != 0x80 {
                result.append(13)
                result.append(10)
                result.append(32)
                count = 1
            }
            result.append(byte)
            count += 1
        }
        return String(decoding: result, as: UTF8.self)
    }
}
