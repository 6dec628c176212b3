import Foundation
import MentorModel
import MentorStore
import Notifier
import Scheduler
import TestSupport
import Testing
import Transport

@testable import MentorNotifyCore

/// Each fault through a real cycle: the expected outbox status and reason, the cycle itself
/// carrying on, and (for what is transient) the message sent once the fault is gone.
@Suite(.serialized) struct FaultTableTests {
    enum Edge {
        case smtp([String], tls: Bool = false, trust: Bool = false)
        case smtpDown
        case sms([String])
        case spoolIsAFile
    }

    struct Row: Sendable {
        var name: String
        var channel: Channel
        var status: OutboxStatus
        var reason: String
    }

    /// (the fault, the row it should leave)
    /// A pending row stays pending because its channel is held (the server, its login or the
    /// gateway failed); only an answer about the message itself fails it.
    static let table: [(String, Channel, OutboxStatus, String)] = [
        ("smtp-down", .email, .pending, "Couldn't connect"),
        ("smtp-slow", .email, .pending, "timed out"),
        ("smtp-451", .email, .pending, "SMTP 451 4.3.0 try again later"),
        ("smtp-550", .email, .failed, "SMTP 550 5.1.1 mailbox unavailable (refused at RCPT)"),
        // Refusals that Postfix gives only at RCPT (smtpd_delay_reject) but that are about us.
        ("smtp-sender-553", .email, .pending, "refused our sender address at RCPT: SMTP 553 5.7.1 <n***@example.dk>"),
        ("smtp-helo-504", .email, .pending, "refused our EHLO name at RCPT: SMTP 504 5.5.2"),
        ("smtp-refuses-everyone", .email, .pending, "refused 3 different recipients in a row alike"),
        // The same against a real Postfix (Tests/Support/postfix_server.py), in its own words.
        (
            "postfix-helo-short", .email, .pending,
            "refused our EHLO name at RCPT: SMTP 504 5.5.2 <mentorbox>: Helo command rejected: need fully-qualified"
        ),
        (
            "postfix-sender-not-logged-in", .email, .pending,
            "refused our sender address at RCPT: SMTP 553 5.7.1 <n***@example.dk>: Sender address rejected: not logged in"
        ),
        ("smtp-untrusted", .email, .pending, "not trusted"),
        ("smtp-drop", .email, .pending, "the connection to the server broke"),
        ("smtp-greet-421", .email, .pending, "refused the connection: SMTP 421 4.3.2"),
        ("smtp-auth-535", .email, .pending, "refused the login"),
        ("smtp-auth-454", .email, .pending, "refused the login: SMTP 454 4.7.0"),
        ("smtp-silent", .email, .pending, "timed out"),
        ("sms-429", .sms, .pending, "HTTP 429"),
        ("sms-500", .sms, .pending, "HTTP 500"),
        ("sms-401", .sms, .pending, "HTTP 401 from the SMS gateway: {\"message\": \"error from the stub\"}; check"),
        ("sms-timeout", .sms, .pending, "timed out"),
        ("sms-400", .sms, .failed, "HTTP 400"),
        ("spool-not-writable", .email, .pending, "spool"),
    ]

    /// A store with one forløb whose first-meeting reminder is due, for a mentee reachable on `channel`;
    /// with `pairs` > 1, that many forløb (and twice as many recipients).
    func world(_ scratch: Scratch, channel: Channel, pairs: Int = 1) throws -> Store {
        let store = try Store(path: scratch.path + "/f.db")
        for pair in 0..<pairs {
            let suffix = pair == 0 ? "" : String(pair + 1)
            let mentor = try store.addPerson(
                NewPerson(role: .mentor, name: "Søren", email: "soren\(suffix)@example.dk", channels: [.email]))
            let mentee = try store.addPerson(
                NewPerson(
                    role: .mentee, name: "Amira", email: "amira\(suffix)@example.dk", phone: "+452124180\(pair + 3)",
                    channels: [channel]))
            try store.addRelationship(
                mentor: mentor, mentee: mentee, program: "symb", start: LocalDate("2026-03-02")!,
                plannedEnd: LocalDate("2026-09-02")!)
        }
        return store
    }

