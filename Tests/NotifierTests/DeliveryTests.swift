import Foundation
import MentorModel
import MentorStore
import TestSupport
import Testing

@testable import Notifier
@testable import Transport

/// The outbox state machine against real servers: sent, retried, failed, expired, suppressed;
/// nothing lost, nothing secret in the log.
@Suite(.serialized) struct DeliveryTests {
    final class LogLines: @unchecked Sendable {
        // @unchecked: guarded by the lock.
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ line: String) { lock.withLock { lines.append(line) } }
        var all: String { lock.withLock { lines.joined(separator: "\n") } }
    }

    struct World {
        let scratch = Scratch()
        let store: Store
        let log = LogLines()
        let mentee: Int64
        let mentor: Int64

        init() throws {
            store = try Store(path: scratch.path + "/d.db")
            mentor = try store.addPerson(NewPerson(role: .mentor, name: "Søren", email: "soren@example.dk"))
            mentee = try store.addPerson(
                NewPerson(
                    role: .mentee, name: "Amira", email: "amira@example.dk", phone: "+4513243546",
                    channels: [.email, .sms]))
        }

        var logger: Logger { Logger(level: .debug, environment: [:], sink: { [log] in log.add($0) }) }

        @discardableResult
        func enqueue(
            _ key: String, channel: Channel = .email, recipient: Int64? = nil, body: String = "Hej",
            notBefore: Int64 = 1000,
            expiresAt: Int64? = nil, relationship: Int64? = nil
        ) throws -> Int64 {
            try store.enqueue(
                [
                    OutboxRow(
                        key: key, channel: channel, rule: .firstMeeting, role: .mentee,
                        recipient: recipient ?? mentee,
                        program: "p", relationshipID: relationship, language: .da, subject: "Hej Amira", body: body,
                        notBefore: notBefore, expiresAt: expiresAt, inWindow: true, afterEnd: false)
                ], now: 900)
            return try store.outbox().last?.id ?? 0
        }

        func row(_ id: Int64) throws -> OutboxRow {
            try #require(try store.outbox().first { $0.id == id })
        }

        func smtp(_ port: Int, password: String? = nil) -> SMTPTransport {
            var settings = EmailSettings(url: "smtp://127.0.0.1:\(port)", from: "Mentorshoppen <noreply@example.dk>")
            settings.requireTLS = false
            settings.timeoutSeconds = 3
            settings.username = password == nil ? nil : "mentor"
            return SMTPTransport(settings: settings, password: password)
        }

        func deliverer(smtp port: Int, sms: (any SMSTransport)? = nil, password: String? = nil) -> Deliverer {
            deliverer(email: smtp(port, password: password), sms: sms)
        }

        func deliverer(email: SMTPTransport, sms: (any SMSTransport)? = nil) -> Deliverer {
            Deliverer(
                store: store, email: email, sms: sms ?? SpoolTransport(directory: scratch.path + "/spool"),
                from: email.settings.from, zone: .copenhagen, logger: logger)
        }
    }

    /// A 4xx is the server's state, not the message's: the channel is held, the message waits
    /// without its attempt counting, and goes when the server takes mail again.
    @Test func a451HoldsTheChannelThenTheMessageIsSent() throws {
        let world = try World()
        let server = try TestServer(
            script: "smtp_server.py", arguments: ["--out", world.scratch.path + "/in", "--mode", "fail-once"],
            folder: world.scratch.path)
        let id = try world.enqueue("k1")
        let deliverer = world.deliverer(smtp: server.port)
        #expect(try deliverer.deliver(now: 1000, windowOpen: true).released == 1)
        var row = try world.row(id)
        #expect(row.status == .pending && row.attempts == 0 && row.notBefore == 1300)
        #expect(row.reason?.contains("SMTP 451 4.3.0 try again later") == true, "\(row.reason ?? "nil")")
        let hold = try #require(try world.store.channelHolds()[.email])
        #expect(hold.since == 1000 && hold.retryAt == 1060 && hold.reason == row.reason)
        #expect(try deliverer.deliver(now: 1200, windowOpen: true) == Deliverer.Stats(), "retried before its time")
        #expect(try deliverer.deliver(now: 1300, windowOpen: true).sent == 1)
        row = try world.row(id)
        #expect(row.status == .sent && row.attempts == 1 && row.reason == nil)
        #expect(row.providerID?.contains("250") == true)
        #expect(try world.store.channelHolds().isEmpty, "the hold is lifted")
    }

    @Test func batchesOnTheSenderThreadShareOneConnection() throws {
        let world = try World()
        let server = try TestServer(
            script: "smtp_server.py", arguments: ["--out", world.scratch.path + "/in"], folder: world.scratch.path)
        for index in 1...5 { try world.enqueue("k\(index)") }
        let email = world.smtp(server.port)
        let deliverer = world.deliverer(email: email)
        deliverer.batchSize = 2
        #expect(try deliverer.deliver(now: 1000, windowOpen: true).sent == 5)
        #expect(email.connectionsOpened == 1, "three batches, one connection")
        #expect(world.scratch.received(world.scratch.path + "/in", count: 5).count == 5)
    }

    @Test func a550FailsAtOnceWithTheReason() throws {
        let world = try World()
        let server = try TestServer(
            script: "smtp_server.py", arguments: ["--out", world.scratch.path + "/in", "--mode", "reject"],
            folder: world.scratch.path)
        let id = try world.enqueue("k1")
        #expect(try world.deliverer(smtp: server.port).deliver(now: 1000, windowOpen: true).failed == 1)
        let row = try world.row(id)
        #expect(row.status == .failed && row.reason?.contains("550") == true)
        #expect(try world.store.unreportedFailures().map(\.id) == [id])
    }

    /// A server down for six days never fails a message: the channel is held (probed at most every
    /// 15 minutes), and the time held is not counted against the message's 5 days of retrying.
    @Test func aServerDownForSixDaysHoldsTheChannelAndLosesNothing() throws {
        let world = try World()
        let id = try world.enqueue("k1")
        // Another message, due only after the outage.
        let later = try world.enqueue("k2", notBefore: 1000 + 7 * 86_400)
        let deliverer = world.deliverer(smtp: 1)
        var now: Int64 = 1000
        var probes = 0
        while now < 1000 + 6 * 86_400, probes < 1000 {
            _ = try deliverer.deliver(now: now, windowOpen: true)
            let hold = try #require(try world.store.channelHolds()[.email])
            now = max(hold.retryAt, try world.row(id).notBefore)
            probes += 1
        }
        var row = try world.row(id)
        #expect(row.status == .pending && row.attempts == 0)
        #expect(row.reason?.contains("Couldn't connect") == true, "\(row.reason ?? "nil")")
        let hold = try #require(try world.store.channelHolds()[.email])
        #expect(hold.since == 1000 && hold.probes == probes - 1)
        #expect(probes > 500 && probes < 700, "one probe every 15 minutes at most: \(probes)")
        // The server is back: sent, and the six days are credited to the message.
        let spool = SpoolTransport(directory: world.scratch.path + "/spool")
        let back = Deliverer(
            store: world.store, email: spool, sms: spool, from: "noreply@example.dk", zone: .copenhagen,
            logger: world.logger)
        #expect(try back.deliver(now: now, windowOpen: true).sent == 1)
        #expect(try world.row(id).status == .sent)
        #expect(try world.store.channelHolds().isEmpty)
        // The outage is credited to what still waits: its 5 days of retrying start when it is due.
        row = try world.row(later)
        #expect(row.status == .pending && row.heldSeconds >= 6 * 86_400 - 1000, "\(row.heldSeconds)")
    }

    @Test func aMessageWhoseMomentPassesWhileHeldExpires() throws {
        let world = try World()
        let id = try world.enqueue("k1", expiresAt: 1000 + 600)
        let deliverer = world.deliverer(smtp: 1)
        _ = try deliverer.deliver(now: 1000, windowOpen: true)
        #expect(try world.row(id).status == .pending)
        _ = try deliverer.deliver(now: 1700, windowOpen: true)
        let row = try world.row(id)
        #expect(row.status == .expired && row.reason?.contains("expired before it could be sent") == true)
        #expect(row.reason?.contains("Couldn't connect") == true, "the last error is kept: \(row.reason ?? "nil")")
    }

    @Test func optOutForgottenAndEndedAreSuppressedWithAReason() throws {
        let world = try World()
        let spool = SpoolTransport(directory: world.scratch.path + "/spool")
        let relationship = try world.store.addRelationship(
            mentor: world.mentor, mentee: world.mentee, program: "p", start: LocalDate("2026-01-01")!,
            plannedEnd: LocalDate("2026-04-01")!)
        try world.store.changeOptOut(
            OptOutEvent(personID: world.mentee, program: nil, channel: .sms, optedOut: true, via: .leader, at: 0))
        let optedOut = try world.enqueue("k1", channel: .sms)
        let ended = try world.enqueue("k2", relationship: relationship)
        let forgottenPerson = try world.store.addPerson(NewPerson(role: .mentee, name: "Bo", email: "bo@example.dk"))
        let forgotten = try world.enqueue("k3", recipient: forgottenPerson)
        try world.store.forget(forgottenPerson)
        let now = Zone.copenhagen.instant(LocalDate("2026-05-01")!, LocalTime("10:00")!)
        let deliverer = Deliverer(
            store: world.store, email: spool, sms: spool, from: "x@example.dk", zone: .copenhagen, logger: world.logger)
        #expect(try deliverer.deliver(now: now, windowOpen: true).suppressed == 3)
        #expect(try world.row(optedOut).reason == "opted out of sms")
        #expect(try world.row(ended).reason == "the forløb has ended")
        #expect(try world.row(forgotten).reason == "the person was forgotten")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: world.scratch.path + "/spool")) ?? []).isEmpty)
    }

    @Test func logsCarryIdsAndMaskedAddressesNeverBodiesOrSecrets() throws {
        let world = try World()
        let (cert, key) = try world.scratch.certificate()
        let server = try TestServer(
            script: "smtp_server.py",
            arguments: [
                "--out", world.scratch.path + "/in", "--cert", cert, "--key", key, "--auth", "mentor:TOKEN-SECRET-9931",
            ],
            folder: world.scratch.path)
        try world.enqueue("k1", body: "Fortroligt: BODY-MARKER-4471")
        try world.enqueue("k2", channel: .sms, body: "SMS BODY-MARKER-4471")
        var settings = EmailSettings(url: "smtp://127.0.0.1:\(server.port)", from: "Mentorshoppen <noreply@example.dk>")
        settings.username = "mentor"
        settings.caFile = cert
        let deliverer = Deliverer(
            store: world.store, email: SMTPTransport(settings: settings, password: "TOKEN-SECRET-9931"),
            sms: SpoolTransport(directory: world.scratch.path + "/spool"), from: settings.from, zone: .copenhagen,
            logger: world.logger)
        #expect(try deliverer.deliver(now: 1000, windowOpen: true).sent == 2)
        let log = world.log.all
        #expect(log.contains("event=delivery outbox=1 rule=first-meeting channel=email to=a***@example.dk result=sent"))
        #expect(log.contains("to=\"+45 ****3546\""))
        for secret in ["BODY-MARKER-4471", "TOKEN-SECRET-9931", "amira@example.dk", "13243546", "Amira"] {
            #expect(!log.contains(secret), "the log shows \(secret)")
        }
        #expect(log.split(separator: "\n").allSatisfy { $0.hasPrefix("event=") })
    }

    @Test func aLineFeedBeforeACombiningMarkCannotSplitALogLine() {
        let lines = LogLines()
        let logger = Logger(level: .info, environment: [:], sink: { lines.add($0) })
        logger.warning("delivery", ["reason": "SMTP 451\n\u{05BC}event=forged\r\nx"])
        #expect(!lines.all.contains("\n") && !lines.all.contains("\r"))
        #expect(lines.all.hasPrefix("event=delivery reason="))
    }

    @Test func journaldGetsSyslogPriorities() {
        let lines = LogLines()
        let logger = Logger(level: .info, environment: ["JOURNAL_STREAM": "8:1234"], sink: { lines.add($0) })
        logger.info("cycle", ["sent": "2"])
        logger.warning("delivery", ["result": "retry"])
        logger.debug("hidden")
        #expect(lines.all == "<6>event=cycle sent=2\n<4>event=delivery result=retry")
    }
}

