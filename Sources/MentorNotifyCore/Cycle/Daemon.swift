import Dispatch
import Foundation
import MentorModel
import MentorStore
import Notifier

/// Signals seen by the daemon, set from Dispatch sources and read by the cycle loop.
final class SignalFlags: @unchecked Sendable {
    // @unchecked: every access goes through the lock.
    private let lock = NSLock()
    private var stopping = false
    private var reloading = false
    let wake = DispatchSemaphore(value: 0)

    var shouldStop: Bool { lock.withLock { stopping } }

    func stop() {
        lock.withLock { stopping = true }
        // A transfer in flight is aborted too: a slow server must not hold up the exit.
        TransferCancellation.shared.cancel()
        wake.signal()
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
/// SIGHUP reloads the config and the templates; a bad new config keeps the old one.
final class Daemon {
    let context: Context
    let flags = SignalFlags()
    private var sources: [any DispatchSourceSignal] = []
    private let signalQueue = DispatchQueue(label: "mentor-notify.signals")

    init(context: Context) {
        self.context = context
    }

    /// Registers the signal sources before any work starts, so no signal is lost.
    private func installSignals() {
        for (number, action) in [(SIGTERM, flags.stop), (SIGINT, flags.stop), (SIGHUP, flags.requestReload)]
            as [(Int32, @Sendable () -> Void)]
        {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: signalQueue)
            source.setEventHandler(handler: action)
            source.resume()
            sources.append(source)
        }
    }

    func run() throws {
        installSignals()
        let logger = context.logger
        let systemd = SystemdNotifier(environment: context.environment)
        let store = try context.openStore()
        var cycle = try CycleCommands.makeCycle(context, store: store)
        logger.info(
            "daemon-start", ["pid": String(getpid()), "db": context.databasePath, "config": context.config.source])
        systemd.notify("READY=1\nSTATUS=starting first cycle\nMAINPID=\(getpid())")
        // A long delivery pass keeps the watchdog fed from inside (see Heartbeat).
        if systemd.watchdogInterval != nil {
            Heartbeat.shared.install { systemd.notify("WATCHDOG=1") }
        }
        defer { Heartbeat.shared.install(nil) }
        var failures = 0
        while !flags.shouldStop {
            if flags.takeReload() {
                do {
                    _ = try context.reloadConfig()
                    cycle = try CycleCommands.makeCycle(context, store: store)
                    logger.info("reloaded", ["config": context.config.source])
                    systemd.notify("STATUS=config reloaded")
                } catch {
                    logger.error("reload-failed", ["reason": CLI.describe(error).1, "kept": "previous config"])
                    systemd.notify("STATUS=reload failed; running with the previous config")
                }
                systemd.notify("READY=1")
            }
            let now = Int64(Date().timeIntervalSince1970)
            do {
                let report = try cycle.run(now: now, shouldStop: { [flags] in flags.shouldStop })
                failures = 0
                systemd.notify(
                    "STATUS=last cycle \(context.config.zone.iso8601(now)): sent \(report.delivery.sent), enqueued \(report.enqueued)"
                )
            } catch {
                failures += 1
                let (code, message) = CLI.describe(error)
                logger.error(
                    "cycle-failed", ["code": String(code.rawValue), "reason": message, "consecutive": String(failures)])
                systemd.notify("STATUS=cycle failed: \(message)")
            }
            systemd.notify("WATCHDOG=1")
            sleepUntilNextCycle(store: store, systemd: systemd, failures: failures)
        }
        systemd.notify("STOPPING=1\nSTATUS=stopping")
        logger.info("daemon-stop", ["pid": String(getpid())])
        for source in sources { source.cancel() }
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
