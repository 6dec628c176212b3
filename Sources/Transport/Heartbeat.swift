import Dispatch
import Synchronization

/// Tells a supervisor (systemd's watchdog) that delivery is alive while a long pass runs: after each
/// message, and from libcurl's progress callback, which runs at least once a second during a transfer.
/// A pass of thousands of messages to a slow relay outlasts `WatchdogSec` many times over; without
/// this the watchdog would kill a daemon that is working.
///
/// Handed to whoever does long work (the daemon → the cycle → delivery → transports, whose libcurl
/// callback reaches it through the transfer's context). `beat()` costs a clock read; at most one
/// beat a second reaches the handler.
public final class Heartbeat: Sendable {
    public init() {}

    private let handler = Mutex<(@Sendable () -> Void)?>(nil)
    /// Uptime nanoseconds of the last beat passed on.
    private let last = Atomic<UInt64>(0)

    /// Sets (or with nil, removes) what a beat does.
    public func install(_ handler: (@Sendable () -> Void)?) {
        self.handler.withLock { $0 = handler }
    }

    public func beat() {
        let now = DispatchTime.now().uptimeNanoseconds
        let previous = last.load(ordering: .relaxed)
        guard now &- previous >= 1_000_000_000,
            last.compareExchange(expected: previous, desired: now, ordering: .relaxed).exchanged
        else { return }
        handler.withLock { $0 }?()
    }
}
