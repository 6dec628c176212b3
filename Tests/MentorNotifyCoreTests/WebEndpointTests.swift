import Foundation
import HTTPServer
import MentorStore
import Testing

@testable import MentorNotifyCore

/// `run` with `http.listen`: /healthz and /metrics answer while the daemon cycles, through a real
/// HTTP client (curl), and the metrics parse with Prometheus' own parser.
@Suite(.serialized) struct WebEndpointTests {
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: bound.sin_port))
    }

    static func run(_ executable: String, _ arguments: [String], stdin: String? = nil) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let out = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardInput = input
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// `curl` with the status code on the last line.
    static func get(_ url: String) throws -> (status: Int, body: String) {
        let (_, output) = try run("curl", ["-s", "--max-time", "5", "-w", "\n%{http_code}", url])
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    @Test func healthAndMetricsAnswerWhileTheDaemonRuns() throws {
        let cli = CLIHarness()
        let port = Self.freePort()
        cli.write(
            "config.json",
            """
            { "http": { "listen": "127.0.0.1:\(port)", "publicURL": "https://mentor.example.dk" },
              "programs": [ { "id": "symb", "preset": "symb", "leaders": [ { "name": "L", "email": "l@example.dk" } ] } ] }
            """)
        _ = try cli.forloeb(program: "symb")
        let daemon = try DaemonTests.Daemon(cli, socket: cli.folder + "/no-notify")
        defer { kill(daemon.process.processIdentifier, SIGTERM) }
        var health = (status: 0, body: "")
        let deadline = Date().addingTimeInterval(15)
        while health.status != 200 && Date() < deadline {
            usleep(200_000)
            health = (try? Self.get("http://127.0.0.1:\(port)/healthz")) ?? (0, "")
        }
        #expect(health.status == 200 && health.body == "ok\n", "\(health)")
        let metrics = try Self.get("http://127.0.0.1:\(port)/metrics")
        #expect(metrics.status == 200)
        let (code, parsed) = try Self.run(
            "python3", [TestServerSupport.path("parse_metrics.py")], stdin: metrics.body)
        #expect(code == 0, "\(parsed)")
        for family in [
            "mentor_notify_outbox_messages gauge", "mentor_notify_deliveries counter",
            "mentor_notify_replies counter", "mentor_notify_last_cycle_timestamp_seconds gauge",
            "mentor_notify_channel_held gauge",
        ] {
            #expect(parsed.contains("FAMILY \(family)"), "\(family) missing in:\n\(parsed)")
        }
        #expect(parsed.contains("mentor_notify_outbox_messages{status=pending}"))
        #expect(try Self.get("http://127.0.0.1:\(port)/nothing-here").status == 404)
        kill(daemon.process.processIdentifier, SIGTERM)
        #expect(daemon.exit(within: 10) == 0)
    }
}

extension WebEndpointTests {
    @Test func healthIs503WithTheReasonWhenNoCycleRan() throws {
        let folder = NSTemporaryDirectory() + "mentor-notify-web-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try Store(path: folder + "/web.db")
        let endpoint = WebEndpoint(databasePath: folder + "/web.db", maxAgeMinutes: 10)
        func get(_ path: String, _ method: String = "GET") -> HTTPResponse {
            endpoint.handle(
                HTTPRequest(method: method, path: path, query: "", version: "HTTP/1.1", headers: [], body: []))
        }
        let health = get("/healthz")
        #expect(health.status == 503)
        #expect(String(decoding: health.body, as: UTF8.self) == "no cycle in the last 10 minutes\n")
        #expect(get("/metrics", "POST").status == 405)
        // A database that cannot be opened is a 503, not a crash.
        let missing = WebEndpoint(databasePath: folder + "/nowhere/x.db", maxAgeMinutes: 10)
        #expect(
            missing.handle(
                HTTPRequest(method: "GET", path: "/healthz", query: "", version: "HTTP/1.1", headers: [], body: [])
            )
            .status == 503)
    }
}

/// Paths of the helper scripts in Tests/Support.
enum TestServerSupport {
    static func path(_ name: String) -> String {
        CLIHarness.repository.appendingPathComponent("Tests/Support/\(name)").path
    }
}
