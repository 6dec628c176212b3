import Foundation
import Testing

@testable import Notifier

/// An invitation's UID carries its outbox row's own token: an answer naming it proves its sender.
@Suite struct InvitationTokenTests {
    static let token = "0123456789abcdef0123456789abcdef"

    @Test func theUIDCarriesTheTokenAndReadsBack() throws {
        let event = StoredEvent(
            uid: "cafe-p-2026-04-23T17:00@mentor-notify", start: "2026-04-23T17:00", minutes: 180, summary: "Café",
            place: nil, timeZone: "Europe/Copenhagen")
        let prepared = try #require(ICalendar.prepare(event, organizer: "svar@example.dk", rsvp: true))
        let stamp = Date(timeIntervalSince1970: 1_776_700_000)
        let text = prepared.request(attendee: "amira@example.dk", stamp: stamp, token: Self.token)
        let uid = try #require(
            text.replacingOccurrences(of: "\r\n ", with: "").split(separator: "\r\n").first { $0.hasPrefix("UID:") })
        #expect(uid == "UID:mi.\(Self.token).cafe-p-2026-04-23T17:00@mentor-notify")
        #expect(InvitationToken.token(inUID: String(uid.dropFirst(4))) == Self.token)
        // The same row sent again: the same UID.
        #expect(prepared.request(attendee: "amira@example.dk", stamp: stamp, token: Self.token) == text)
        // Without a token (a row from before tokens), the event's own UID.
        #expect(prepared.request(attendee: "amira@example.dk", stamp: stamp).contains("UID:cafe-p-2026-04-23T17:00@"))
    }

    @Test(arguments: [
        "cafe-p-2026-04-23T17:00@mentor-notify", "mi.0123456789abcdef0123456789abcdef", "mi.0123@x",
        "mi.0123456789ABCDEF0123456789abcdef.x@y", "mn.0123456789abcdef0123456789abcdef.x@y",
    ])
    func otherUIDsNameNoInvitationOfOurs(uid: String) {
        #expect(InvitationToken.token(inUID: uid) == nil)
    }
}
