import Foundation
import MentorModel
import MentorStore
import TestSupport
import Testing

/// `mentor-notify run` as systemd runs it: sd_notify over a datagram socket, signals, reload.
@Suite(.serialized) struct DaemonTests {
    /// A bound AF_UNIX datagram socket standing in for systemd's notify socket.
    final class NotifySocket {
        let path: String
        let descriptor: Int32

        init(folder: String) throws {
            path = folder + "/notify.sock"
            descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard bound == 0 else { throw CocoaError(.fileWriteUnknown) }
            var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(descriptor) }

        /// Messages received until `until` matches one or the time is up.
        func read(for seconds: TimeInterval, until: (String) -> Bool = { _ in false }) -> [String] {
            var messages: [String] = []
            let deadline = Date().addingTimeInterval(seconds)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while Date() < deadline {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count > 0 {
                    let message = String(decoding: buffer[0..<count], as: UTF8.self)
                    messages.append(message)
                    if until(message) { break }
                }
            }
            return messages
        }
    }

    final class Daemon {
        let process = Process()
        let stderr = Pipe()

        /// `launcher`: a command that runs the daemon (its first word a path), e.g. `nice`.
        init(
            _ cli: CLIHarness, socket: String, watchdogMicroseconds: Int? = nil, launcher: [String] = [],
            environment extra: [String: String] = [:]
        ) throws {
            let command = launcher + [CLIHarness.binary, "--config", cli.folder + "/config.json", "run"]
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst())
            process.currentDirectoryURL = URL(fileURLWithPath: cli.folder)
            var environment = cli.environment.merging(extra) { $1 }
            environment["MENTOR_NOTIFY_DB"] = cli.folder + "/test.db"
            environment["NOTIFY_SOCKET"] = socket
            if let watchdogMicroseconds { environment["WATCHDOG_USEC"] = String(watchdogMicroseconds) }
            process.environment = environment
            process.standardError = stderr
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            try process.run()
        }

        /// Waits for exit; nil if it is still running after `seconds`.
        func exit(within seconds: TimeInterval) -> Int32? {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning && Date() < deadline { usleep(20_000) }
            return process.isRunning ? nil : process.terminationStatus
        }

        var log: String { String(decoding: stderr.fileHandleForReading.availableData, as: UTF8.self) }

