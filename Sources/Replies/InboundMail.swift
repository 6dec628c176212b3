import Foundation
import MentorModel

/// An email that came back to the replies address, classified: a person's reply, a bounce, or
/// automatic mail that is never answered.
public struct InboundMail: Sendable {
    public enum Kind: Sendable, Hashable {
        /// A person's answer.
        case reply(intent: ReplyIntent, viaCalendar: Bool)
        /// A delivery status notification about one of our messages.
        case bounce(Bounce)
        /// A feedback report (ARF): someone marked one of our messages as spam.
        case complaint(Complaint)
        /// Automatic mail (an out-of-office, a list, a robot): never answered, never acted on.
        case automatic(reason: String)
    }

    public var kind: Kind
    /// The sender's address, lower-cased (empty when there is none).
    public var from: String
    /// Message-IDs named in `In-Reply-To` and `References`, newest first, without angle brackets.
    public var references: [String]
    /// This message's own Message-ID (without angle brackets), when it has one.
    public var messageID: String?
    /// The person's own lines, for a forward to the leaders; empty for anything but a reply.
    public var ownText: [String]
    /// The `Authentication-Results` values, top first (at most `AuthenticationResults.maxHeaders`):
    /// who may say the sender is proven is decided by the reply core.
    public var authenticationResults: [String] = []
    /// An iMIP answer's invitation and what the attendee said; nil for anything else.
    public var calendarAnswer: CalendarAnswer?

    /// Reads `bytes`. `ownAddresses`: mail from these is our own and ignored.
    public static func read(_ bytes: [UInt8], ownAddresses: Set<String>) throws(MIMEReadError) -> InboundMail {
        let message = try MIMEReader.read(bytes)
        return classify(message, ownAddresses: ownAddresses)
    }

    public static func classify(_ message: MIMEMessage, ownAddresses: Set<String>) -> InboundMail {
        let headers = message.headers
        // Read raw, as a DMARC verifier reads it: an encoded word is display text, never an address
        // (RFC 2047 5), so a decoded `=?…?=` must not name someone else after the real address.
        // A mail has one From (RFC 5322 3.6): with two, a verifier may have judged the other one.
        let fromFields = headers.all("from")
        let from = fromFields.count == 1 ? MailAddress.address(in: fromFields[0]) ?? "" : ""
        let references =
            (MailAddress.messageIDs(in: headers.first("in-reply-to") ?? "")
                + MailAddress.messageIDs(in: headers.first("references") ?? "").reversed())
        var mail = InboundMail(
            kind: .automatic(reason: "unread"), from: from, references: unique(references),
            messageID: MailAddress.messageIDs(in: headers.first("message-id") ?? "").first, ownText: [])
        // Bounces are the one automatic mail that is read.
        if let bounce = Bounce.read(message) {
            mail.kind = .bounce(bounce)
            return mail
        }
        // So are feedback reports, whoever sends them (they come marked as robots' mail).
        if let complaint = Complaint.read(message) {
            mail.kind = .complaint(complaint)
            return mail
        }
        if let reason = automaticReason(message, from: from, ownAddresses: ownAddresses) {
            mail.kind = .automatic(reason: reason)
            return mail
        }
        mail.authenticationResults = Array(
            headers.all("authentication-results").prefix(AuthenticationResults.maxHeaders))
        if let answer = CalendarReply.read(message) {
            mail.calendarAnswer = answer
            mail.kind = .reply(intent: answer.intent, viaCalendar: true)
            return mail
        }
        let text = message.plainText ?? message.htmlText.map(HTMLText.plain) ?? ""
        mail.ownText = ReplyReading.ownLines(text)
        var intent = ReplyReading.intent(ofOwnLines: mail.ownText)
        // A mail client's unsubscribe (`List-Unsubscribe: <mailto:…?subject=stop>`) sends the word
        // as the subject of an empty message; only stop and start are read from a subject.
        if mail.ownText.isEmpty, let subject = headers.decoded("subject") {
            let fromSubject = ReplyReading.intent(ofLine: subject)
            if fromSubject == .stop || fromSubject == .start { intent = fromSubject }
        }
        mail.kind = .reply(intent: intent, viaCalendar: false)
        return mail
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}

/// A delivery status notification (RFC 3464) about one of our messages.
public struct Bounce: Sendable, Hashable {
    /// The returned message's Message-ID, without angle brackets.
    public var messageID: String?
    /// `5.1.1`
    public var status: String
    /// The remote server's words, shortened ("smtp; 550 5.1.1 <x@y>: Recipient address rejected").
    public var diagnostic: String?
    /// The local part of the address that failed (`Final-Recipient`), to mask where the
    /// diagnostic names it without its domain: Postfix's `unknown user: "anna.hansen"`.
    var recipientLocalPart: String?

