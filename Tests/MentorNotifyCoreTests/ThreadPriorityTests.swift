import Foundation
import MentorModel
import TestSupport
import Testing

/// Under the unit's `SystemCallFilter=~@resources`, setpriority(2) fails, and libdispatch starts
/// every worker thread with it (QoS as a nice value), writing "Failed to set thread priority for
/// worker thread" to the journal each time. The daemon keeps off Dispatch's threads; here it runs
/// where setpriority fails too (nice 5 without CAP_SYS_NICE: going back to 0 is refused) and
/// Dispatch logs to stderr, through a start, a delivery, a reload and a stop.
@Suite(.serialized) struct ThreadPriorityTests {
    @Test func startDeliveryReloadAndStopAskForNoThreadPriority() throws {
        let cli = CLIHarness()
        cli.write(
            "config.json",
            """
            { "sendWindow": { "from": "00:00", "to": "23:59" }, "spool": "./out",
              "programs": [ { "id": "symb", "preset": "symb", "leaders": [ { "name": "Louise", "email": "l@example.dk" } ] } ] }
            """)
        #expect(try cli.run(["init"]).code == 0)
        let mentor = try cli.create(["person", "add", "--role", "mentor", "--name", "Søren", "--email", "s@example.dk"])
        let mentee = try cli.create(["person", "add", "--role", "mentee", "--name", "Amira", "--email", "a@example.dk"])
        // Started 10 days ago, so the first cycle delivers (the sender's thread runs).
        let started = Zone.copenhagen.local(Date()).date.adding(days: -10)
        _ = try cli.create([
            "match", "--mentor", String(mentor), "--mentee", String(mentee), "--program", "symb", "--start",
            started.description,
        ])
        // Root has CAP_SYS_NICE, which would let setpriority succeed: setpriv drops it.
        let launcher =
            getuid() == 0
            ? ["/usr/bin/setpriv", "--bounding-set=-sys_nice", "nice", "-n", "5"] : ["/usr/bin/nice", "-n", "5"]
        let notify = try DaemonTests.NotifySocket(folder: cli.folder)
        let daemon = try DaemonTests.Daemon(
            cli, socket: notify.path, launcher: launcher, environment: ["LIBDISPATCH_LOG": "stderr"])
        let cycle = notify.read(for: 20) { $0.contains("last cycle") }
        #expect(cycle.contains { $0.contains("last cycle") && !$0.contains("sent 0") }, "\(cycle)")
        kill(daemon.process.processIdentifier, SIGHUP)
        let reload = notify.read(for: 10) { $0.contains("config reloaded") }
        #expect(reload.contains { $0.contains("config reloaded") }, "\(reload)")
        kill(daemon.process.processIdentifier, SIGTERM)
        #expect(daemon.exit(within: 10) == 0)
        let log = daemon.log
        #expect(log.contains("event=daemon-stop"), "\(log)")
        #expect(!log.contains("thread priority"), "\(log)")
    }
}
