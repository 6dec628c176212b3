import Desk
import Foundation
import MentorModel
import MentorStore

/// What a desk page does: it runs the command a leader would type, in the daemon's process, with the
/// daemon's config, and reads its output. A form does exactly what its command does, with the same
/// checks and the same error text, and the audit names the leader (`desk:NAME`).
final class DeskActions: Sendable {
    let config: Config
    let configPath: String?
    let databasePath: String
    let logger: Logger

    init(config: Config, configPath: String?, databasePath: String, logger: Logger) {
        self.config = config
        self.configPath = configPath
        self.databasePath = databasePath
        self.logger = logger
    }

    /// A command's outcome: what it printed and, when it failed, its one line for a person.
    struct Outcome: Sendable {
        var exitCode: ExitCode
        var output: String
        /// The command's error line without the `mentor-notify: ` prefix; empty when it succeeded.
        var error: String
        /// Warnings it wrote to stderr while succeeding (`--force` naming what it overrode).
        var warnings: String

        var succeeded: Bool { exitCode == .ok }
    }

    /// Runs `words` (`["meeting", "move", "12", "--at", "2026-12-08T16:00"]`) as `leader`.
    func run(_ words: [String], as leader: DeskLeader) -> Outcome {
        let output = Output(capturing: ())
        do {
            try CLI.execute(words, output: output, allowsHelp: false) {
                Context(
                    config: config, configPath: configPath, databasePath: databasePath, logger: logger,
                    output: output, actor: "desk:" + leader.name)
            }
            return Outcome(exitCode: .ok, output: output.capturedText.out, error: "", warnings: output.capturedText.err)
        } catch {
            let (code, message) = CLI.describe(error)
            return Outcome(exitCode: code, output: output.capturedText.out, error: message, warnings: "")
        }
    }

    /// Runs a command that prints JSON (`--json` among `words`) and reads what it printed.
    func json(_ words: [String], as leader: DeskLeader) throws(DeskFailure) -> JSONView {
        let outcome = run(words, as: leader)
        guard outcome.succeeded else { throw DeskFailure.command(outcome.error) }
        guard
            let parsed = try? JSONSerialization.jsonObject(
                with: Data(outcome.output.utf8), options: [.fragmentsAllowed])
        else { throw DeskFailure.command("the command's output could not be read") }
        return JSONView(parsed)
    }

    /// The program a forløb belongs to; nil when there is no such forløb.
    func program(ofPair id: Int64) throws -> String? {
        try withStore { store in try? store.relationship(id).program }
    }

    /// Whether `leader` may see forløb `id`: it exists and is in one of their programs. Every page
    /// and form that names a forløb asks this first and answers 404 otherwise (never 403: a leader
    /// of another program learns nothing of it).
    func sees(pair id: Int64, _ leader: DeskLeader) -> Bool {
        guard let program = try? program(ofPair: id) else { return false }
        return leader.programs.contains(program)
    }

    /// Whether `leader` may see person `id`: they are in a forløb of one of the leader's programs,
    /// or in none at all yet (entered, not yet matched: every leader of the installation may match
    /// them).
    func sees(person id: Int64, _ leader: DeskLeader) -> Bool {
        // One indexed query per check, not every forløb of the installation per page.
        let programs: Set<String>? = try? withStore { store in
            _ = try store.personRecord(id)
            return try store.programs(ofPerson: id)
        }
        guard let programs else { return false }
        return programs.isEmpty || !programs.isDisjoint(with: leader.programs)
    }

    /// Whether every program `person` is part of (by a forløb or by an unsubscribe from it) is one
    /// `leader` leads: what reaches into all of them — forgetting the person, undoing their
    /// unsubscribes — is then theirs to do; otherwise it is refused, not done for another program.
    func answersForAll(person id: Int64, _ leader: DeskLeader) -> Bool {
        let programs: Set<String>? = try? withStore { store in
            let record = try store.personRecord(id)
            return try store.programs(ofPerson: id).union(record.person.programOptOuts.map(\.program))
        }
        guard let programs else { return false }
        return programs.isSubset(of: leader.programs)
    }

    /// A store of the desk's own for one read (WAL: never in the delivery's way).
    func withStore<T>(_ body: (Store) throws -> T) throws -> T {
        let store = try Store(path: databasePath, migrate: false)
        return try body(store)
    }
}

/// Why a page could not be shown: a command's error line, for the page to show.
enum DeskFailure: Error, Equatable {
    case command(String)
}

/// A read-only walk over JSON a command printed: `view["pairs"][0]["mentor"].string`.
struct JSONView: @unchecked Sendable {
    // @unchecked: the value is Foundation's parsed JSON, never changed after parsing.
    let value: Any?

    init(_ value: Any?) {
        self.value = value
    }

    subscript(_ key: String) -> JSONView { JSONView((value as? [String: Any])?[key]) }
    subscript(_ index: Int) -> JSONView {
        guard let array = value as? [Any], array.indices.contains(index) else { return JSONView(nil) }
        return JSONView(array[index])
    }

    var array: [JSONView] { (value as? [Any])?.map(JSONView.init) ?? [] }
    var string: String? { value as? String }
    var int: Int64? { (value as? NSNumber).map { $0.int64Value } }
    var double: Double? { (value as? NSNumber).map { $0.doubleValue } }
    var bool: Bool? { value as? Bool }
    var isNull: Bool { value == nil || value is NSNull }
    /// The object's keys, sorted.
    var keys: [String] { (value as? [String: Any]).map { $0.keys.sorted() } ?? [] }
    /// A value shown as text: a string as it is, a number without a needless `.0`, null as "".
    var text: String {
        if let string { return string }
        if let number = value as? NSNumber { return number.stringValue }
        return ""
    }
}
