import Foundation
import MentorModel
import MentorStore
import Notifier

/// The demo's people answer: after each cycle, some of the emails it sent get a reply in the
/// spool's replies folder, as a mail server would deliver it, and the next cycle reads them. Who
/// answers what is decided by the message's id, so every run of the demo is the same.
struct DemoReplies {
    let folder: String
    private var lastSeen: Int64 = 0
    private var written = 0

    init(folder: String) {
        self.folder = folder
    }

    mutating func answer(store: Store, now: Int64) throws {
        let rows = try store.sentEmails(afterID: lastSeen)
        guard let last = rows.last else { return }
        lastSeen = last.id
        for row in rows {
            guard let recipient = row.recipient, let body = DemoReplies.body(row) else { continue }
            let person = try store.person(recipient)
            guard let email = person.email else { continue }
            written += 1
            let messageID = Deliverer.messageID(row, from: Cycle.spoolFrom)
            var headers = [
                "From: \(person.name ?? "") <\(email)>", "To: svar@localhost", "Subject: Re: \(row.subject ?? "")",
                "Message-ID: <demo-\(written)@example.net>", "In-Reply-To: <\(messageID)>",
                "References: <\(messageID)>", "Content-Type: text/plain; charset=utf-8",
            ]
            // Every twentieth answer to the monthly question is an out-of-office reply.
            if row.rule == .monthlyHours && row.id % 20 == 3 {
                headers += ["Auto-Submitted: auto-replied"]
                headers[2] = "Subject: Autosvar: \(row.subject ?? "")"
            }
            let text =
                headers.joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n\r\n> " + (row.subject ?? "") + "\r\n"
            try FileManager.default.createDirectory(atPath: folder + "/new", withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: "\(folder)/new/\(written).eml", contents: Data(text.utf8))
        }
    }

    /// What the person writes back, if anything: most mentors answer the monthly question, half the
    /// mentees the café invitation, some write something only a person can answer.
    static func body(_ row: OutboxRow) -> String? {
        let pick = Int(row.id % 10)
        switch row.rule {
        case .monthlyHours: return pick < 7 ? ["3,5", "2 timer", "1:30", "4", "2 t 30 min", "3", "90 min"][pick] : nil
        case .contactNudge: return pick < 4 ? "1,5" : nil
        case .cafeInvite: return pick < 4 ? "Ja tak!" : pick < 6 ? "Nej" : nil
        case .afterFirstMeeting: return pick == 3 ? "nej" : pick < 8 ? "ja" : nil
        case .evaluation: return pick < 5 ? "Udfyldt" : nil
        case .firstMeeting where row.role == .mentee:
            return pick == 1 ? "Jeg har prøvet at ringe, men min mentor tager ikke telefonen." : nil
        case .endNotice: return pick == 2 ? "Tak for et rigtig godt forløb!" : nil
        default: return nil
        }
    }
}
