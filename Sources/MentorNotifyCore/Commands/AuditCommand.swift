import Foundation
import MentorModel
import MentorStore
import Synchronization

/// Who changed what and when. `CLI.main` records every command that changed data, after it
/// succeeded, in one place: handlers do nothing for it. The ids come from the arguments the
/// handler parsed (`Arguments` hands its positional numbers and id options to the recorder bound
/// for the run) and, for a command that creates something, from the new id it printed as its last
/// line (SPEC.md). Where neither carries them (what an import added or changed, which café evening
/// was cancelled), the handler names them itself: `AuditLog.recorder?.note(ids:keys:)`. Never a
/// value: no name, address, text or date of a person.
enum AuditLog {
    /// What a command does to the data, decided for every command: a command missing here fails
    /// `AuditTests`, so none is added without deciding.
    enum Effect {
        /// Reads only, or creates the database (`init`), or is the program's own work (`tick`,
        /// `run`: sending what is due is not a person's change), or writes its own fictional
        /// database (`demo`), or copies it without changing it (`backup`; `restore`, which replaces
        /// it, is a change and is recorded in the database it put in place).
        case none
        case changes
        /// Changes, and prints the new record's id as its last line.
        case creates
    }

    static let effects: [String: Effect] = [
        "init": .none, "person add": .creates, "person list": .none, "person show": .none, "person edit": .changes,
        "person opt-out": .changes, "person opt-in": .changes, "forget": .changes, "match": .creates,
        "extend": .changes, "end": .changes, "contact": .creates, "contact list": .none, "contact fix": .changes,
        "contact remove": .changes, "meeting": .creates, "meeting list": .none, "meeting move": .changes,
        "meeting cancel": .changes, "evaluated": .creates, "cafe add": .creates, "cafe list": .none,
        "cafe cancel": .changes, "reminder add": .creates, "reminder list": .none, "reminder stop": .changes,
        "reminder pause": .changes, "import": .changes, "forloeb list": .none, "forloeb show": .none,
        "attention": .none, "report hours": .none, "report year": .none, "audit": .none, "check": .none,
        "plan": .none, "tick": .none, "run": .none, "outbox": .none, "outbox retry": .changes, "status": .none,
        "replies": .none, "demo": .none, "backup": .none, "restore": .changes, "desk link": .changes,
    ]

    /// The options whose value is the id of a person, in the order their ids are recorded.
    static let idOptions = ["person", "mentor", "mentee"]

    /// The ids one command's arguments named; bound for the run of a handler.
    final class Recorder: Sendable {
        private let seen = Mutex<[Int64]>([])
        private let named = Mutex<[String]>([])

        /// Whether the command was parsed as `--dry-run` (the switch, never a word that is the value
        /// of another option: `--place --dry-run` moves a meeting, and is recorded).
        private let dryRunParsed = Mutex(false)

        func note(positionals: [String], options: [String: String], dryRun: Bool = false) {
            if dryRun { dryRunParsed.withLock { $0 = true } }
            let named = idOptions.compactMap { options[$0] }
            let ids = (positionals + named).compactMap { Int64($0) }.filter { $0 > 0 }
            seen.withLock { $0.append(contentsOf: ids) }
        }

        /// Ids a handler touched that its arguments do not name, and keys that say what they are
        /// (an import's kind, a program id, an evening's date-time): the program's names, no values.
        func note(ids: [Int64], keys: [String] = []) {
            seen.withLock { $0.append(contentsOf: ids.filter { $0 > 0 }) }
            named.withLock { $0.append(contentsOf: keys) }
        }

        var ids: [Int64] { seen.withLock { $0 } }
        var dryRun: Bool { dryRunParsed.withLock { $0 } }
        var keys: [String] { named.withLock { $0 } }
    }

    @TaskLocal static var recorder: Recorder?

    /// Runs `handler` and, when it succeeded and changed data, records it.
    static func run(
        _ name: String, _ words: [String], context: Context, handler: (Context, [String]) throws -> Void
    ) throws {
        let recorder = Recorder()
        try $recorder.withValue(recorder) { try handler(context, words) }
        let effect = effects[name] ?? .changes
        // `--dry-run` shows what would change and writes nothing: as the command parsed it.
        guard effect != .none, !recorder.dryRun else { return }
        var ids = recorder.ids
        if effect == .creates, let created = context.output.lastLine.flatMap({ Int64($0) }), created > 0 {
            ids.append(created)
        }
        do {
            let store = try context.openStore()
            try store.recordAudit(
                actor: context.actor ?? actor(context.environment), command: name, ids: ids, keys: recorder.keys,
                at: Int64(Date().timeIntervalSince1970))
        } catch {
            // The change stands: a failure here is said, and the command is not reported as failed
            // (a script would do it twice).
            context.output.error(
                "mentor-notify: warning: \(name) was done, but the audit log could not record it: "
                    + CLI.describe(error).1)
        }
    }

    /// Who is acting: the user behind sudo when running as root through it, else the effective
    /// user, with the user behind sudo when there is one: admin commands run as the service user
    /// (`sudo -u mentor-notify …`), which alone would name no one (`karin as mentor-notify`).
    /// `SUDO_USER` is what sudo put in the environment; whoever can set it as that user can write
    /// the database anyway. Names are cut to 64 printable characters: the environment is not ours.
    static func actor(_ environment: [String: String]) -> String {
        let uid = geteuid()
        return actor(
            sudo: environment["SUDO_USER"], uid: uid,
            user: getpwuid(uid).flatMap { $0.pointee.pw_name }.map { String(cString: $0) })
    }

    static func actor(sudo: String?, uid: uid_t, user: String?) -> String {
        func cleaned(_ name: String?) -> String {
            String((name ?? "").unicodeScalars.filter { $0.value > 32 && $0.value != 127 }.prefix(64))
        }
        let effective = cleaned(user).isEmpty ? "uid:\(uid)" : cleaned(user)
        let behind = cleaned(sudo)
        guard !behind.isEmpty, behind != effective else { return effective }
        return uid == 0 ? behind : "\(behind) as \(effective)"
    }
}

/// `audit [--days N] [--json]`: the changes of the last N days (30 when not given), oldest first.
enum AuditCommand {
    static func run(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "audit", options: ["days"], switches: ["json"])
        try args.noPositionals()
        let days = try args.days(in: 1...36_600, fallback: 30)
        let store = try context.openStore()
        let since = Int64(Date().timeIntervalSince1970) - Int64(days) * 86_400
        let entries = try store.audit(since: since)
        let zone = context.config.zone
        if args.flag("json") {
            context.output.json(
                array: entries.map { entry in
                    .object([
                        ("actor", .string(entry.actor)), ("at", .string(zone.local(entry.at).description)),
                        ("command", .string(entry.command)), ("id", .int(entry.id)),
                        ("ids", .array(entry.ids.map(JSON.int))), ("keys", .array(entry.keys.map(JSON.string))),
                    ])
                })
            return
        }
        context.output.table(
            ["AT", "ACTOR", "COMMAND", "IDS"],
            entries.map { entry in
                [
                    zone.local(entry.at).description, entry.actor, entry.command,
                    (entry.keys + entry.ids.map(String.init)).joined(separator: ","),
                ]
            })
    }
}
