import Foundation
import MentorModel
import MentorStore
import Notifier
import Testing
import Transport

@testable import MentorNotifyCore

/// Texts of sent messages are deleted after `retentionDays`; the rows stay for statistics.
@Suite struct RetentionTests {
    @Test func sentBodiesGoAfterTheRetentionPeriod() throws {
        let folder = NSTemporaryDirectory() + "mentor-notify-retention-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try Store(path: folder + "/r.db")
        let mentor = try store.addPerson(NewPerson(role: .mentor, name: "Søren", email: "soren@example.dk"))
        let mentee = try store.addPerson(NewPerson(role: .mentee, name: "Amira", email: "amira@example.dk"))
        try store.addRelationship(
            mentor: mentor, mentee: mentee, program: "symb", start: LocalDate("2026-03-02")!,
            plannedEnd: LocalDate("2026-09-02")!)
        var config = Config.builtIn()
        config.spool = folder + "/spool"
        config.retentionDays = 30
        let spool = SpoolTransport(directory: config.spool)
        let catalog = try TemplateCatalog.load(
            directory: CLIHarness.repository.appendingPathComponent("templates").path)
        let cycle = Cycle(
            store: store, config: config, catalog: catalog, logger: Logger(level: .error, environment: [:]),
            email: spool, sms: spool)
        let zone = config.zone
        // An opt-out record is kept until the digest of the month after has listed it (62 days).
        try store.changeOptOut(
            OptOutEvent(
                personID: mentee, program: nil, channel: .sms, optedOut: true, via: .leader,
                at: zone.instant(LocalDateTime("2026-03-08T10:00")!)))
        _ = try cycle.run(now: zone.instant(LocalDateTime("2026-03-09T10:00")!))
        let sent = try store.outbox(status: .sent)
        #expect(sent.count == 2 && sent.allSatisfy { $0.body != nil })
        _ = try cycle.run(now: zone.instant(LocalDateTime("2026-04-07T10:00")!))
        // Both rows still there, bodies kept: rows removed would pass "every body kept".
        let kept = try store.outbox().filter { sent.map(\.id).contains($0.id) }
        #expect(kept.count == 2 && kept.allSatisfy { $0.body != nil }, "kept 29 days")
        _ = try cycle.run(now: zone.instant(LocalDateTime("2026-04-09T10:00")!))
        let later = try store.outbox().filter { sent.map(\.id).contains($0.id) }
        #expect(later.count == 2)
        #expect(
            later.allSatisfy {
                $0.body == nil && $0.subject == nil && $0.status == .sent && $0.key.hasPrefix("first-meeting")
            })
        func optOutRecords() throws -> Int { try store.optOutEvents(from: 0, until: .max).count }
        #expect(try optOutRecords() == 1)
        _ = try cycle.run(now: zone.instant(LocalDateTime("2026-05-08T10:00")!))
        #expect(try optOutRecords() == 1, "kept 61 days")
        _ = try cycle.run(now: zone.instant(LocalDateTime("2026-05-10T10:00")!))
        #expect(try optOutRecords() == 0)
    }
}
