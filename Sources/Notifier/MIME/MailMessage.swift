public import Foundation
import MentorModel
import Transport

/// An RFC 5322 message built by us: headers, a quoted-printable text part and, for invitations,
/// its `text/calendar; method=REQUEST` alternative.
public struct MailMessage: Sendable {
    public var from: String
    public var to: String
    public var subject: String
    public var body: String
    public var messageID: String
    public var date: Date
    public var calendar: String?
    /// The calendar's `METHOD`: `REQUEST`, or `CANCEL` for a cancellation (RFC 6047 2.4).
    public var calendarMethod = "REQUEST"
    /// The From header's value, when the caller built it once for many messages (`mailbox(from)`).
    public var fromMailbox: String?
    /// Where answers go, when they are read.
    public var replyTo: String?
    /// RFC 2369/8058: the `List-Unsubscribe` value (`<https://…/u/TOKEN>, <mailto:…?subject=stop>`),
    /// and whether its https link takes a one-click POST (`List-Unsubscribe-Post`).
    public var listUnsubscribe: String?
    public var oneClickUnsubscribe = false
    /// RFC 5322 3.6.4, for an answer: the Message-ID it answers and the chain, oldest first (ids
    /// without angle brackets; one that `MailThread.isValid` refuses is left out).
    public var inReplyTo: String?
    public var references: [String] = []

    public init(
        from: String, to: String, subject: String, body: String, messageID: String, date: Date, calendar: String? = nil,
        fromMailbox: String? = nil
    ) {
        self.fromMailbox = fromMailbox
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.messageID = messageID
        self.date = date
        self.calendar = calendar
    }

    /// `Name <address>` with the name RFC 2047-encoded when needed.
    public static func mailbox(_ value: String) -> String {
        let address = EmailSettings.address(of: value)
        guard let name = EmailSettings.displayName(of: value) else { return "<\(address)>" }
        let encoded = MIMEEncoding.encodedWords(name)
        if encoded == name && name.contains(where: { "()<>[]:;@\\,.\"".contains($0) }) {
            return "\"\(name.replacingOccurrences(of: "\"", with: ""))\" <\(address)>"
        }
        return "\(encoded) <\(address)>"
    }

    /// `Mon, 23 Nov 2026 09:30:00 +0000`, written by hand (a DateFormatter per message is slow).
    static func rfc5322Date(_ date: Date) -> String {
        let (day, seconds) = LocalDate.split(wallSeconds: Int64(date.timeIntervalSince1970.rounded(.down)))
        let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(weekdays[day.weekday - 1]), \(LocalDate.pad(day.day, 2)) \(months[day.month - 1]) \(day.year) "
            + "\(LocalDate.pad(seconds / 3600, 2)):\(LocalDate.pad(seconds / 60 % 60, 2)):"
            + "\(LocalDate.pad(seconds % 60, 2)) +0000"
    }

    /// The message with CRLF line ends, ready for SMTP DATA.
    public func rendered() throws(MIMEError) -> String {
        try MIMEEncoding.checkHeader(from, name: "From")
        try MIMEEncoding.checkHeader(to, name: "To")
        try MIMEEncoding.checkHeader(subject, name: "Subject")
        try MIMEEncoding.checkHeader(messageID, name: "Message-ID")
        try MIMEEncoding.checkHeader(replyTo ?? "", name: "Reply-To")
        try MIMEEncoding.checkHeader(listUnsubscribe ?? "", name: "List-Unsubscribe")
        // One string, appended to in place: a list of lines joined at the end cost as much again.
        var out = ""
        out.reserveCapacity(body.utf8.count * 3 / 2 + (calendar?.utf8.count ?? 0) * 3 / 2 + 1024)
        func line(_ first: String = "", _ second: String = "", _ third: String = "") {
            out += first
            out += second
            out += third
            out += "\r\n"
        }
        line("Date: ", MailMessage.rfc5322Date(date))
        line("From: ", fromMailbox ?? MailMessage.mailbox(from))
        line("To: <", EmailSettings.address(of: to), ">")
        if let replyTo { line("Reply-To: <", EmailSettings.address(of: replyTo), ">") }
        line("Subject: ", MIMEEncoding.encodedWords(subject))
        line("Message-ID: <", messageID, ">")
        line("MIME-Version: 1.0")
        line("Auto-Submitted: auto-generated")
        line("X-Auto-Response-Suppress: All")
        // Ids from outside: only those that may go into a header, never a line break among them.
        if let inReplyTo, MailThread.isValid(inReplyTo) {
            line("In-Reply-To: <", inReplyTo, ">")
            let chain = references.filter { MailThread.isValid($0) }
            if !chain.isEmpty { line("References: ", chain.map { "<\($0)>" }.joined(separator: " ")) }
        }
        if let listUnsubscribe {
            // Folded after each comma: two URIs exceed the 78 characters a line should keep to.
            line("List-Unsubscribe: ", listUnsubscribe.replacingOccurrences(of: ", ", with: ",\r\n "))
            if oneClickUnsubscribe { line("List-Unsubscribe-Post: List-Unsubscribe=One-Click") }
        }
        func text() {
            line("Content-Type: text/plain; charset=UTF-8")
            line("Content-Transfer-Encoding: quoted-printable")
            line()
            line(MIMEEncoding.quotedPrintable(body))
        }
        guard let calendar else {
            text()
            return out
        }
        let boundary = "=_mentor-notify-" + String(messageID.hashValue.magnitude, radix: 36)
        // An invitation as calendar programs recognise one (RFC 6047 2.4): the text and the
        // calendar as alternatives of the same message, the calendar last.
        line("Content-Type: multipart/alternative; boundary=\"", boundary, "\"")
        line()
        line("This is a MIME message.")
        line("--", boundary)
        text()
        line("--", boundary)
        line("Content-Type: text/calendar; charset=UTF-8; method=", calendarMethod)
        line("Content-Transfer-Encoding: quoted-printable")
        line()
        line(MIMEEncoding.quotedPrintable(calendar))
        line("--", boundary, "--")
        return out
    }
}