    /// A 5.x.x status: the address will not work.
    public var isPermanent: Bool { status.hasPrefix("5.") }

    /// `bounced: 5.1.1 …`, for the outbox row's reason, masked like every other reason: the
    /// diagnostic usually echoes the address that failed, and a reason is logged and listed to leaders.
    public var reason: String {
        var text = "bounced: \(status)" + (diagnostic.map { " \($0)" } ?? "")
        if let local = recipientLocalPart, let first = local.first {
            text = text.replacingOccurrences(of: "\"\(local)\"", with: "\"\(first)***\"", options: .caseInsensitive)
        }
        return ReasonText.masked(text, limit: 220)
    }

    static func read(_ message: MIMEMessage) -> Bounce? {
        // A report whose type was lost to a damaged header is still read by its status part.
        guard message.reportType == "delivery-status" || message.reportType == "", let status = message.deliveryStatus
        else { return nil }
        var code: String?
        var diagnostic: String?
        var local: String?
        for line in status.split(whereSeparator: \.isNewline) {
            let lower = line.lowercased()
            if code == nil, lower.hasPrefix("status:") {
                let value = line.dropFirst(7).trimmingSpaces()
                let parts = value.split(separator: " ").first.map(String.init) ?? value
                if parts.split(separator: ".").count == 3, parts.allSatisfy({ $0.isNumber || $0 == "." }) {
                    code = parts
                }
            } else if diagnostic == nil, lower.hasPrefix("diagnostic-code:") {
                diagnostic = String(String(line.dropFirst(16)).trimmingSpaces().prefix(200))
            } else if local == nil, lower.hasPrefix("final-recipient:"), let at = line.lastIndex(of: "@") {
                // `rfc822; anna.hansen@example.dk`: what lies between the type and the @.
                let address = line[line.index(line.startIndex, offsetBy: 16)..<at]
                local = String(address.split(separator: ";").last.map { $0.trimmingSpaces() }?.prefix(64) ?? "")
            }
        }
        guard let code else { return nil }
        var bounce = Bounce(messageID: message.returnedMessageID, status: code, diagnostic: diagnostic)
        bounce.recipientLocalPart = local?.isEmpty == false ? local : nil
        return bounce
    }
}

/// A feedback report (RFC 5965) about one of our messages: a mailbox provider tells us that its
/// user marked the message as spam.
public struct Complaint: Sendable, Hashable {
    /// The reported message's Message-ID, without angle brackets.
    public var messageID: String?
    /// `Feedback-Type`, lower-cased: `abuse`, `fraud`, `auth-failure`, `virus`, `not-spam`, `other`.
    public var feedbackType: String

    /// A person said the message was unwanted (abuse, or fraud: a phishing report). The other
    /// types are about authentication, viruses or nothing, not about the person's wishes.
    public var isSpam: Bool { feedbackType == "abuse" || feedbackType == "fraud" }