    func cycle(
        _ store: Store, _ scratch: Scratch, email: (any EmailTransport)? = nil, sms: (any SMSTransport)? = nil,
        spool: String? = nil
    ) throws -> Cycle {
        var config = Config.builtIn()
        config.spool = spool ?? scratch.path + "/spool"
        let catalog = try TemplateCatalog.load(
            directory: CLIHarness.repository.appendingPathComponent("templates").path)
        let spoolTransport = SpoolTransport(directory: config.spool)
        return Cycle(
            store: store, config: config, catalog: catalog, logger: Logger(level: .error, environment: [:]),
            email: email ?? spoolTransport, sms: sms ?? spoolTransport)
    }

    func smtp(_ port: Int, caFile: String? = nil, tls: Bool = false, login: String? = nil, helo: String? = nil)
        -> SMTPTransport
    {
        var settings = EmailSettings(url: "smtp://127.0.0.1:\(port)", from: "Mentorshoppen <noreply@example.dk>")
        settings.heloName = helo
        settings.requireTLS = tls
        settings.caFile = caFile
        settings.timeoutSeconds = 2
        settings.username = login.map { _ in "mentor" }
        return SMTPTransport(settings: settings, password: login)
    }

    func sms(_ port: Int) -> HTTPSMSTransport {
        var settings = SMSSettings(provider: .gatewayapi, url: "http://127.0.0.1:\(port)/rest/mtsms", sender: "Mentor")
        settings.timeoutSeconds = 2
        return HTTPSMSTransport(settings: settings, token: "test-token")
    }

    let now = Zone.copenhagen.instant(LocalDateTime("2026-03-09T10:00")!)

