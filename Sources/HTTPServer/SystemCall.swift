#if canImport(Glibc)
    import Glibc
#endif

/// The errno of a failed system call, as swift-system's `Errno`: only what the server asks of it.
struct Errno: Error, Equatable {
    var rawValue: Int32

    /// The C library's text for it, e.g. "Too many open files".
    var reason: String { String(cString: strerror(rawValue)) }

    /// An `accept(2)` failure that belongs to one connection (it was reset or aborted before it was
    /// taken, or a network went away), not to the server: the next accept may well work at once.
    /// accept(2) asks for these to be retried like EAGAIN.
    var isOneConnections: Bool {
        let retried = [
            EAGAIN, EWOULDBLOCK, ECONNABORTED, EPROTO, ENETDOWN, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH,
            EOPNOTSUPP, ENETUNREACH, EPERM,
        ]
        return retried.contains(rawValue)
    }
}

/// Calls `body` (a system call returning -1 and setting errno on failure) again for as long as it
/// fails with EINTR, as swift-system's `valueOrErrno(retryOnInterrupt:)`: a signal that arrives
/// while a call waits says nothing about the socket, so it never ends a connection.
func retryingOnInterrupt<Value: FixedWidthInteger>(_ body: () -> Value) -> Result<Value, Errno> {
    while true {
        let value = body()
        guard value == -1 else { return .success(value) }
        let error = errno
        guard error == EINTR else { return .failure(Errno(rawValue: error)) }
    }
}

/// How long the accept loop waits after a failure that is the server's own (EMFILE, ENFILE,
/// ENOBUFS, ENOMEM: the listener stays readable, so asking again at once would spin), as
/// swift-nio's `AcceptBackoffHandler`: 10 ms, doubling to at most 1 s, back to none on success.
struct AcceptBackoff {
    static let first = 0.01
    static let longest = 1.0

    /// Failures in a row, 0 while accepting works.
    private(set) var failures = 0

    /// Counts a failure; the seconds to wait before the next accept.
    mutating func failed() -> Double {
        failures += 1
        return min(Self.first * Double(1 << min(failures - 1, 16)), Self.longest)
    }

    /// Counts a success; the failures in the streak it ends (0 when there was none).
    mutating func succeeded() -> Int {
        defer { failures = 0 }
        return failures
    }
}
