import Foundation
import Testing

/// A short run of `make crash-test` (the long one is 200 kills): SIGKILL during delivery loses
/// nothing and leaves the database intact.
@Suite(.serialized) struct CrashTests {
    @Test func killingDeliveryLosesNothing() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", CLIHarness.repository.appendingPathComponent("scripts/crash-test.py").path, "--kills", "25",
            "--messages", "120", "--seed", "7",
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(["MENTOR_NOTIFY_BIN": CLIHarness.binary]) {
            $1
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("lost 0"))
        #expect(output.contains("integrity_check ok"))
    }
}