        deinit {
            if process.isRunning { process.terminate() }
        }
    }

    func prepared() throws -> CLIHarness {
        let cli = CLIHarness()
        cli.write("config.json", ConfigTests.valid)
        #expect(try cli.run(["init"]).code == 0)
        return cli
    }

    @Test func readyThenSIGTERMExitsCleanlyWithin10Seconds() throws {
        let cli = try prepared()
        let notify = try NotifySocket(folder: cli.folder)
        let daemon = try Daemon(cli, socket: notify.path, watchdogMicroseconds: 2_000_000)
        let messages = notify.read(for: 15) { $0.contains("WATCHDOG=1") }
        #expect(messages.contains { $0.contains("READY=1") }, "\(messages)")
        #expect(messages.contains { $0.contains("STATUS=") })
        #expect(messages.contains { $0.contains("WATCHDOG=1") })
        kill(daemon.process.processIdentifier, SIGTERM)
        let started = Date()
        let code = daemon.exit(within: 10)
        #expect(code == 0, "exit \(String(describing: code)) after \(Date().timeIntervalSince(started)) s")
        #expect(notify.read(for: 0.5).contains { $0.contains("STOPPING=1") })
    }

    @Test func sighupWithABrokenConfigKeepsTheOldOneAndRuns() throws {
        let cli = try prepared()
        let notify = try NotifySocket(folder: cli.folder)
        let daemon = try Daemon(cli, socket: notify.path)
        #expect(notify.read(for: 15) { $0.contains("READY=1") }.contains { $0.contains("READY=1") })
        cli.write("config.json", "{ \"programs\": [ { \"id\": \"x\", \"preset\": \"nosuch\" } ] }")
        kill(daemon.process.processIdentifier, SIGHUP)
        let after = notify.read(for: 10) { $0.contains("reload failed") }
        #expect(after.contains { $0.contains("reload failed") }, "\(after)")
        usleep(300_000)
        #expect(daemon.process.isRunning, "the daemon died on a bad reload")
        // A good config again is picked up by the next SIGHUP.
        cli.write("config.json", ConfigTests.valid)
        kill(daemon.process.processIdentifier, SIGHUP)
        #expect(notify.read(for: 10) { $0.contains("config reloaded") }.contains { $0.contains("config reloaded") })
        kill(daemon.process.processIdentifier, SIGINT)
        #expect(daemon.exit(within: 10) == 0)
        let log = daemon.log
        #expect(log.contains("event=reload-failed"))
        #expect(log.contains("event=daemon-stop"))
    }

    /// A SYMB forløb that started 10 days ago (so a message is due at once), with email going to a
    /// test SMTP server in `mode` (`hang`: never answers DATA; `slow`: answers after 6 s).
    func forloebWithASlowServer(_ mode: String, timeoutSeconds: Int, scratch: Scratch) throws -> (
        CLIHarness, TestServer
    ) {
        let cli = CLIHarness()
        let server = try TestServer(
            script: "smtp_server.py", arguments: ["--out", scratch.path + "/in", "--mode", mode], folder: scratch.path)
        cli.write(
            "config.json",
            """
            { "sendWindow": { "from": "00:00", "to": "23:59" },
              "email": { "url": "smtp://127.0.0.1:\(server.port)", "from": "SYMB <noreply@example.dk>", "starttls": "none",
                         "timeoutSeconds": \(timeoutSeconds) },
              "programs": [ { "id": "symb", "preset": "symb", "leaders": [ { "name": "Louise", "email": "l@example.dk" } ] } ] }
            """)
        #expect(try cli.run(["init"]).code == 0)
        let mentor = try cli.create(["person", "add", "--role", "mentor", "--name", "Søren", "--email", "s@example.dk"])
        let mentee = try cli.create(["person", "add", "--role", "mentee", "--name", "Amira", "--email", "a@example.dk"])
        let started = Zone.copenhagen.local(Date()).date.adding(days: -10)
        _ = try cli.create([
            "match", "--mentor", String(mentor), "--mentee", String(mentee), "--program", "symb", "--start",
            started.description,
        ])
        return (cli, server)
    }

    @Test func sigtermAbortsASendStuckOnASlowServer() throws {
        let scratch = Scratch()
        let (cli, server) = try forloebWithASlowServer("hang", timeoutSeconds: 60, scratch: scratch)
        defer { withExtendedLifetime(server) {} }
        let notify = try NotifySocket(folder: cli.folder)
        let daemon = try Daemon(cli, socket: notify.path)
        #expect(notify.read(for: 15) { $0.contains("READY=1") }.contains { $0.contains("READY=1") })
        // Wait until the first cycle's message is in flight on the server, which never answers DATA:
        // the signal must find a transfer to abort, not an idle daemon.
        let inFlight = scratch.path + "/in/data-started"
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: inFlight) && Date() < deadline { usleep(20_000) }
        try #require(FileManager.default.fileExists(atPath: inFlight), "no message reached the server")
        kill(daemon.process.processIdentifier, SIGTERM)
        let stopping = Date()
        #expect(daemon.exit(within: 10) == 0, "still running \(Date().timeIntervalSince(stopping)) s after SIGTERM")
        #expect(Date().timeIntervalSince(stopping) < 10)
        // Nothing is lost: the message in flight went back to pending, not to failed.
        let outbox = try cli.json(["outbox", "--json"])
        #expect(!outbox.isEmpty)
        #expect(outbox.allSatisfy { ($0["status"] as? String) == "pending" }, "\(outbox)")
    }

    @Test func theWatchdogIsFedWhileASendWaitsOnASlowServer() throws {
        let scratch = Scratch()
        // The server takes 6 s to answer DATA; the watchdog wants a sign of life every 1.5 s.
        let (cli, server) = try forloebWithASlowServer("slow", timeoutSeconds: 30, scratch: scratch)
        defer { withExtendedLifetime(server) {} }
        let notify = try NotifySocket(folder: cli.folder)
        let daemon = try Daemon(cli, socket: notify.path, watchdogMicroseconds: 3_000_000)
        #expect(notify.read(for: 15) { $0.contains("READY=1") }.contains { $0.contains("READY=1") })
        var beats: [Date] = []
        let until = Date().addingTimeInterval(9)
        while Date() < until {
            beats += notify.read(for: 0.1).filter { $0.contains("WATCHDOG=1") }.map { _ in Date() }
        }
        let gaps = zip(beats, beats.dropFirst()).map { $1.timeIntervalSince($0) }
        #expect(beats.count >= 4, "\(beats.count) watchdog pings in 9 s")
        #expect(gaps.allSatisfy { $0 < 3 }, "longest gap \(gaps.max() ?? 0) s")
        // The slow send did happen within those 9 s, and the cycle ended with it.
        let received = (try? FileManager.default.contentsOfDirectory(atPath: scratch.path + "/in")) ?? []
        #expect(received.contains { $0.hasSuffix(".eml") }, "\(received)")
        kill(daemon.process.processIdentifier, SIGTERM)
        #expect(daemon.exit(within: 10) == 0)
    }

    @Test func statusIsHealthyWhileTheDaemonRuns() throws {
        let cli = try prepared()
        let notify = try NotifySocket(folder: cli.folder)
        let daemon = try Daemon(cli, socket: notify.path)
        _ = notify.read(for: 15) { $0.contains("last cycle") }
        let status = try cli.run(["status", "--json"])
        #expect(status.code == 0, "\(status.out) \(status.err)")
        #expect(status.out.contains("\"healthy\" : true"))
        kill(daemon.process.processIdentifier, SIGTERM)
        #expect(daemon.exit(within: 10) == 0)
    }
}

