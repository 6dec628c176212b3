import Dispatch
import Foundation
import MentorModel
import MentorStore
import Notifier
import Synchronization
import Transport

/// Signals seen by the daemon, set from Dispatch sources and read by the cycle loop.
final class SignalFlags: @unchecked Sendable {
    // @unchecked: every access goes through the lock.
    private let lock = NSLock()
    private var stopping = false
    private var reloading = false
    let wake = DispatchSemaphore(value: 0)
    /// The transfers this daemon runs, to cancel when the graceful part of a shutdown runs out.
    let control: TransferControl
    /// How long a shutdown lets the message in flight finish before aborting it.
    let gracePeriod: DispatchTimeInterval

    init(control: TransferControl, gracePeriod: DispatchTimeInterval = .seconds(3)) {
        self.control = control
        self.gracePeriod = gracePeriod
    }

    var shouldStop: Bool { lock.withLock { stopping } }

    /// Graceful, then cancelled (as swift-service-lifecycle does): no new message starts at once; the
    /// one in flight may finish within the grace period, after which it is aborted, so a slow server
    /// never holds up the exit (systemd's stop timeout) and a message is rarely cut off mid-way.
    func stop() {
        let first = lock.withLock {
            defer { stopping = true }
            return !stopping
        }
        wake.signal()
        guard first else {
            // A second signal: no more grace.
            control.cancel()
            return
        }
        // A plain thread, not Dispatch's timer (see SignalThread for why the daemon keeps off Dispatch's threads).
        let timer = Thread { [control, gracePeriod] in
            _ = DispatchSemaphore(value: 0).wait(timeout: .now() + gracePeriod)
            control.cancel()
        }
        timer.name = "stop-grace"
        timer.start()
    }

    func requestReload() {
        lock.withLock { reloading = true }
        wake.signal()
    }

    var reloadRequested: Bool { lock.withLock { reloading } }

    func takeReload() -> Bool {
        lock.withLock {
            defer { reloading = false }
            return reloading
        }
    }
}

/// `mentor-notify run`: a cycle every minute (sooner when a message is due), until SIGTERM/SIGINT.
/// SIGHUP rebuilds the cycle, the mailbox poller and the web endpoint from the config and the
/// templates read again (`DaemonParts`); a new config that cannot be built keeps the old parts.
final class Daemon {
    let context: Context
    let control = TransferControl()
    let flags: SignalFlags

    init(context: Context) {
        self.context = context
        self.flags = SignalFlags(control: control)
    }

    /// Starts the signal thread before any work starts, so no signal is lost.
    private func installSignals() {
        SignalThread.start { [flags] number in
            if number == SIGHUP { flags.requestReload() } else { flags.stop() }
        }
    }

    func run() throws {
        installSignals()
        let logger = context.logger
        let systemd = SystemdNotifier(environment: context.environment)
        let store = try context.openStore()
        // While it lives, `restore` refuses: it would swap the file under a running delivery.
        let running = try RunLock.delivering(context.databasePath)
        defer { withExtendedLifetime(running) {} }
        let parts = try DaemonParts(Composition(context, control: control), store: store)
        defer { parts.stop() }
        logger.info(
            "daemon-start", ["pid": String(getpid()), "db": context.databasePath, "config": context.config.source])
        systemd.notify("READY=1\nSTATUS=starting first cycle\nMAINPID=\(getpid())")
        // A long delivery pass keeps the watchdog fed from inside (see Heartbeat).
        if systemd.watchdogInterval != nil {
            control.heartbeat.install { systemd.notify("WATCHDOG=1") }
        }
        defer { control.heartbeat.install(nil) }
        var failures = 0
        while !flags.shouldStop {
            if flags.takeReload() { reload(parts, systemd: systemd) }
            failures = cycle(parts, systemd: systemd, failures: failures)
            systemd.notify("WATCHDOG=1")
            sleepUntilNextCycle(store: parts.store, systemd: systemd, failures: failures)
        }
        systemd.notify("STOPPING=1\nSTATUS=stopping")
        logger.info("daemon-stop", ["pid": String(getpid())])
    }

    /// One cycle at the wall clock's moment, said to systemd and the log; the consecutive failures.
    private func cycle(_ parts: DaemonParts, systemd: SystemdNotifier, failures: Int) -> Int {
        let now = Int64(Date().timeIntervalSince1970)
        do {
            let report = try parts.cycle.run(now: now, shouldStop: { [flags] in flags.shouldStop })
            systemd.notify(
                "STATUS=last cycle \(context.config.zone.iso8601(now)): sent \(report.delivery.sent), enqueued \(report.enqueued)"
            )
            return 0
        } catch {
            let (code, message) = CLI.describe(error)
            context.logger.error(
                "cycle-failed", ["code": String(code.rawValue), "reason": message, "consecutive": String(failures + 1)])
            systemd.notify("STATUS=cycle failed: \(message)")
            return failures + 1
        }
    }

    /// SIGHUP: the config and the texts read again, and the cycle, the mailbox poller and the web
    /// endpoint rebuilt from them; a config that cannot be read or built keeps the old parts.
    private func reload(_ parts: DaemonParts, systemd: SystemdNotifier) {
        do {
            let config = try context.rereadConfig()
            try parts.reload(Composition(context, config: config, control: control))
            // Only now: the loop's interval and status lines follow the parts that run.
            context.adopt(config)
            context.logger.info("reloaded", ["config": config.source])
            systemd.notify("STATUS=config reloaded")
        } catch {
            context.logger.error("reload-failed", ["reason": CLI.describe(error).1, "kept": "previous config"])
            systemd.notify("STATUS=reload failed; running with the previous config")
        }
        systemd.notify("READY=1")
    }

    /// Sleeps until the next cycle or the next due message, waking for signals and the watchdog.
    private func sleepUntilNextCycle(store: Store, systemd: SystemdNotifier, failures: Int) {
        let interval = TimeInterval(context.config.cycleSeconds)
        var deadline = Date().addingTimeInterval(failures > 0 ? min(interval * Double(failures), 600) : interval)
        if failures == 0, let next = try? store.outboxSummary().nextDue {
            let due = Date(timeIntervalSince1970: TimeInterval(next))
            if due > Date() && due < deadline { deadline = due.addingTimeInterval(1) }
        }
        while !flags.shouldStop && Date() < deadline {
            let slice = min(deadline.timeIntervalSinceNow, systemd.watchdogInterval ?? 3600)
            if flags.wake.wait(timeout: .now() + max(slice, 0.01)) == .success,
                flags.shouldStop || flags.reloadRequested
            {
                return
            }
            systemd.notify("WATCHDOG=1")
        }
    }
}