    @Test(arguments: FaultTableTests.table.map { $0.0 })
    func eachFaultLeavesItsStatusAndNothingIsLost(fault: String) throws {
        let (_, channel, status, reason) = try #require(FaultTableTests.table.first { $0.0 == fault })
        let scratch = Scratch()
        // A relay refusing everyone shows only with three different recipients or more.
        let pairs = fault == "smtp-refuses-everyone" ? 2 : 1
        let store = try world(scratch, channel: channel, pairs: pairs)
        let (cert, key) = try scratch.certificate()
        var servers: [TestServer] = []
        func server(_ script: String, _ arguments: [String]) throws -> Int {
            let started = try TestServer(script: script, arguments: arguments, folder: scratch.path)
            servers.append(started)
            return started.port
        }
        /// A cycle whose email goes to the test SMTP server with `arguments` (e.g. a `--mode`).
        func smtpCycle(_ arguments: [String], tls: Bool = false, login: String? = nil) throws -> Cycle {
            try cycle(
                store, scratch,
                email: smtp(
                    try server("smtp_server.py", ["--out", scratch.path + "/in"] + arguments), tls: tls, login: login))
        }
        /// A real Postfix where noreply@example.dk belongs to the login `mentor`.
        func postfix() throws -> Int {
            try server("postfix_server.py", ["--owned-sender", "noreply@example.dk"])
        }
        /// A cycle whose SMS go to the test gateway in `mode`.
        func smsCycle(_ mode: String) throws -> Cycle {
            try cycle(
                store, scratch, sms: sms(try server("sms_server.py", ["--log", scratch.path + "/r", "--mode", mode])))
        }
        let faulty: Cycle
        switch fault {
        case "smtp-down": faulty = try cycle(store, scratch, email: smtp(1))
        case "smtp-slow": faulty = try smtpCycle(["--mode", "slow"])
        case "smtp-451": faulty = try smtpCycle(["--mode", "fail-once"])
        case "smtp-550": faulty = try smtpCycle(["--mode", "reject"])
        case "smtp-sender-553": faulty = try smtpCycle(["--mode", "refuse-sender"])
        case "smtp-helo-504": faulty = try smtpCycle(["--mode", "refuse-helo"])
        case "smtp-refuses-everyone": faulty = try smtpCycle(["--mode", "refuse-everyone"])
        // Postfix's `mentor` may send as noreply@example.dk; a short EHLO name is refused all the same.
        case "postfix-helo-short":
            faulty = try cycle(store, scratch, email: smtp(try postfix(), login: "hemmelig", helo: "mentorbox"))
        case "postfix-sender-not-logged-in": faulty = try cycle(store, scratch, email: smtp(try postfix()))
        case "smtp-untrusted": faulty = try smtpCycle(["--cert", cert, "--key", key], tls: true)
        case "smtp-drop": faulty = try smtpCycle(["--mode", "drop"])
        case "smtp-greet-421": faulty = try smtpCycle(["--mode", "greet-421"])
        case "smtp-auth-535": faulty = try smtpCycle(["--auth", "mentor:right"], login: "wrong")
        case "smtp-auth-454": faulty = try smtpCycle(["--mode", "auth-454"], login: "secret")
        case "smtp-silent": faulty = try smtpCycle(["--mode", "silent"])
        case "sms-429": faulty = try smsCycle("429")
        case "sms-500": faulty = try smsCycle("500")
        case "sms-timeout": faulty = try smsCycle("hang")
        case "sms-400": faulty = try smsCycle("400")
        case "sms-401": faulty = try smsCycle("401")
        case "spool-not-writable":
            _ = FileManager.default.createFile(
                atPath: scratch.path + "/blocked", contents: Data("a file, not a folder".utf8))
            faulty = try cycle(store, scratch, spool: scratch.path + "/blocked")
        default: throw CocoaError(.featureUnsupported)
        }
        // The cycle runs through the fault without throwing: the daemon keeps going.
        let report = try faulty.run(now: now)
        #expect(report.enqueued == 2 * pairs)
        let row = try #require(try store.outbox().first { $0.role == .mentee })
        #expect(row.channel == channel)
        #expect(row.status == status, "\(fault): \(row.status) \(row.reason ?? "")")
        #expect(row.reason?.contains(reason) == true, "\(fault): \(row.reason ?? "nil")")
        if fault == "sms-429" { #expect(row.notBefore >= now + 300) }
        // A held channel: no attempt counted, the hold in the store with the same reason.
        let holds = try store.channelHolds()
        if status == .pending {
            #expect(row.attempts == 0, "\(fault): \(row.attempts)")
            #expect(holds[channel]?.reason == row.reason, "\(fault): \(holds)")
            // Held means nothing failed: every row waits for the channel, none counts an attempt.
            let rows = try store.outbox().filter { $0.channel == channel }
            #expect(rows.allSatisfy { $0.status == .pending && $0.attempts == 0 }, "\(fault): \(rows.map(\.status))")
            // And `status` says so.
            let cli = CLIHarness()
            cli.environment["MENTOR_NOTIFY_DB"] = scratch.path + "/f.db"
            let status = try cli.run(["status"])
            #expect(status.out.contains("HELD \(channel.rawValue)"), "\(fault): \(status.out) \(status.err)")
        } else {
            #expect(holds.isEmpty, "\(fault): \(holds)")
        }

        // The fault goes away: a transient row is sent; a failed one is reported to the leader.
        let healthy = try cycle(store, scratch)
        _ = try healthy.run(now: now + 2 * 3600)
        let after = try #require(try store.outbox().first { $0.id == row.id })
        if status == .pending {
            #expect(
                after.status == .sent, "\(fault) was not sent after recovery: \(after.status) \(after.reason ?? "")")
        } else {
            #expect(after.status == .failed)
            let report = try #require(try store.outbox().first { $0.rule == .deliveryFailed })
            // In words: who, on which channel, about what, and what to do; never an id.
            #expect(report.body?.contains("om det første møde: ") == true, "\(report.body ?? "")")
            #expect(report.body?.contains("#") == false)
            // The failure is reported once.
            _ = try healthy.run(now: now + 3 * 3600)
            #expect(try store.outbox().filter { $0.rule == .deliveryFailed }.count == 1)
        }
        #expect(try store.outbox().allSatisfy { $0.status != .sending }, "a lease was left behind")
    }

    /// Sends through a real transport and counts the messages it was given.
    final class Counted: EmailTransport, @unchecked Sendable {
        // @unchecked: the count is guarded by the lock.
        let inner: any EmailTransport
        private let lock = NSLock()
        private var count = 0
        init(_ inner: any EmailTransport) { self.inner = inner }
        var calls: Int { lock.withLock { count } }
        func send(_ message: EmailPayload) throws(DeliveryError) -> DeliveryReceipt {
            lock.withLock { count += 1 }
            return try inner.send(message)
        }
        func finishBatch() { inner.finishBatch() }
    }

