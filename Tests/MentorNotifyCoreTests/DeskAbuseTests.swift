import Desk
import Foundation
import MentorModel
import Testing

@testable import MentorNotifyCore

/// What a leader types is a value, never an instruction to the command line; and what reaches into
/// another program's records is not one leader's to do.
@Suite(.serialized) struct DeskAbuseTests {
    /// A field holding `--dry-run` (a meeting's place, a person's ref) is that option's value: the
    /// change is made, and so it is in the audit.
    @Test func aFieldHoldingDryRunIsAChangeTheAuditRecords() throws {
        let world = try DeskWorld()
        let outcome = world.endpoint.actions.run(
            ["person", "edit", String(world.ours.mentee), "--ref", "--dry-run"], as: world.leader)
        #expect(outcome.succeeded, "\(outcome.error)")
        #expect(try world.person(world.ours.mentee)["ref"] as? String == "--dry-run")
        let entry = try world.lastAudit()
        #expect(entry["command"] as? String == "person edit")
        #expect(entry["actor"] as? String == "desk:Louise")
    }

    /// A field holding `-h` or `--help` is refused by the command as a bad value; it does not turn
    /// the command into its help, which would "succeed" doing nothing.
    @Test func aFieldHoldingHelpIsNoHelpRequest() throws {
        let world = try DeskWorld()
        for value in ["-h", "--help"] {
            let outcome = world.endpoint.actions.run(
                ["extend", String(world.ours.forloeb), "--until", value], as: world.leader)
            #expect(!outcome.succeeded, "extend --until \(value) printed: \(outcome.output)")
            #expect(!outcome.output.contains("usage:"))
        }
        // From the shell, --help still shows the command's help.
        let shell = try world.cli.run(["extend", "--help"])
        #expect(shell.code == 0 && shell.out.contains("extend"))
    }

    /// A mentor in two programs: the leader of one cannot forget them, nor undo their opt-outs,
    /// since both reach into the other program too.
    @Test func aPersonInAnotherProgramTooIsNotForgottenOrOptedInByOneLeader() throws {
        let world = try DeskWorld()
        _ = try world.cli.create([
            "match", "--mentor", String(world.ours.mentor), "--mentee", String(world.theirs.mentee), "--program",
            "symb", "--start", "2026-03-02", "--force",
        ])
        #expect(try world.cli.run(["person", "opt-out", String(world.ours.mentor), "--channel", "email"]).code == 0)
        let forgetPage = world.get("people/\(world.ours.mentor)/forget")
        #expect(forgetPage.status == 422)
        #expect(forgetPage.text.contains("også med i et andet program"))
        #expect(world.post("people/\(world.ours.mentor)/forget").status == 422)
        #expect(try world.person(world.ours.mentor)["name"] as? String == "Søren Mikkelsen", "not forgotten")
        let optIn = world.post("people/\(world.ours.mentor)/opt-in", [("channel", "email")])
        #expect(optIn.status == 422)
        let optedOut = try world.person(world.ours.mentor)["optedOut"] as? [String] ?? []
        #expect(optedOut.contains("email"), "still opted out")
        // Their own mentee, in their program only, is still theirs to opt in again.
        #expect(try world.cli.run(["person", "opt-out", String(world.ours.mentee), "--channel", "email"]).code == 0)
        #expect(world.post("people/\(world.ours.mentee)/opt-in", [("channel", "email")]).status == 303)
    }
}