    static func read(_ message: MIMEMessage) -> Complaint? {
        guard message.reportType == "feedback-report" || (message.reportType == "" && message.feedbackReport != nil)
        else { return nil }
        var type = "abuse"
        for line in (message.feedbackReport ?? "").split(whereSeparator: \.isNewline)
        where line.lowercased().hasPrefix("feedback-type:") {
            type = String(String(line.dropFirst(14)).trimmingSpaces().lowercased().prefix(40))
            break
        }
        return Complaint(messageID: message.returnedMessageID, feedbackType: type)
    }
}

extension MIMEMessage {
    /// The Message-ID in the returned headers of a bounce or a feedback report.
    var returnedMessageID: String? {
        returnedHeaders?.first("message-id").flatMap { MailAddress.messageIDs(in: $0).first }
    }
}

/// What an iMIP answer says: which invitation (`UID`) and the attendee's `PARTSTAT`.
public struct CalendarAnswer: Sendable, Hashable {
    /// The invitation's UID as written; nil when it carries none.
    public var uid: String?
    /// `ACCEPTED`, `DECLINED`, `TENTATIVE`, … upper-cased.
    public var partstat: String

    /// ACCEPTED reads as `ja`, DECLINED as `nej`; TENTATIVE (and anything else) is neither.
    public var intent: ReplyIntent {
        switch partstat {
        case "ACCEPTED": return .yes
        case "DECLINED": return .no
        default: return .other
        }
    }
}

/// An iMIP answer (RFC 6047): `METHOD:REPLY` with the attendee's `PARTSTAT`.
enum CalendarReply {
    static func read(_ message: MIMEMessage) -> CalendarAnswer? {
        guard let calendar = message.calendar else { return nil }
        // Unfold (RFC 5545 3.1) before reading properties.
        let unfolded = calendar.replacingOccurrences(of: "\r\n ", with: "").replacingOccurrences(of: "\n ", with: "")
            .replacingOccurrences(of: "\r\n\t", with: "").replacingOccurrences(of: "\n\t", with: "")
        let lines = unfolded.split(whereSeparator: \.isNewline).map { $0.trimmingSpaces() }
        let method =
            message.calendarMethod
            ?? lines.first(where: { $0.uppercased().hasPrefix("METHOD:") }).map { String($0.dropFirst(7)).uppercased() }
        guard method == "REPLY" else { return nil }
        let uid = lines.first { $0.uppercased().hasPrefix("UID:") }.map { String($0.dropFirst(4).prefix(300)) }
        for line in lines where line.uppercased().hasPrefix("ATTENDEE") {
            let parameters = line.prefix(while: { $0 != ":" }).uppercased()
            guard let range = parameters.range(of: "PARTSTAT=") else { continue }
            let value = parameters[range.upperBound...].prefix(while: { $0.isLetter || $0 == "-" })
            return CalendarAnswer(uid: uid, partstat: String(value.prefix(40)))
        }
        return nil
    }
}

/// Addresses and Message-IDs in header values.
public enum MailAddress {
    /// The address in `Name <a@b>`, `a@b` or `a@b (Name)`, lower-cased, read as RFC 5322 writes a
    /// mailbox (and a DMARC verifier reads it): comments and a quoted display name are no part of
    /// it. Nil when there is none, or more than one `<…>`. One pass.
    public static func address(in value: String) -> String? {
        var bare = ""
        var angled: String?
        var inAngle = false
        var commentDepth = 0
        var quoted = false
        var escaped = false
        for character in value {
            if commentDepth > 0 {
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "(" {
                    commentDepth += 1
                } else if character == ")" {
                    commentDepth -= 1
                }
                continue
            }
            // A quoted local part inside `<…>` is kept as written; a quoted display name is not the address.
            if quoted {
                if inAngle { angled?.append(character) }
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    quoted = false
                }
                continue
            }
            switch character {
            case "(": commentDepth = 1
            case "\"":
                quoted = true
                if inAngle { angled?.append(character) }
            case "<":
                guard !inAngle, angled == nil else { return nil }
                inAngle = true
                angled = ""
            case ">":
                guard inAngle else { return nil }
                inAngle = false
            default:
                if inAngle { angled?.append(character) } else { bare.append(character) }
            }
        }
        guard !inAngle, !quoted, commentDepth == 0 else { return nil }
        let address = (angled ?? bare).trimmingSpaces().lowercased()
        guard address.count <= 254, let at = address.firstIndex(of: "@"), at != address.startIndex,
            address.index(after: at) != address.endIndex,
            !address.contains(where: { $0 == " " || $0 == "<" || $0 == ">" || $0 == "," })
        else { return nil }
        return address
    }

