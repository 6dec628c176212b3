public import Foundation

/// A helper process from `Tests/Support` (a real SMTP server, an HTTP SMS stub) on a free loopback
/// port. It stops when this value goes away: its stdin closes and it is terminated.
public final class TestServer {
    let process = Process()
    let stdin = Pipe()
    public let port: Int
    public let folder: String

    public static let support = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Support")

    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(script: String, arguments: [String], folder: String) throws {
        self.folder = folder
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestServer.support.appendingPathComponent(script).path] + arguments
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        var line = Data()
        let reader = stdout.fileHandleForReading
        let deadline = Date().addingTimeInterval(20)
        while !line.contains(UInt8(ascii: "\n")) && Date() < deadline {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("READY "), let port = Int(text.dropFirst(6)) else {
            process.terminate()
            throw StartError(
                description: "\(script) did not start (is aiosmtpd installed? run scripts/deps.sh test): '\(text)'")
        }
        self.port = port
    }

    deinit {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}

/// A folder under /tmp for one test.
public final class Scratch {
    public let path: String

    public init() {
        path = NSTemporaryDirectory() + "mentor-notify-notifier-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A self-signed certificate for 127.0.0.1 made now with openssl: (certificate, key).
    public func certificate() throws -> (String, String) {
        let cert = path + "/cert.pem"
        let key = path + "/key.pem"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        process.waitUntilExit()
        return (cert, key)
    }

    /// The messages an SMTP test server received, as parsed by Python's email package.
    public func received(_ folder: String, count: Int, timeout: TimeInterval = 10) -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(timeout)
        var result: [[String: Any]] = []
        repeat {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
                $0.hasSuffix(".json")
            }.sorted()
            result = names.compactMap { name in
                FileManager.default.contents(atPath: folder + "/" + name).flatMap {
                    try? JSONSerialization.jsonObject(with: $0) as? [String: Any]
                }
            }
            if result.count >= count { return result }
            usleep(50_000)
        } while Date() < deadline
        return result
    }

    /// The requests an SMS stub received.
    public func requests(_ log: String) -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: log) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }
}

/// A flag one thread sets and another reads.
public final class Flag: @unchecked Sendable {
    // @unchecked: guarded by the lock.
    private let lock = NSLock()
    private var value = false
    public init() {}
    public func set() { lock.withLock { value = true } }
    public var isSet: Bool { lock.withLock { value } }
}
