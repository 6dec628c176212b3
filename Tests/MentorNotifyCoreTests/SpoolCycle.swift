import Foundation
import MentorModel
import MentorStore
import Notifier
import Testing
import Transport

@testable import MentorNotifyCore

/// A database in a scratch folder and a cycle delivering to its spool, with the repository's texts.
final class SpoolCycle {
    let folder = NSTemporaryDirectory() + "mentor-notify-cycle-" + UUID().uuidString
    let store: Store
    let cycle: Cycle
    var zone: Zone { cycle.config.zone }

    /// `config`: the config's JSON; nil for the built-in defaults.
    init(config json: String? = nil) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        store = try Store(path: folder + "/c.db")
        var config = try json.map { try Config.parse(Data($0.utf8)) } ?? Config.builtIn()
        config.spool = folder + "/spool"
        let spool = SpoolTransport(directory: config.spool)
        let catalog = try TemplateCatalog.load(
            directory: CLIHarness.repository.appendingPathComponent("templates").path)
        cycle = Cycle(
            store: store, config: config, catalog: catalog, logger: Logger(level: .error, environment: [:]),
            email: spool, sms: spool)
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    /// A symb forløb from `start`, with its last contact on `last` when given; returns its id.
    @discardableResult
    func forloeb(start: String = "2026-05-01", last: String? = nil, suffix: String) throws -> Int64 {
        let mentor = try store.addPerson(NewPerson(role: .mentor, name: "Søren", email: "soren\(suffix)@example.dk"))
        let mentee = try store.addPerson(NewPerson(role: .mentee, name: "Amira", email: "amira\(suffix)@example.dk"))
        let from = try #require(LocalDate(start))
        let id = try store.addRelationship(
            mentor: mentor, mentee: mentee, program: "symb", start: from, plannedEnd: from.adding(months: 6))
        if let last {
            try store.addContact(Contact(relationshipID: id, date: try #require(LocalDate(last)), minutes: 60))
        }
        return id
    }

    func instant(_ at: String) throws -> Int64 { zone.instant(try #require(LocalDateTime(at))) }
}
