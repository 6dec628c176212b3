import Foundation
import Notifier
import Scheduler
import Testing
import Transport

@testable import MentorNotifyCore

/// A tick with nothing new since the last leaves planning out, in another process too (the
/// fingerprint of the config is the same in every process); a new record makes the next one plan.
@Suite struct IdleTickTests {
    func tick(_ cli: CLIHarness, _ at: String) throws -> String? {
        let result = try cli.run(["--log-level", "info", "tick", "--at", at])
        #expect(result.code == 0, "\(result.err)")
        return result.err.split(separator: "\n").last { $0.contains("event=cycle") }?.split(separator: " ")
            .first { $0.hasPrefix("idle=") }.map(String.init)
    }

    /// A harness whose config reads a copy of the repository's texts (the folder returned), with a forløb.
    func withOwnTexts() throws -> (CLIHarness, String) {
        let cli = CLIHarness()
        let templates = cli.folder + "/templates"
        try FileManager.default.copyItem(
            atPath: CLIHarness.repository.appendingPathComponent("templates").path, toPath: templates)
        cli.write(
            "config.json",
            """
            { "templates": "\(templates)",
              "programs": [ { "id": "mentorshoppen", "preset": "mentorshoppen",
                              "leaders": [ { "name": "Louise", "email": "louise@example.dk" } ] } ] }
            """)
        _ = try cli.forloeb()
        return (cli, templates)
    }

    @Test func aTickWithNothingNewIsIdleAndANewContactEndsThat() throws {
        let cli = CLIHarness()
        let (_, _, forloeb) = try cli.forloeb()
        #expect(try tick(cli, "2026-03-20T10:00") == "idle=no")
        // The first tick enqueued (and sent): the next plans once more, then nothing changes.
        #expect(try tick(cli, "2026-03-20T10:01") == "idle=no")
        #expect(try tick(cli, "2026-03-20T10:02") == "idle=yes")
        #expect(try tick(cli, "2026-03-20T10:03") == "idle=yes")
        #expect(try cli.run(["contact", String(forloeb), "--date", "2026-03-19", "--minutes", "60"]).code == 0)
        #expect(try tick(cli, "2026-03-20T10:04") == "idle=no")
        #expect(try tick(cli, "2026-03-20T10:05") == "idle=yes")
        // Midnight is a rule boundary (rules count days): the first tick of the next day plans.
        #expect(try tick(cli, "2026-03-21T00:01") == "idle=no")
    }

    /// The texts are part of what a plan is made from: a changed file makes the next tick plan.
    @Test func aChangedTextEndsTheIdleTicks() throws {
        let (cli, templates) = try withOwnTexts()
        _ = try tick(cli, "2026-03-20T10:00")
        _ = try tick(cli, "2026-03-20T10:01")
        #expect(try tick(cli, "2026-03-20T10:02") == "idle=yes")
        let words = templates + "/da/words.txt"
        let text = try String(contentsOfFile: words, encoding: .utf8)
        try (text + "\n# edited by the leader\n").write(toFile: words, atomically: true, encoding: .utf8)
        #expect(try tick(cli, "2026-03-20T10:03") == "idle=no")
        #expect(try tick(cli, "2026-03-20T10:04") == "idle=yes")
    }

    /// A config read from a file is fingerprinted by its bytes only while its scheduler settings are
    /// still the ones those bytes gave: one changed in memory afterwards (the demo's) is not taken
    /// for the file's.
    @Test func aConfigChangedAfterLoadingIsNotTakenForItsFile() throws {
        let cli = CLIHarness()
        let path = cli.folder + "/config.json"
        cli.write(
            "config.json",
            """
            { "programs": [ { "id": "mentorshoppen", "preset": "mentorshoppen",
                              "leaders": [ { "name": "Louise", "email": "louise@example.dk" } ] } ] }
            """)
        let catalog = try TemplateCatalog.load(
            directory: CLIHarness.repository.appendingPathComponent("templates").path)
        let config = try Config.load(path: path)
        let file = IdlePlan.fingerprint(config: config, catalog: catalog)
        #expect(IdlePlan.fingerprint(config: try Config.load(path: path), catalog: catalog) == file)
        var renamed = config
        renamed.programs[0].name += " Nord"
        #expect(IdlePlan.fingerprint(config: renamed, catalog: catalog) != file)
        var answering = config
        answering.replies = RepliesSettings(address: "svar@example.dk")
        #expect(IdlePlan.fingerprint(config: answering, catalog: catalog) != file)
        // Back as the file gave it: the file's fingerprint again.
        renamed.programs[0].name = config.programs[0].name
        #expect(IdlePlan.fingerprint(config: renamed, catalog: catalog) == file)
    }

    /// The built-in defaults stand for their settings as a file's bytes do (no walk by reflection at
    /// each tick), and only while they are still the defaults.
    @Test func theBuiltInDefaultsChangedInMemoryAreNotTakenForThem() throws {
        let catalog = try TemplateCatalog.load(
            directory: CLIHarness.repository.appendingPathComponent("templates").path)
        let defaults = IdlePlan.fingerprint(config: Config.builtIn(), catalog: catalog)
        #expect(IdlePlan.fingerprint(config: Config.builtIn(), catalog: catalog) == defaults)
        var config = Config.builtIn()
        config.programs[1].evaluationEveryMonths = 2
        #expect(IdlePlan.fingerprint(config: config, catalog: catalog) != defaults)
        var answering = Config.builtIn()
        answering.replies = RepliesSettings(address: "svar@example.dk")
        #expect(IdlePlan.fingerprint(config: answering, catalog: catalog) != defaults)
        config.programs[1].evaluationEveryMonths = Config.builtIn().programs[1].evaluationEveryMonths
        #expect(IdlePlan.fingerprint(config: config, catalog: catalog) == defaults)
    }

    /// `IdlePlan.same` compares the scheduler settings field by field: a field added to them must
    /// be added there, or a config changed in memory could pass for its file.
    @Test func everySchedulerSettingIsCompared() {
        let labels = Mirror(reflecting: Config.builtIn().schedulerSettings).children.compactMap(\.label)
        #expect(labels == IdlePlan.comparedSettings)
    }

    /// A tick checks the SMS lengths once for the same texts and config: a text changed so that it
    /// no longer fits stops the next tick as before.
    @Test func aTextMadeTooLongStopsTheNextTickDespiteTheRememberedCheck() throws {
        let (cli, templates) = try withOwnTexts()
        #expect(try cli.run(["tick", "--at", "2026-03-20T10:00"]).code == 0)
        #expect(try cli.run(["tick", "--at", "2026-03-20T10:01"]).code == 0)
        let file = templates + "/da/cafe-invite.txt"
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "Det er gratis.", with: String(repeating: "Det er gratis. ", count: 20))
            .write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try cli.run(["tick", "--at", "2026-03-20T10:02"])
        #expect(refused.code != 0)
        #expect(refused.err.contains("segments"), "\(refused.err)")
    }
}