@Suite struct MIMETests {
    @Test func headerInjectionIsRefusedInTheBuilder() {
        let message = MailMessage(
            from: "x@example.dk", to: "a@example.dk", subject: "Hej\r\nBcc: evil@example.dk", body: "b",
            messageID: "m@x", date: Date())
        #expect(throws: MIMEError.self) { try message.rendered() }
    }

    @Test(arguments: [
        ("Hej", "Hej"),
        ("Caféaften", "=?UTF-8?B?Q2Fmw6lhZnRlbg==?="),
    ])
    func encodedWords(text: String, expected: String) {
        #expect(MIMEEncoding.encodedWords(text) == expected)
    }

    @Test func longSubjectsSplitIntoShortEncodedWords() {
        let encoded = MIMEEncoding.encodedWords(String(repeating: "æøå ", count: 30))
        #expect(encoded.components(separatedBy: "\r\n ").allSatisfy { $0.count <= 75 })
    }

    @Test func quotedPrintableKeepsLinesShortAndEscapesDots() {
        let text = String(repeating: "ø", count: 60) + "\n.\nslut = ende "
        let encoded = MIMEEncoding.quotedPrintable(text)
        #expect(encoded.components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
        #expect(encoded.contains("\r\n=2E\r\n"))
        #expect(encoded.hasSuffix("slut =3D ende=20"))
    }

