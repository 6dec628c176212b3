import Foundation
import MentorModel
import MentorStore
import Notifier
import Replies
import Testing
import Transport

@testable import MentorNotifyCore

/// A year in which a mentor answers the messages that ask for hours, and nobody types anything in:
/// the answers alone keep the monthly reminder away and fill the hours report.
@Suite(.serialized) struct ReplyYearTests {
    @Test func aMentorWhoAnswersWithEnoughHoursIsNotRemindedThatMonth() throws {
        let folder = NSTemporaryDirectory() + "mentor-notify-reply-year-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var config = Config.builtIn()
        config.retentionDays = 1000
        config.spool = folder + "/spool"
        config.replies = RepliesSettings(address: "svar@localhost")
        let store = try Store(path: folder + "/year.db")
        let from = try #require(LocalDate("2026-01-05"))
        let mentor = try store.addPerson(
            NewPerson(role: .mentor, name: "Søren Mikkelsen", email: "soren@example.dk", language: .da))
        let mentee = try store.addPerson(
            NewPerson(role: .mentee, name: "Amira Hansen", email: "amira@example.dk", language: .da))
        let forloeb = try store.addRelationship(
            mentor: mentor, mentee: mentee, program: "mentorshoppen", start: from, plannedEnd: from.adding(months: 12))
        let catalog = try TemplateCatalog.load(
            directory: CLIHarness.repository.appendingPathComponent("templates").path)
        let spool = SpoolTransport(directory: config.spool)
        let logger = Logger(level: .error)
        let cycle = Cycle(store: store, config: config, catalog: catalog, logger: logger, email: spool, sms: spool)
        let inbox = config.spool + "/replies"
        cycle.poller = MailboxPoller(
            mailbox: SpoolMailbox(directory: inbox),
            core: ReplyCore(store: store, config: config, catalog: catalog, logger: logger),
            ownAddresses: ["svar@localhost"])
        let zone = config.zone
        let start = zone.instant(from, .midnight)
        var seen: Int64 = 0
        var written = 0
        for hour in stride(from: Int64(0), to: 365 * 24, by: 1) {
            let now = start + hour * 3600
            _ = try cycle.run(now: now)
            // Each message that asks the mentor for hours is answered within the hour with "4"
            // (the target is 240 minutes), unless the month already has them.
            let month = zone.local(now).date.yearMonth
            for row in try store.sentEmails(afterID: seen) {
                seen = row.id
                guard row.recipient == mentor, ReplyCore.hourRules.contains(row.rule),
                    (try store.minutes(in: month)[forloeb] ?? 0) < 240
                else { continue }
                written += 1
                let id = Deliverer.messageID(row, from: Cycle.spoolFrom)
                let mail = """
                    From: Søren <soren@example.dk>\r\nMessage-ID: <a\(written)@example.net>\r\nIn-Reply-To: <\(id)>\r
                    Content-Type: text/plain; charset=utf-8\r\n\r\n4\r\n
                    """
                try FileManager.default.createDirectory(atPath: inbox + "/new", withIntermediateDirectories: true)
                _ = FileManager.default.createFile(atPath: "\(inbox)/new/\(written).eml", contents: Data(mail.utf8))
            }
        }
        let replies = try store.inbound(since: 0, limit: 10_000)
        #expect(replies.count == written)
        #expect(replies.allSatisfy { $0.action == .hours }, "\(replies.map(\.action))")
        let rows = try store.outbox()
        let reminders = rows.filter { $0.rule == .monthlyHours }
        var remindedMonths = Set<String>()
        for row in reminders { remindedMonths.insert(String(row.key.split(separator: ":").last ?? "")) }
        #expect(remindedMonths.count == reminders.count, "a month was asked about twice")
        var answeredBefore = 0
        for month in (1...11).map({ from.yearMonth.adding(months: $0) }) {
            // The hours report for every full month shows the answered minutes.
            #expect(try store.minutes(in: month)[forloeb] ?? 0 >= 240, "\(month)")
            // The month's first answer: if it answered another message, no monthly reminder followed.
            let first = replies.filter { zone.local($0.receivedAt).date.yearMonth == month }.min {
                $0.receivedAt < $1.receivedAt
            }
            let answered = try first?.outboxID.flatMap { try store.outboxRow(id: $0) }
            if let answered, answered.rule != .monthlyHours {
                #expect(!remindedMonths.contains(month.description), "reminded in \(month) though already answered")
                answeredBefore += 1
            }
        }
        // Both paths happened: months answered before the 20th, and months answered on the reminder.
        #expect(answeredBefore > 0)
        #expect(!reminders.isEmpty)
        // Every answer was confirmed, and nobody typed in a single contact.
        #expect(rows.filter { $0.rule == .replyConfirmation }.count == written)
        #expect(try store.database.scalarInt("SELECT count(*) FROM contact WHERE kind != 'other'") == 0)
    }
}
