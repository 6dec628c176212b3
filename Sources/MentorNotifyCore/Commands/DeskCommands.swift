import Desk
import MentorModel
import MentorStore

/// `desk link --leader EMAIL [--at T]`: a sign-in link to the leader's desk, printed on the
/// server for when mail is down (SPEC.md "The leader's desk"). Only its hash is stored; it works
/// like a mailed one (15 minutes, once) and does not count against the mailed links' limits.
enum DeskCommands {
    static func link(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "desk link", options: ["leader", "at"])
        try args.noPositionals()
        let config = context.config
        let address = try args.required("leader")
        let now = try CycleCommands.now(args, config)
        guard config.desk.enabled, let publicURL = config.http?.publicURL,
            let origin = SignInReading.origin(of: publicURL)
        else {
            throw CLIError(
                .config, "desk link: the desk is not enabled; set \"desk\": {\"enabled\": true} and http.publicURL")
        }
        guard let leader = DeskLeaders.leader(address, in: config, on: config.zone.local(now).date) else {
            throw CLIError(
                .usage,
                "desk link: \(address) leads no program in the config on that day; give a leader's email address "
                    + "(programs[].leaders[].email)")
        }
        let token = DeskToken.make()
        let store = try context.openStore()
        try store.addDeskLink(
            hash: try DeskToken.hash(token), address: leader.email.lowercased(), now: now,
            expiresAt: now + DeskSignIn.linkSeconds, mailed: false)
        // The audit names the programs the link opens, never the address or the link.
        AuditLog.recorder?.note(ids: [], keys: leader.programs)
        context.output.line(origin + "/desk/login/" + token)
    }
}