    /// "Three different recipients in a row" counts across passes too: a relay that refuses
    /// everyone, met by one message per cycle, is held at the third, and the earlier two (failed,
    /// and already reported) go back to waiting.
    @Test func aRelayRefusingEveryoneOneMessagePerCycleIsHeldAtTheThird() throws {
        let scratch = Scratch()
        let store = try world(scratch, channel: .email, pairs: 2)
        let relay = try TestServer(
            script: "smtp_server.py", arguments: ["--out", scratch.path + "/in", "--mode", "refuse-everyone"],
            folder: scratch.path)
        var failedAfterEachCycle: [Int] = []
        for cycleIndex in 0..<3 {
            let email = Counted(smtp(relay.port))
            // One message a cycle: the cycle stops once a message has gone out.
            _ = try cycle(store, scratch, email: email).run(
                now: now + Int64(cycleIndex) * 60, shouldStop: { email.calls >= 1 })
            failedAfterEachCycle.append(try store.outbox(status: .failed).count)
        }
        #expect(failedAfterEachCycle == [1, 2, 0])
        let hold = try #require(try store.channelHolds()[.email])
        #expect(hold.reason.contains("refused 3 different recipients in a row alike"), "\(hold.reason)")
        let rows = try store.outbox().filter { $0.channel == .email && $0.role != .leader }
        // The three refused are among them: with none, "all waiting" would say nothing.
        #expect(rows.count >= 3, "\(rows.map(\.key))")
        #expect(rows.allSatisfy { $0.status == .pending && $0.attempts == 0 }, "\(rows.map(\.status))")
        // Tried again later, the relay still refuses everyone: the probe waits too, nothing fails.
        let probe = Counted(smtp(relay.port))
        _ = try cycle(store, scratch, email: probe).run(now: hold.retryAt + 3600, shouldStop: { probe.calls >= 1 })
        #expect(probe.calls == 1)
        #expect(try store.outbox(status: .failed).isEmpty)
        #expect(try store.channelHolds()[.email]?.probes == 1)
    }

    /// The other side of the Postfix rows: logged in as the sender's owner, and with our EHLO name
    /// (the From domain by default), Postfix takes the messages.
    @Test func postfixTakesOurMailWithOurLoginAndEHLOName() throws {
        let scratch = Scratch()
        let store = try world(scratch, channel: .email)
        let relay = try TestServer(
            script: "postfix_server.py", arguments: ["--owned-sender", "noreply@example.dk"], folder: scratch.path)
        let report = try cycle(store, scratch, email: smtp(relay.port, login: "hemmelig")).run(now: now)
        let rows = try store.outbox()
        #expect(report.delivery.sent == 2, "\(rows.map { "\($0.status) \($0.reason ?? "")" })")
        #expect(try store.channelHolds().isEmpty)
    }

    @Test func aDatabaseHeldByAnotherWriterFor5SecondsOnlyDelaysTheCycle() throws {
        let scratch = Scratch()
        let store = try world(scratch, channel: .email)
        let path = scratch.path + "/f.db"
        let held = DispatchSemaphore(value: 0)
        let released = DispatchSemaphore(value: 0)
        // Another process's writer, on a connection of its own, holds the write lock for 5 s. If it
        // cannot, the test fails at once instead of waiting forever for a signal that never comes.
        let failed = Flag()
        Thread {
            guard let holder = try? Database(path: path), (try? holder.execute("BEGIN IMMEDIATE")) != nil else {
                failed.set()
                held.signal()
                released.signal()
                return
            }
            held.signal()
            Thread.sleep(forTimeInterval: 5)
            try? holder.execute("COMMIT")
            released.signal()
        }.start()
        #expect(held.wait(timeout: .now() + 30) == .success)
        try #require(!failed.isSet, "the holder could not take the write lock")
        let started = Date()
        let report = try cycle(store, scratch).run(now: now)
        released.wait()
        #expect(Date().timeIntervalSince(started) >= 4.5)
        #expect(report.delivery.sent == 2)
    }
}
