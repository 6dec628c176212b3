import Foundation
import Testing

@testable import MentorNotifyCore

/// The man pages document what the program has: every command `--help` names, every key the
/// config reader accepts. A command or key added without its documentation fails here.
@Suite struct ManPageTests {
    static func read(_ path: String) throws -> String {
        try String(contentsOf: CLIHarness.repository.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func everyCommandIsInMentorNotify1() throws {
        let page = try Self.read("man/mentor-notify.1")
        let entries = page.split(separator: "\n").filter { $0.hasPrefix(".B ") }.map { String($0.dropFirst(3)) }
        for command in CLI.commands.keys.sorted() {
            #expect(
                entries.contains { $0.hasPrefix(command + " ") || $0 == command }, "mentor-notify(1) lacks \(command)")
        }
        // And every command the overview of --help names.
        let help = CLI.globalUsage.split(separator: "\n", omittingEmptySubsequences: false).drop {
            !$0.contains("commands:")
        }.dropFirst()
            .prefix { !$0.isEmpty }.compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(help.count >= 18)
        for command in help { #expect(page.contains(".B \(command)"), "mentor-notify(1) lacks \(command)") }
    }

    @Test func everyConfigKeyIsInMentorNotifyJSON5() throws {
        let page = try Self.read("man/mentor-notify.json.5")
        // The reader is split by section (ConfigParsing, ChannelParsing, ProgramParsing, ...): all of it.
        let folder = "Sources/MentorNotifyCore/Config"
        let files = try FileManager.default.contentsOfDirectory(
            atPath: CLIHarness.repository.appendingPathComponent(folder).path)
        let source = try files.filter { $0.hasSuffix(".swift") }.sorted().map { try Self.read(folder + "/" + $0) }
            .joined(separator: "\n")
        // Every key the reader asks for: reader.string("url"), window.int("everyWeeks"), ...
        let pattern = try NSRegularExpression(
            pattern: #"\b(?:string|int|bool|object|array|isNull|days|time|date|formURL)\((?:&\w+, )?"([A-Za-z]+)""#)
        let keys = Set(
            pattern.matches(in: source, range: NSRange(source.startIndex..., in: source)).compactMap {
                Range($0.range(at: 1), in: source).map { String(source[$0]) }
            })
        #expect(keys.count > 50, "\(keys.count) keys found; has the reader's shape changed?")
        for key in keys.sorted() {
            #expect(
                page.contains("\\fB\(key)") || page.contains(".B \(key)") || page.contains(".BR \(key)")
                    || page.range(of: #"(\.B|\.BR|\.RB|,) [^\n]*\b"# + key + #"\b"#, options: .regularExpression)
                        != nil,
                "mentor-notify.json(5) lacks \(key)")
        }
    }
}
