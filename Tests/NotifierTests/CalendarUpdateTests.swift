import Foundation
import Testing

@testable import Notifier

/// An update or a cancellation of an invitation (RFC 5546): the `UID` the recipient's calendar
/// holds, `SEQUENCE` one up, and `METHOD:CANCEL` in the calendar and its MIME part alike.
@Suite struct CalendarUpdateTests {
    static let earlier = "0123456789abcdef0123456789abcdef"
    static let own = "fedcba9876543210fedcba9876543210"
    static let stamp = Date(timeIntervalSince1970: 1_776_700_000)

    static func lines(_ text: String) -> [Substring] {
        text.replacingOccurrences(of: "\r\n ", with: "").split(separator: "\r\n")
    }

    @Test func aCancellationNamesTheEarlierUIDAndSaysCancel() throws {
        let event = StoredEvent(
            uid: "meeting-7@mentor-notify", start: "2026-03-26T16:00", minutes: 90, summary: "Mentormøde",
            place: nil, timeZone: "Europe/Copenhagen", sequence: 2, method: "CANCEL", token: Self.earlier)
        let decoded = try #require(StoredEvent.decode(event.encoded()))
        let prepared = try #require(ICalendar.prepare(decoded, organizer: "svar@example.dk", rsvp: true))
        #expect(prepared.method == "CANCEL")
        let lines = Self.lines(prepared.request(attendee: "amira@example.dk", stamp: Self.stamp, token: Self.own))
        #expect(lines.contains("METHOD:CANCEL"))
        #expect(lines.contains("STATUS:CANCELLED"))
        #expect(lines.contains("SEQUENCE:2"))
        #expect(lines.contains("UID:mi.\(Self.earlier).meeting-7@mentor-notify"))
        // Nobody is asked to answer a cancellation.
        #expect(lines.contains { $0.hasPrefix("ATTENDEE") && $0.contains("RSVP=FALSE") })
        var message = MailMessage(
            from: "a@example.dk", to: "amira@example.dk", subject: "Aflyst", body: "x", messageID: "m@x",
            date: Self.stamp, calendar: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
        message.calendarMethod = prepared.method
        #expect(try message.rendered().contains("Content-Type: text/calendar; charset=UTF-8; method=CANCEL"))
    }

    /// Rows written before updates existed carry no sequence, method or token: still SEQUENCE 0,
    /// a REQUEST, under the row's own token.
    @Test func anEventStoredBeforeUpdatesReadsAsTheFirstRequest() throws {
        let stored =
            #"{"minutes":90,"start":"2026-03-26T16:00","summary":"M","timeZone":"Europe/Copenhagen","uid":"meeting-7@mentor-notify"}"#
        let event = try #require(StoredEvent.decode(stored))
        // Written anew, it gains no keys: rows of the first invitation stay as they were.
        #expect(!["sequence", "method", "token"].contains { event.encoded().contains($0) })
        let prepared = try #require(ICalendar.prepare(event, organizer: "svar@example.dk"))
        let lines = Self.lines(prepared.request(attendee: "amira@example.dk", stamp: Self.stamp, token: Self.own))
        #expect(lines.contains("METHOD:REQUEST") && lines.contains("SEQUENCE:0") && lines.contains("STATUS:CONFIRMED"))
        #expect(lines.contains("UID:mi.\(Self.own).meeting-7@mentor-notify"))
    }
}