    /// `<a@b> <c@d>` → ["a@b", "c@d"]; at most 50, each at most 250 characters.
    public static func messageIDs(in value: String) -> [String] {
        var ids: [String] = []
        var rest = Substring(value)
        while ids.count < 50, let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let id = rest[rest.index(after: open)..<close].trimmingSpaces()
            if !id.isEmpty, id.count <= 250 { ids.append(id) }
            rest = rest[rest.index(after: close)...]
        }
        return ids
    }
}

/// The text of an HTML-only reply: tags removed, block ends as line breaks, quoted blocks marked
/// with `>` so they are not read as the answer, the common entities decoded. The time is in
/// proportion to the HTML's length, whatever it holds.
enum HTMLText {
    /// One `>` marks a line as quoted; a few show the nesting. Never more, so a thousand nested
    /// quotes do not write a thousand marks on each of their lines.
    static let quoteMarks = 8

    static func plain(_ html: String) -> String {
        var output = ""
        var quoteDepth = 0
        var index = html.startIndex
        var skipping: String?
        // Set when a `<` has no `>` after it: then no later `<` has one either, and the rest is
        // text. Searched for again at every `<`, a body of `<` would be read once per character.
        var unclosed = false
        let blockTags: Set<String> = ["p", "div", "br", "li", "tr", "h1", "h2", "h3", "hr", "table"]
        func newline() {
            output += "\n"
            if quoteDepth > 0 { output += String(repeating: ">", count: min(quoteDepth, quoteMarks)) + " " }
        }
        while index < html.endIndex {
            let character = html[index]
            if character == "<", !unclosed, let close = html[index...].firstIndex(of: ">") {
                let inside = html[html.index(after: index)..<close].lowercased()
                let closing = inside.hasPrefix("/")
                let name = String(inside.drop(while: { $0 == "/" }).prefix(while: { $0.isLetter || $0.isNumber }))
                index = html.index(after: close)
                if let skipped = skipping {
                    if closing && name == skipped { skipping = nil }
                    continue
                }
                if !closing && (name == "style" || name == "script" || name == "head") {
                    skipping = name
                    continue
                }
                // Gmail's and Apple Mail's quoted history.
                if name == "blockquote" || (!closing && inside.contains("gmail_quote")) {
                    quoteDepth = max(quoteDepth + (closing ? -1 : 1), 0)
                    newline()
                    continue
                }
                if blockTags.contains(name) { newline() }
                continue
            }
            if character == "<" { unclosed = true }
            index = html.index(after: index)
            if skipping != nil { continue }
            if character == "&", let semicolon = html[index...].prefix(10).firstIndex(of: ";") {
                let entity = String(html[index..<semicolon])
                if let decoded = entityValue(entity) {
                    output.append(decoded)
                    index = html.index(after: semicolon)
                    continue
                }
            }
            if character == "\n" || character == "\r\n" || character == "\r" {
                output += " "
            } else {
                output.append(character)
            }
        }
        return output
    }

    private static func entityValue(_ entity: String) -> Character? {
        let named: [String: Character] = [
            "nbsp": " ", "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "aelig": "æ", "oslash": "ø",
            "aring": "å", "AElig": "Æ", "Oslash": "Ø", "Aring": "Å", "frac12": "½", "eacute": "é",
        ]
        if let character = named[entity] { return character }
        guard entity.hasPrefix("#") else { return nil }
        let digits = entity.dropFirst()
        let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
        return value.flatMap(Unicode.Scalar.init).map(Character.init)
    }
}
