import Foundation
import MentorModel
import MentorStore
import Testing

@testable import Notifier
@testable import Transport

/// The small encoders written by hand instead of Foundation's (which cost more per message than
/// the transfer): each checked against the values Foundation or the RFCs give.
@Suite struct EncodingTests {
    @Test(
        arguments: [
            ("Mentorshoppen <noreply@example.dk>", "noreply@example.dk", "Mentorshoppen"),
            ("  \"Mentorshoppen Holstebro\"  <  noreply@example.dk >", "noreply@example.dk", "Mentorshoppen Holstebro"),
            ("noreply@example.dk", "noreply@example.dk", nil),
            ("\t noreply@example.dk \u{00A0}", "noreply@example.dk", nil),
            ("<noreply@example.dk>", "noreply@example.dk", nil),
            ("\"\" <noreply@example.dk>", "noreply@example.dk", nil),
            ("Æble Ø <æ@example.dk>", "æ@example.dk", "Æble Ø"),
        ] as [(String, String, String?)])
    func addressesAndDisplayNames(value: String, address: String, name: String?) {
        #expect(EmailSettings.address(of: value) == address)
        #expect(EmailSettings.displayName(of: value) == name)
    }

    @Test func datesAreWrittenLikeFoundationWouldWriteThem() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let calendar = DateFormatter()
        calendar.locale = Locale(identifier: "en_US_POSIX")
        calendar.timeZone = TimeZone(identifier: "UTC")
        calendar.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        // Before 1970, a leap day, the turn of a year, a second before midnight, now.
        for seconds in [-86_401, -1, 0, 951_782_400, 1_830_297_599, 1_835_000_000, 1_795_000_000] {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            #expect(MailMessage.rfc5322Date(date) == formatter.string(from: date))
            #expect(ICalendar.utc(date) == calendar.string(from: date))
        }
    }

    @Test(arguments: [(0, 2, "00"), (7, 2, "07"), (59, 2, "59"), (2026, 4, "2026"), (312, 2, "312"), (5, 4, "0005")])
    func digits(value: Int, width: Int, expected: String) {
        #expect(LocalDate.pad(value, width) == expected)
    }

    @Test func aPreparedCalendarGivesEachAttendeeTheWholeCalendar() throws {
        let event = StoredEvent(
            uid: "cafe-2026-11-25@mentor-notify", start: "2026-11-25T18:00", minutes: 120,
            summary: "Caféaften; mentorer, mentees", place: "Mentorshoppen, Holstebro", timeZone: "Europe/Copenhagen")
        let prepared = try #require(ICalendar.prepare(event, organizer: "Mentorshoppen <noreply@example.dk>"))
        let stamp = Date(timeIntervalSince1970: 1_795_000_000)
        for attendee in ["amira@example.dk", "Jonas <jonas.meget.langt.navn.til.foldning@eksempel.example.dk>"] {
            let text = prepared.request(attendee: attendee, stamp: stamp)
            let lines = text.components(separatedBy: "\r\n")
            #expect(text.hasSuffix("END:VCALENDAR\r\n"))
            #expect(lines.allSatisfy { $0.utf8.count <= 75 })
            // Unfolded (RFC 5545 3.1), the attendee line names exactly this attendee.
            let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
            #expect(
                unfolded.contains(
                    "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:"
                        + EmailSettings.address(of: attendee) + "\r\n"))
            #expect(unfolded.contains("DTSTAMP:20261118T110640Z\r\n"))
            #expect(unfolded.contains("DTSTART;TZID=Europe/Copenhagen:20261125T180000\r\n"))
            #expect(unfolded.contains("DTEND;TZID=Europe/Copenhagen:20261125T200000\r\n"))
            #expect(unfolded.contains("SUMMARY:Caféaften\\; mentorer\\, mentees\r\n"))
            #expect(unfolded.contains("ORGANIZER:mailto:noreply@example.dk\r\n"))
            #expect(unfolded.contains("TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"))
            #expect(
                text
                    == ICalendar.request(
                        event, organizer: "Mentorshoppen <noreply@example.dk>", attendee: attendee, stamp: stamp))
        }
    }

    @Test(
        arguments: [
            (SMSProvider.gatewayapi, #"{"ids":[421332671]}"#, "421332671"),
            (.gatewayapi, #"{"ids": [ 1, "2" ,3 ], "usage": {}}"#, "1,2,3"),
            (.gatewayapi, "{\"usage\":{},\n\"ids\":\n[\n7\n]}", "7"),
            (.gatewayapi, #"{"ids":[]}"#, nil),
            (.gatewayapi, #"{"ids":[1,,2]}"#, nil),
            (.gatewayapi, #"{"id":[1]}"#, nil),
            (.gatewayapi, #"{"ids":[1"#, nil),
            (.gatewayapi, "", nil),
            (.twilio, #"{"sid": "SM0123456789abcdef", "status": "queued"}"#, "SM0123456789abcdef"),
            (.twilio, #"{"account_sid":"AC1","sid":"SM2"}"#, "SM2"),
            (.twilio, #"{"sid": "SM2"#, nil),
            (.twilio, #"{"status":"queued"}"#, nil),
        ] as [(SMSProvider, String, String?)])
    func providerIDsAreReadFromTheAnswer(provider: SMSProvider, answer: String, expected: String?) {
        #expect(GatewayAnswer.providerID(Data(answer.utf8), provider: provider) == expected)
    }

    @Test func retryAfterIsReadFromTheHeaderBytes() {
        let buffers = CurlTransferBuffers(control: TransferControl())
        buffers.headerBytes = Array(
            "HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain\r\nretry-after:  120 \r\n\r\n".utf8)
        #expect(buffers.headers.first == "HTTP/1.1 429 Too Many Requests")
        #expect(GatewayAnswer.retryAfter(buffers.headers) == 120)
        buffers.headerBytes = Array("HTTP/1.1 503 Busy\r\nRetry-After: Wed, 21 Oct 2026 07:28:00 GMT\r\n\r\n".utf8)
        #expect(GatewayAnswer.retryAfter(buffers.headers) == 60)
        buffers.headerBytes = Array("HTTP/1.1 500 Oops\r\n\r\n".utf8)
        #expect(GatewayAnswer.retryAfter(buffers.headers) == nil)
    }

    @Test func singleLineKeepsPrintableASCIIAndFlattensTheRest() {
        #expect("smtp 250 queued as 4F2".singleLine == "smtp 250 queued as 4F2")
        #expect("a\tb\r\nc\u{7F}d\u{2028}e\u{85}f".singleLine == "a b  c d e f")
        #expect("x\n\u{0301}y".singleLine == "x \u{0301}y")
    }
}
