import Foundation
import Testing

/// Short runs of `make crash-test` (the long ones are 200 and 100 kills): SIGKILL during delivery
/// loses nothing, SIGKILL while replies are read acts on none twice, and the database stays intact.
@Suite(.serialized) struct CrashTests {
    /// Runs one of the crash-test scripts against the built binary: its exit status and its report.
    func crashTest(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", CLIHarness.repository.appendingPathComponent("scripts/\(script)").path] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["MENTOR_NOTIFY_BIN": CLIHarness.binary]) {
            $1
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test func killingDeliveryLosesNothing() throws {
        let (status, output) = try crashTest("crash-test.py", ["--kills", "25", "--messages", "120", "--seed", "7"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("lost 0"))
        #expect(output.contains("integrity_check ok"))
    }

    @Test func killingWhileRepliesAreReadActsOnEachOnce() throws {
        let (status, output) = try crashTest(
            "crash-test-replies.py", ["--kills", "15", "--replies", "60", "--seed", "7"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("each forløb's hours logged once: True"))
        #expect(output.contains("integrity_check ok"))
    }
}