    @Test func theRepositoryTemplatesLoadAndEverySMSFitsTwoSegments() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("templates").path
        let catalog = try TemplateCatalog.load(directory: directory)
        try SMSLength.check(catalog, longest: .presets)
        #expect(catalog.count > 100)
    }

    @Test func anUnknownVariableNamesTheFile() throws {
        var catalog = try TemplateCatalog.load(
            directory: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("templates").path)
        // Each refusal for its own reason, naming the file: a test that accepts any TemplateError
        // passed while the first case failed for a missing section, not the unknown variable.
        let unknown = #expect(throws: TemplateError.self) {
            try catalog.add(
                "[mentor email]\nSubject: x\n{{secret_notes}}\n[mentor sms]\nx\n[mentee email]\nSubject: y\nz\n[mentee sms]\nq",
                file: "da/end.txt", language: .da, rule: .end)
        }
        #expect(
            unknown?.file == "da/end.txt" && unknown?.message.contains("secret_notes") == true,
            "\(String(describing: unknown))")
        // A catalog without en/end yet: a section already loaded would be refused as twice instead.
        var empty = TemplateCatalog()
        let missing = #expect(throws: TemplateError.self) {
            try empty.add("[mentor email]\nSubject: x\nbody\n", file: "en/end.txt", language: .en, rule: .end)
        }
        #expect(
            missing?.file == "en/end.txt" && missing?.message.contains("is missing") == true,
            "\(String(describing: missing))")
    }

    @Test(arguments: [
        ("{{#final}}Afsluttende {{/final}}evaluering", ["final": "yes"], "Afsluttende evaluering"),
        ("{{#final}}Afsluttende {{/final}}evaluering", ["final": ""], "evaluering"),
        ("{{#place}}, {{place}}{{/place}}.", ["place": "Biblioteket"], ", Biblioteket."),
        ("{{#place}}, {{place}}{{/place}}.", [:], "."),
        ("a{{#x}}b{{#y}}c{{/y}}{{/x}}d", ["x": "1", "y": "1"], "abcd"),
        ("a{{#x}}b{{#y}}c{{/y}}{{/x}}d", ["x": "1"], "abd"),
        // Inverted: only when the variable is empty or missing.
        ("{{#replies}}Svar{{/replies}}{{^replies}}Ring{{/replies}}", ["replies": "1"], "Svar"),
        ("{{#replies}}Svar{{/replies}}{{^replies}}Ring{{/replies}}", [:], "Ring"),
        ("{{^x}}a{{#y}}b{{/y}}{{/x}}", ["y": "1"], "ab"),
    ])
    func aSectionAppearsOnlyWhenItsVariableIsNotEmpty(source: String, values: [String: String], expected: String)
        throws
    {
        #expect(try Template(source).render(values) == expected)
    }
}

