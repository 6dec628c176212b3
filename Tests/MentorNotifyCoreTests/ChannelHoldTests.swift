import Foundation
import MentorModel
import MentorStore
import Notifier
import Scheduler
import TestSupport
import Testing
import Transport

@testable import MentorNotifyCore

/// A channel whose server fails is held: the other channel goes on at once, the held one costs one
/// timeout per pass, and the leaders hear of the outage once, on the channel that works.
@Suite(.serialized) struct ChannelHoldTests {
    /// Where the email and the SMS lane meet: the first send on each waits (up to a deadline far
    /// past any load) until the other lane is inside a send too. Lanes that run side by side
    /// always meet, however the threads are scheduled; lanes that take turns never do. Looking
    /// once, without waiting, made the outcome depend on which thread the machine ran first.
    final class Meeting: @unchecked Sendable {
        // @unchecked: guarded by the condition's lock.
        private let condition = NSCondition()
        private var inside: Set<String> = []
        private var entered: Set<String> = []

        /// Enters `lane`'s send; true when `other` is inside its own send at the same time.
        func enter(_ lane: String, meeting other: String) -> Bool {
            condition.lock()
            defer { condition.unlock() }
            inside.insert(lane)
            if entered.insert(lane).inserted {
                condition.broadcast()
                let deadline = Date().addingTimeInterval(30)
                while !entered.contains(other) && condition.wait(until: deadline) {}
            }
            return inside.contains(other)
        }

        func leave(_ lane: String) {
            condition.lock()
            defer { condition.unlock() }
            inside.remove(lane)
        }
    }

    /// Sends through a real transport, counting the sends, inside `meeting` when there is one.
    final class Watched: EmailTransport, @unchecked Sendable {
        // @unchecked: the counter is guarded by the lock.
        let inner: any EmailTransport
        let meeting: Meeting?
        private let lock = NSLock()
        private var count = 0
        init(_ inner: any EmailTransport, meeting: Meeting? = nil) {
            self.inner = inner
            self.meeting = meeting
        }
        var calls: Int { lock.withLock { count } }
        func send(_ message: EmailPayload) throws(DeliveryError) -> DeliveryReceipt {
            lock.withLock { count += 1 }
            _ = meeting?.enter("email", meeting: "sms")
            defer { meeting?.leave("email") }
            return try inner.send(message)
        }
        func finishBatch() { inner.finishBatch() }
    }

    /// An SMS gateway in memory that notes whether an email send was in progress at each SMS.
    final class Gateway: SMSTransport, @unchecked Sendable {
        // @unchecked: guarded by the lock.
        let meeting: Meeting
        private let lock = NSLock()
        private var seen: [Bool] = []
        init(meeting: Meeting) { self.meeting = meeting }
        var emailBusyAtEachSMS: [Bool] { lock.withLock { seen } }
        func send(_ message: SMSPayload) throws(DeliveryError) -> DeliveryReceipt {
            let busy = meeting.enter("sms", meeting: "email")
            meeting.leave("sms")
            lock.withLock { seen.append(busy) }
            return DeliveryReceipt(providerID: "gw", segments: 1)
        }
        func finishBatch() {}
    }

    let now = Zone.copenhagen.instant(LocalDateTime("2026-03-09T10:00")!)

    func world(_ scratch: Scratch) throws -> Store {
        let store = try Store(path: scratch.path + "/h.db")
        let mentor = try store.addPerson(
            NewPerson(role: .mentor, name: "Søren", email: "soren@example.dk", channels: [.email]))
        let mentee = try store.addPerson(
            NewPerson(
                role: .mentee, name: "Amira", email: "amira@example.dk", phone: "+4513243546",
                channels: [.email, .sms]))
        try store.addRelationship(
            mentor: mentor, mentee: mentee, program: "symb", start: LocalDate("2026-03-02")!,
            plannedEnd: LocalDate("2026-09-02")!)
        return store
    }

    func cycle(_ store: Store, _ scratch: Scratch, email: any EmailTransport, sms: any SMSTransport) throws -> Cycle {
        var config = Config.builtIn()
        config.spool = scratch.path + "/spool"
        for index in config.programs.indices where config.programs[index].id == "symb" {
            config.programs[index].leaders = [Leader(name: "Elias", email: "leder@example.dk", phone: "+4512345678")]
        }
        let catalog = try TemplateCatalog.load(
            directory: CLIHarness.repository.appendingPathComponent("templates").path)
        return Cycle(
            store: store, config: config, catalog: catalog, logger: Logger(level: .error, environment: [:]),
            email: email, sms: sms)
    }

    @Test func aSilentSMTPServerHoldsUpNeitherTheSMSNorTheRestOfTheEmail() throws {
        let scratch = Scratch()
        let store = try world(scratch)
        let silent = try TestServer(
            script: "smtp_server.py", arguments: ["--out", scratch.path + "/in", "--mode", "silent"],
            folder: scratch.path)
        var settings = EmailSettings(url: "smtp://127.0.0.1:\(silent.port)", from: "Mentor <noreply@example.dk>")
        settings.requireTLS = false
        settings.timeoutSeconds = 3
        let meeting = Meeting()
        let email = Watched(SMTPTransport(settings: settings, password: nil), meeting: meeting)
        let gateway = Gateway(meeting: meeting)
        let report = try cycle(store, scratch, email: email, sms: gateway).run(now: now)
        // The SMS went while the email lane waited for a greeting that never came.
        #expect(report.delivery.sent == 1)
        #expect(gateway.emailBusyAtEachSMS == [true])
        // Two emails were due; the server cost one timeout, and the other email was not tried.
        #expect(email.calls == 1)
        let emails = try store.outbox().filter { $0.channel == .email }
        #expect(emails.count == 2)
        #expect(emails.allSatisfy { $0.status == .pending && $0.attempts == 0 })
        #expect(try store.channelHolds()[.email]?.reason.contains("timed out") == true)
        // Within the hold nothing is tried again.
        _ = try cycle(store, scratch, email: email, sms: gateway).run(now: now + 30)
        #expect(email.calls == 1)
    }

    @Test func theLeadersHearOfAnOutageOnceOnTheOtherChannel() throws {
        let scratch = Scratch()
        let store = try world(scratch)
        let spool = SpoolTransport(directory: scratch.path + "/spool")
        let down = Watched(
            SMTPTransport(
                settings: EmailSettings(url: "smtp://127.0.0.1:1", from: "x@example.dk"),
                password: nil))
        _ = try cycle(store, scratch, email: down, sms: spool).run(now: now)
        #expect(try store.channelHolds()[.email] != nil)
        // The next cycles: one alert per leader, by SMS, naming the waiting messages.
        for minute in 1...5 {
            _ = try cycle(store, scratch, email: down, sms: spool).run(now: now + Int64(minute) * 60)
        }
        let alerts = try store.outbox().filter { $0.rule == .deliveryFailed }
        #expect(alerts.count == 1, "\(alerts.map(\.key))")
        let alert = try #require(alerts.first)
        #expect(alert.channel == .sms && alert.role == .leader && alert.status == .sent)
        #expect(
            alert.body?.contains("E-mails kan ikke sendes lige nu; 2 beskeder venter") == true, "\(alert.body ?? "")")
        // The server is back: the waiting emails go, the hold is lifted.
        _ = try cycle(store, scratch, email: spool, sms: spool).run(now: now + 3600)
        #expect(try store.channelHolds().isEmpty)
        #expect(try store.outbox().filter { $0.channel == .email }.map(\.status) == [.sent, .sent])
    }
}
