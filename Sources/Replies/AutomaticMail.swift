import Foundation
import MentorModel

/// SPEC.md "Never answered, never acted on": the marks robots put on mail. Each reason says which
/// mark matched, for the log and `replies`; none holds anything the sender wrote.
extension InboundMail {
    /// Why a message is automatic, or nil for a person's mail.
    static func automaticReason(_ message: MIMEMessage, from: String, ownAddresses: Set<String>) -> String? {
        let headers = message.headers
        // A read receipt (RFC 8098); Outlook sends it from the reader's own address, unmarked.
        if message.reportType == "disposition-notification" { return "read receipt" }
        // RFC 3834: any keyword but `no` (comments and case aside).
        if let value = headers.first("auto-submitted"), firstWord(value) != "no" { return "auto-submitted" }
        if let precedence = headers.first("precedence").map(firstWord),
            ["bulk", "junk", "list", "auto_reply"].contains(precedence)
        {
            return "precedence \(precedence)"
        }
        if headers.first("x-autoreply") != nil || headers.first("x-autorespond") != nil { return "autoreply header" }
        if let path = headers.first("return-path") {
            let bare = path.filter { $0 != " " && $0 != "\t" }
            if bare == "<>" { return "empty return-path" }
            if bare.lowercased().contains("mailer-daemon") { return "return-path mailer-daemon" }
        }
        // Exim's mark on its bounces; no person's mail has it.
        if headers.first("x-failed-recipients") != nil { return "x-failed-recipients" }
        let local = from.split(separator: "@").first.map(String.init) ?? ""
        if ["mailer-daemon", "postmaster", "mail.delivery.system"].contains(local) || isDeliverySystem(headers) {
            return "mailer-daemon"
        }
        if let reason = listReason(headers, local: local) { return reason }
        if from.isEmpty { return "no sender" }
        if ownAddresses.contains(from) { return "our own address" }
        let subject = (headers.decoded("subject") ?? "").lowercased().trimmingSpaces()
        if automaticSubjects.contains(where: { subject.hasPrefix($0) }) { return "out-of-office subject" }
        if isProviderNotification(message, from: from) { return "provider notification" }
        return nil
    }

    /// Out-of-office subjects, lower-cased, as Outlook, Gmail, Apple Mail and Danish webmail write them.
    static let automaticSubjects = [
        "autosvar", "automatisk svar", "fraværende", "out of office", "auto-reply", "auto reply", "autoreply",
        "automatic reply",
    ]

    /// `Mail Delivery System` / `Mail Delivery Subsystem` (Gmail) / `Mail.Delivery.System` as the
    /// From display name, whatever the address behind it.
    private static func isDeliverySystem(_ headers: MIMEHeaders) -> Bool {
        guard let value = headers.decoded("from") else { return false }
        // The display name: before `<`, or a comment `(…)` after a bare address (Postfix's form).
        let name: Substring
        if let open = value.firstIndex(of: "<") {
            name = value[..<open]
        } else if let open = value.firstIndex(of: "(") {
            name = value[value.index(after: open)...]
        } else {
            name = value[...]
        }
        let words = String(name.lowercased().map { $0.isLetter ? $0 : " " }).split(separator: " ").prefix(3)
        return words.elementsEqual(["mail", "delivery", "system"])
            || words.elementsEqual(["mail", "delivery", "subsystem"])
    }

    /// Mailing-list robots' mail (Mailman, LISTSERV, Majordomo, Google Groups): their
    /// administrative notices (`X-List-Administrivia`, Mailman's), mail from a list's robot
    /// addresses, and list mail whose subject reports an error (a rejected or held post).
    private static func listReason(_ headers: MIMEHeaders, local: String) -> String? {
        if headers.first("x-list-administrivia") != nil { return "list administrivia" }
        let robots = ["listserv", "majordomo", "mailman", "listproc", "sympa"]
        if robots.contains(local) || local.hasPrefix("owner-")
            || ["-bounces", "-owner", "-request"].contains(where: { local.hasSuffix($0) })
            || local.contains("-bounces+")
        {
            return "list robot"
        }
        guard headers.first("list-id") != nil else { return nil }
        let subject = (headers.decoded("subject") ?? "").lowercased()
        let errors = [
            "rejected", "undeliverable", "undelivered", "not delivered", "could not be delivered", "delivery fail",
            "failure", "bounce", "moderator", "kunne ikke leveres", "ikke leveret", "afvist",
        ]
        return errors.contains(where: { subject.contains($0) }) ? "list error" : nil
    }

    /// A provider's machine notification (Amazon SES through SNS): a JSON object with the fields
    /// those notifications carry, or mail from the providers' notification senders.
    private static func isProviderNotification(_ message: MIMEMessage, from: String) -> Bool {
        let domain = from.split(separator: "@").last.map(String.init) ?? ""
        if domain == "sns.amazonaws.com" || domain == "amazonses.com" || domain.hasSuffix(".amazonses.com") {
            return true
        }
        guard let text = message.plainText, text.utf8.first(where: { $0 > 32 }) == UInt8(ascii: "{") else {
            return false
        }
        let head = text.prefix(4096)
        return ["\"notificationType\"", "\"eventType\"", "\"TopicArn\""].contains(where: { head.contains($0) })
    }

    /// `auto-replied (vacation)` → `auto-replied`: the keyword before a comment or parameter.
    private static func firstWord(_ value: String) -> String {
        String(value.trimmingSpaces().lowercased().prefix(while: { !" \t(;".contains($0) }))
    }
}