@Suite(.serialized) struct SentJournalTests {
    @Test func aDeadProcesssJournalIsReplayedAndALiveOneLeftAlone() throws {
        let scratch = Scratch()
        let path = scratch.path + "/j.db"
        let store = try Store(path: path)
        let person = try store.addPerson(NewPerson(role: .mentee, name: "Amira", email: "amira@example.dk"))
        for key in ["a", "b", "c"] {
            try store.enqueue(
                [
                    OutboxRow(
                        key: key, channel: .email, rule: .firstMeeting, role: .mentee, recipient: person,
                        program: "p",
                        relationshipID: nil, language: .da, subject: "s", body: "b", notBefore: 0, expiresAt: nil,
                        inWindow: false, afterEnd: false)
                ], now: 0)
        }
        _ = try store.lease(now: 10, leaseSeconds: 300, limit: 10, windowOpen: true)
        // A journal left by a killed process (nobody holds its lock), with a torn last line.
        let dead = SentJournal.prefix(path) + "999999.journal"
        _ = FileManager.default.createFile(atPath: dead, contents: Data("1\t10\t\t250 ok\n2\t11\t1\tgw-7\n3\t1".utf8))
        // A journal of a live process: its lock is held.
        let live = try #require(SentJournal(databasePath: path))
        #expect(live.record(SentJournal.Entry(id: 3, at: 12, segments: nil, providerID: "x")))
        #expect(try SentJournal.recover(databasePath: path, into: store, except: nil) == 2)
        let rows = try store.outbox()
        #expect(rows.map(\.status) == [.sent, .sent, .sending])
        #expect(rows[1].providerID == "gw-7" && rows[1].segments == 1)
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: live.path))
        try live.commit(to: store)
        #expect(try store.outbox().map(\.status) == [.sent, .sent, .sent])
    }

    @Test func linesLeftByAnEarlierPassOfThisProcessAreReplayedNotDropped() throws {
        let scratch = Scratch()
        let path = scratch.path + "/k.db"
        let store = try Store(path: path)
        let person = try store.addPerson(NewPerson(role: .mentee, name: "Amira", email: "amira@example.dk"))
        try store.enqueue(
            [
                OutboxRow(
                    key: "a", channel: .email, rule: .firstMeeting, role: .mentee, recipient: person, program: "p",
                    relationshipID: nil, language: .da, subject: "s", body: "b", notBefore: 0, expiresAt: nil,
                    inWindow: false, afterEnd: false)
            ], now: 0)
        _ = try store.lease(now: 10, leaseSeconds: 300, limit: 10, windowOpen: true)
        do {
            // A pass records a send, and its commit never happens (say the database was busy).
            let first = try #require(SentJournal(databasePath: path))
            #expect(first.record(SentJournal.Entry(id: 1, at: 10, segments: nil, providerID: "250")))
        }
        // The next pass of the same process has a journal of its own; the earlier one, closed and so
        // unlocked, is replayed before anything is leased.
        let second = try #require(SentJournal(databasePath: path))
        #expect(try SentJournal.recover(databasePath: path, into: store, except: second.path) == 1)
        #expect(try store.outbox().first?.status == .sent)
    }
}