/// The units as shipped: they verify, the service's hardening keeps the exposure at 2.0 or less,
/// and the backup service's is no weaker.
@Suite(.serialized) struct ServiceUnitTests {
    /// The unit `name` from systemd/ with the test binary's folder for @BINDIR@, in a folder of its
    /// own beside the other units (a timer is verified with the service it starts).
    func unit(_ name: String = "mentor-notify.service") throws -> String {
        let folder = NSTemporaryDirectory() + "mentor-notify-unit-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let binary = URL(fileURLWithPath: CLIHarness.binary).deletingLastPathComponent().path
        for unit in ["mentor-notify.service", "mentor-notify-backup.service", "mentor-notify-backup.timer"] {
            let source = try String(
                contentsOf: CLIHarness.repository.appendingPathComponent("systemd/" + unit), encoding: .utf8)
            try source.replacingOccurrences(of: "@BINDIR@", with: binary).write(
                toFile: folder + "/" + unit, atomically: true, encoding: .utf8)
        }
        return folder + "/" + name
    }

    func exposure(_ name: String) throws -> Double {
        let (code, output) = try analyze(["security", "--offline=true", try unit(name)])
        #expect(code == 0, "\(output)")
        let line = try #require(output.split(separator: "\n").first { $0.contains("Overall exposure level") })
        return try #require(line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) })
    }

    func analyze(_ arguments: [String]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["systemd-analyze"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(arguments: ["mentor-notify.service", "mentor-notify-backup.service", "mentor-notify-backup.timer"])
    func verifies(_ name: String) throws {
        let (code, output) = try analyze(["verify", try unit(name)])
        #expect(code == 0, "\(output)")
    }

    @Test func exposureIsAtMost2() throws {
        #expect(try exposure("mentor-notify.service") <= 2.0)
    }

    @Test func theBackupServiceIsHardenedLikeTheService() throws {
        #expect(try exposure("mentor-notify-backup.service") <= exposure("mentor-notify.service"))
    }
}

/// The daemon and admin commands at the same moment, through the real binary: no command ever
/// reports "database is locked".
@Suite(.serialized) struct ConcurrentWriterTests {
    @Test func adminCommandsWhileCyclesRun() throws {
        let cli = CLIHarness()
        cli.write("config.json", ConfigTests.valid)
        #expect(try cli.run(["init"]).code == 0)
        var ids: [Int64] = []
        for index in 0..<4 {
            let mentor = try cli.create([
                "person", "add", "--role", "mentor", "--name", "M\(index)", "--email", "m\(index)@example.dk",
                "--birthdate", "1970-01-01", "--certificate", "2026-01-01",
            ])
            let mentee = try cli.create([
                "person", "add", "--role", "mentee", "--name", "E\(index)", "--email", "e\(index)@example.dk",
                "--birthdate", "2004-01-01",
            ])
            ids.append(
                try cli.create([
                    "match", "--mentor", String(mentor), "--mentee", String(mentee), "--program", "holstebro",
                    "--start", "2026-01-05",
                ]))
        }
        // Cycles back to back in one process (as the daemon does), hour by hour through a month.
        let ticker = Process()
        ticker.executableURL = URL(fileURLWithPath: "/bin/sh")
        ticker.arguments = [
            "-c",
            "for d in $(seq 10 28); do for h in 09 12 15 18; do \"\(CLIHarness.binary)\" tick --at 2026-02-${d}T${h}:00 || exit 1; done; done",
        ]
        ticker.currentDirectoryURL = URL(fileURLWithPath: cli.folder)
        var environment = cli.environment
        environment["MENTOR_NOTIFY_DB"] = cli.folder + "/test.db"
        environment["MENTOR_NOTIFY_CONFIG"] = cli.folder + "/config.json"
        ticker.environment = environment
        ticker.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        let tickerErrors = Pipe()
        ticker.standardError = tickerErrors
        try ticker.run()
        var failures: [String] = []
        var commands = 0
        while ticker.isRunning || commands < 20 {
            let id = ids[commands % ids.count]
            let result = try cli.run([
                "contact", String(id), "--date", "2026-02-\(10 + commands % 18)", "--minutes", "15",
            ])
            if result.code != 0 { failures.append(result.err) }
            commands += 1
            if commands > 400 { break }
        }
        ticker.waitUntilExit()
        let tickerLog = String(decoding: tickerErrors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        #expect(ticker.terminationStatus == 0, "\(tickerLog.suffix(500))")
        #expect(!tickerLog.contains("locked") && !tickerLog.contains("busy"))
        #expect(commands >= 20)
    }
}
