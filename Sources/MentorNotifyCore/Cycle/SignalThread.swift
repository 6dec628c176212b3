import Foundation
import Synchronization

/// The write end of the pipe the signal handler writes to (-1 before `SignalThread.start`).
private let signalPipeWriteEnd = Atomic<Int32>(-1)

/// SIGTERM, SIGINT and SIGHUP for the daemon, on a plain thread of its own, never on Dispatch.
///
/// Why not `DispatchSource.makeSignalSource`: a source needs Dispatch's manager thread and runs its
/// handler on a worker thread, and every such thread starts with `setpriority(2)` (libdispatch
/// maps its QoS to a nice value, queue.c `_dispatch_worker_thread`). The unit's
/// `SystemCallFilter=~@resources` refuses that call, so each start, reload and stop wrote
/// "Failed to set thread priority for worker thread … errno=1" to the journal. A handler that
/// writes the signal's number to a pipe (async-signal-safe) and a thread that reads it need none.
enum SignalThread {
    static let signals: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    /// Installs the handlers and starts the thread that calls `action` with each signal's number.
    /// The calling thread, and every thread it starts afterwards, keeps these signals blocked, so
    /// they arrive on the signal thread alone and interrupt no system call of the daemon's work.
    static func start(_ action: @escaping @Sendable (Int32) -> Void) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            // No descriptors left at start: the defaults stay (a signal ends the process).
            return
        }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        signalPipeWriteEnd.store(ends[1], ordering: .releasing)
        let readEnd = ends[0]
        for number in signals {
            signal(number) { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(signalPipeWriteEnd.load(ordering: .acquiring), &byte, 1)
            }
        }
        var set = sigset_t()
        sigemptyset(&set)
        for number in signals { sigaddset(&set, number) }
        // Blocked here before the thread exists, so it inherits the mask and unblocks them itself;
        // a signal in between stays pending and is delivered then.
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let blocked = set
        let thread = Thread {
            var mine = blocked
            // A parent may have started us with them blocked (the mask survives exec;
            // systemd-socket-activate does it): unblocked here, or they would stay pending.
            pthread_sigmask(SIG_UNBLOCK, &mine, nil)
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count == 1 {
                    action(Int32(byte))
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
        thread.name = "signals"
        thread.start()
    }
}
