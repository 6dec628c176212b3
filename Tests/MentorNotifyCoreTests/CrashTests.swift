import Foundation
import Testing

/// Short runs of `make crash-test` (the long ones are 200 and 100 kills): SIGKILL during delivery
/// loses nothing, SIGKILL while replies are read acts on none twice, and the database stays intact.
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

    @Test func killingWhileRepliesAreReadActsOnEachOnce() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", CLIHarness.repository.appendingPathComponent("scripts/crash-test-replies.py").path, "--kills",
            "15", "--replies", "60", "--seed", "7",
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
        #expect(output.contains("each forløb's hours logged once: True"))
        #expect(output.contains("integrity_check ok"))
    }
}
