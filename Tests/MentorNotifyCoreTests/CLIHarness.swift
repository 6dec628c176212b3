import Foundation
import MentorStore
import Testing

/// A result written by one thread and read by another after it finished.
final class DataBox: @unchecked Sendable {
    // @unchecked: written once by the reader thread, read after it is known to have finished.
    var data = Data()
}

/// A run without `--config` reads /etc/mentor-notify/mentor-notify.json, which
/// `theConfigInEtcIsFound` writes for a moment. A lock file keeps them apart across the suite's
/// processes (and other checkouts' suites on the machine): runs share it, that test holds it alone.
enum SystemConfigLock {
    static let path = NSTemporaryDirectory() + "mentor-notify-tests-etc-config.lock"

    static func holding<T>(exclusively: Bool, _ body: () throws -> T) rethrows -> T {
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { return try body() }
        defer { close(descriptor) }
        while flock(descriptor, exclusively ? LOCK_EX : LOCK_SH) != 0, errno == EINTR {}
        return try body()
    }
}

/// Runs the built `mentor-notify` binary in a folder of its own, as a user would.
final class CLIHarness {
    let folder: String
    var environment: [String: String]
    /// Off only inside `SystemConfigLock.holding(exclusively: true)`, which already keeps others out.
    var sharesSystemConfigLock = true

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var binary: String {
        let candidates = [".build/debug/mentor-notify", ".build/x86_64-unknown-linux-gnu/debug/mentor-notify"]
        for candidate in candidates {
            let path = repository.appendingPathComponent(candidate).path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return repository.appendingPathComponent(candidates[0]).path
    }

    init() {
        folder = NSTemporaryDirectory() + "mentor-notify-cli-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        environment = [
            "PATH": "/usr/bin:/bin", "HOME": folder, "LANG": "C.UTF-8", "TZ": "UTC",
        ]
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    struct Result {
        var code: Int32
        var out: String
        var err: String
        /// The last line of stdout: the new id of a create command.
        var id: Int64? { out.split(separator: "\n").last.flatMap { Int64($0) } }
    }

    @discardableResult
    func run(_ arguments: [String], stdin: String? = nil) throws -> Result {
        guard !hasConfig, sharesSystemConfigLock else { return try runBinary(arguments, stdin: stdin) }
        return try SystemConfigLock.holding(exclusively: false) { try runBinary(arguments, stdin: stdin) }
    }

    private func runBinary(_ arguments: [String], stdin: String?) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLIHarness.binary)
        process.arguments = ["--config", folder + "/config.json"].filter { _ in hasConfig } + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        var env = environment
        env["MENTOR_NOTIFY_DB"] = env["MENTOR_NOTIFY_DB"] ?? folder + "/test.db"
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Both pipes are read at once: reading one to its end first would deadlock on a child that
        // fills the other's 64 KiB buffer.
        let errBox = DataBox()
        let errHandle = err.fileHandleForReading
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { errBox.data = errHandle.readDataToEndOfFile() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        process.waitUntilExit()
        return Result(
            code: process.terminationStatus, out: String(decoding: outData, as: UTF8.self),
            err: String(decoding: errData, as: UTF8.self))
    }

    /// Runs a command that must succeed and returns the id it printed.
    func create(_ arguments: [String]) throws -> Int64 {
        let result = try run(arguments)
        #expect(result.code == 0, "\(arguments): \(result.err)")
        return result.id ?? -1
    }

    /// `init`, then a mentor and a mentee (named and reached as `mentor` and `mentee` say, with
    /// plausible birthdates and a certificate) matched in `program` from 2026-03-02.
    func forloeb(
        program: String = "mentorshoppen",
        mentor: [String] = ["--name", "Søren Mikkelsen", "--email", "soren@example.dk"],
        mentee: [String] = ["--name", "Amira Hansen", "--email", "amira@example.dk"], start: String = "2026-03-02"
    ) throws -> (mentor: Int64, mentee: Int64, forloeb: Int64) {
        #expect(try run(["init"]).code == 0)
        let mentorID = try create(
            ["person", "add", "--role", "mentor"] + mentor + [
                "--birthdate", "1970-01-01", "--certificate", "2026-01-10",
            ])
        let menteeID = try create(["person", "add", "--role", "mentee"] + mentee + ["--birthdate", "2004-03-10"])
        let forloeb = try create([
            "match", "--mentor", String(mentorID), "--mentee", String(menteeID), "--program", program, "--start", start,
        ])
        return (mentorID, menteeID, forloeb)
    }

    var hasConfig: Bool { FileManager.default.fileExists(atPath: folder + "/config.json") }

    func write(_ name: String, _ text: String) {
        _ = FileManager.default.createFile(atPath: folder + "/" + name, contents: Data(text.utf8))
    }

    func write(_ name: String, bytes: [UInt8]) {
        _ = FileManager.default.createFile(atPath: folder + "/" + name, contents: Data(bytes))
    }

    /// Every row of every table, to show a refused command changed nothing (people, forløb,
    /// contacts, meetings, evaluations, café evenings, reminders, the outbox, meta: all of them).
    func databaseDump() throws -> String {
        let database = try Database(path: environment["MENTOR_NOTIFY_DB"] ?? folder + "/test.db")
        let tables = try database.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ) { $0.string(0) }
        var dump = ""
        for table in tables {
            let columns = try database.query("SELECT name FROM pragma_table_info(?)", [table]) { $0.string(0) }
            let row = columns.map { "quote(\"\($0)\")" }.joined(separator: " || '|' || ")
            dump += "[\(table)]\n"
            dump +=
                try database.query("SELECT \(row) FROM \"\(table)\" ORDER BY 1") { $0.string(0) }
                .joined(separator: "\n") + "\n"
        }
        return dump
    }

    func json(_ arguments: [String]) throws -> [[String: Any]] {
        let result = try run(arguments)
        #expect(result.code == 0, "\(arguments): \(result.err)")
        return (try? JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [[String: Any]]) ?? []
    }
}
