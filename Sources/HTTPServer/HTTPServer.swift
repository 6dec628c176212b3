import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP/1.1 server on POSIX sockets: one accept thread, one thread per connection (at
/// most `maxConnections`: a new one closes the connection idle longest between requests, else the
/// one whose request has been arriving longest, and is answered 503 only when every one is in a
/// handler or began its request within the last second), keep-alive, a deadline per request
/// (10 s: a client that sends one byte a second is cut off with 408), strict parsing with limits.
/// It never touches the delivery pass: handlers read the store and return.
public final class HTTPServer: Sendable {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    public struct ListenError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    let socket: Int32
    let handler: Handler
    let limits: RequestParser.Limits
    public let maxConnections: Int
    /// Seconds a request may take to arrive whole (and an idle keep-alive connection may wait).
    public let requestTimeout: Double
    private let connections = Mutex(Connections())
    private let stopped = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)
    /// The accept thread and the connections' threads, for `stop` to wait for.
    private let running = DispatchGroup()
    /// Connections refused for the cap (every one busy with a request), for tests and metrics.
    private let refusedForCap = Atomic<Int>(0)
    private let evicted = Atomic<Int>(0)
    /// Signalled by `stop` to cut an accept backoff short.
    private let wake = DispatchSemaphore(value: 0)
    /// `accept(2)` on the listener: a seam for tests that count the attempts.
    let acceptCall: @Sendable (Int32) -> Int32
    /// Where a streak of accept failures is reported, once when it begins and once when it ends.
    let log: Log

    /// An event (`http-accept-failing`, `http-accept-resumed`) and what to say about it.
    public typealias Log = @Sendable (_ event: String, _ detail: String) -> Void

    public convenience init(
        socket: Int32, limits: RequestParser.Limits = RequestParser.Limits(), maxConnections: Int = 64,
        requestTimeout: Double = 10, log: @escaping Log = { _, _ in }, handler: @escaping Handler
    ) {
        self.init(
            socket: socket, limits: limits, maxConnections: maxConnections, requestTimeout: requestTimeout, log: log,
            accept: { Glibc.accept($0, nil, nil) }, handler: handler)
    }

    init(
        socket: Int32, limits: RequestParser.Limits = RequestParser.Limits(), maxConnections: Int = 64,
        requestTimeout: Double = 10, log: @escaping Log = { _, _ in }, accept: @escaping @Sendable (Int32) -> Int32,
        handler: @escaping Handler
    ) {
        self.socket = socket
        self.handler = handler
        self.limits = limits
        self.maxConnections = maxConnections
        self.requestTimeout = requestTimeout
        self.log = log
        self.acceptCall = accept
    }

    /// A listening TCP socket on `address` (`127.0.0.1:8480`, `[::1]:8480`, `0.0.0.0:8480`).
    public static func listen(_ address: String) throws(ListenError) -> Int32 {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            throw ListenError(description: "'\(address)' is not HOST:PORT, e.g. 127.0.0.1:8480")
        }
        var host = String(address[..<colon])
        let v6 = host.hasPrefix("[")
        if v6 { host = String(host.dropFirst().dropLast()) }
        let fd = Glibc.socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            throw ListenError(description: "cannot create a socket: \(String(cString: strerror(errno)))")
        }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var parsed = true
        var result: Int32 = -1
        if v6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            parsed = inet_pton(AF_INET6, host, &address.sin6_addr) == 1
            if parsed { result = bindTo(fd, &address) }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            parsed = inet_pton(AF_INET, host, &address.sin_addr) == 1
            if parsed { result = bindTo(fd, &address) }
        }
        guard parsed else {
            close(fd)
            throw ListenError(description: "'\(host)' is not an IP address; write e.g. 127.0.0.1:8480 or [::1]:8480")
        }
        guard result == 0, Glibc.listen(fd, 128) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ListenError(description: "cannot listen on \(address): \(reason)")
        }
        return fd
    }

    /// `bind` with a sockaddr_in or sockaddr_in6.
    private static func bindTo<Address>(_ fd: Int32, _ address: inout Address) -> Int32 {
        withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<Address>.size))
            }
        }
    }

    /// The socket systemd handed over (`LISTEN_FDS`, `LISTEN_PID`; sd_listen_fds(3)), if any.
    public static func systemdSocket(environment: [String: String]) -> Int32? {
        guard let pid = environment["LISTEN_PID"].flatMap(Int32.init), pid == getpid(),
            let count = environment["LISTEN_FDS"].flatMap(Int.init), count >= 1
        else { return nil }
        handedOver.withLock { _ = $0.insert(3) }
        return 3
    }

    /// Listening sockets that systemd handed over. systemd holds the same socket and keeps it
    /// listening across our restarts, queueing connections for the next process: `stop` closes
    /// only our descriptor of it and never shuts it down.
    static let handedOver = Mutex<Set<Int32>>([])

    /// The port the socket is bound to.
    public var port: Int {
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        if Int32(address.ss_family) == AF_INET6 {
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    public var activeConnections: Int { connections.withLock { $0.open.count } }
    public var connectionsRefusedForCap: Int { refusedForCap.load(ordering: .relaxed) }
    /// Idle keep-alive connections closed to let a new one in, for tests and metrics.
    public var connectionsEvictedForCap: Int { evicted.load(ordering: .relaxed) }

    /// Starts accepting on a thread of its own.
    public func start() {
        // Once stopped, the listener is closed (or being closed): it is not served again.
        guard !stopped.load(ordering: .acquiring) else { return }
        started.store(true, ordering: .releasing)
        running.enter()
        let thread = Thread { [self] in
            acceptLoop()
            running.leave()
        }
        thread.name = "http-accept"
        thread.start()
    }

    /// Stops accepting and closes the listening socket; idle keep-alive connections are closed,
    /// the requests in progress are answered (`Connection: close`). Returns when every connection
    /// is done; after `grace` seconds (the request timeout by default) what is left is cut off.
    public func stop(grace: Double? = nil) {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        if started.load(ordering: .acquiring) {
            // New connections are refused from here on, not when the accept thread next looks:
            // shutting a listener down stops it listening and wakes a poll or accept waiting on
            // it. The accept thread closes the descriptor, so that no other file takes its number
            // while the thread still uses it.
            if !Self.handedOver.withLock({ $0.contains(socket) }) { shutdown(socket, Int32(SHUT_RDWR)) }
            wake.signal()
        } else {
            closeListener()
        }
        connections.withLock { table in
            // Idle between requests, not new: a connection accepted a moment ago may be carrying a
            // request its client has sent, and it is answered within the grace like one in progress.
            for (fd, connection) in table.open where connection.idleSince != nil && connection.answered {
                shutdown(fd, Int32(SHUT_RDWR))
            }
        }
        guard running.wait(timeout: .now() + (grace ?? requestTimeout)) == .timedOut else { return }
        // A request still arriving (or a handler still running) is not waited for any longer:
        // shutting its connection down wakes its thread, which closes it.
        connections.withLock { table in
            for fd in table.open.keys { shutdown(fd, Int32(SHUT_RDWR)) }
        }
        _ = running.wait(timeout: .now() + 1)
    }

    /// The connections being served: when each became idle between requests, or began to receive
    /// the request it is reading (both nil while a handler answers it), and whether it has had a
    /// request answered (only then is it idle *between* requests).
    struct Connections {
        var open: [Int32: (idleSince: Double?, readingSince: Double?, sequence: Int, answered: Bool)] = [:]
        var sequence = 0
    }

    /// What a connection is doing, for `admit` to choose one to close.
    private enum Activity {
        case idle, reading, handling
    }

    /// A request that has been arriving for less than this is a client sending, not holding a slot.
    static let slowRequestSeconds = 1.0

    private func acceptLoop() {
        var backoff = AcceptBackoff()
        while !stopped.load(ordering: .acquiring) {
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            if case .success(0) = retryingOnInterrupt({ poll(&poller, 1, 200) }) { continue }
            // A listener systemd handed over is not shut down by `stop`, so it stays readable:
            // accepting after a stop would take a connection that is then never answered.
            guard !stopped.load(ordering: .acquiring) else { break }
            switch retryingOnInterrupt({ acceptCall(socket) }) {
            case .success(let client):
                let failures = backoff.succeeded()
                if failures > 0 { log("http-accept-resumed", "after \(failures) failed accepts") }
                take(client)
            case .failure(let error) where error.isOneConnections:
                continue
            case .failure(let error):
                guard !stopped.load(ordering: .acquiring) else { break }
                // The listener stays readable while, e.g., no descriptor is free: asking again at
                // once would spin. One line for the streak, not one per attempt.
                let delay = backoff.failed()
                if backoff.failures == 1 {
                    log(
                        "http-accept-failing",
                        "\(error.reason) (errno \(error.rawValue)); retrying after 10 ms, doubling to 1 s")
                }
                _ = wake.wait(timeout: .now() + delay)
            }
        }
        closeListener()
    }

    /// Closes our descriptor of the listener; its number may be taken by any file from here on.
    private func closeListener() {
        Self.handedOver.withLock { _ = $0.remove(socket) }
        close(socket)
    }

    /// Serves an accepted connection on a thread of its own, or answers 503 at the cap.
    private func take(_ client: Int32) {
        // Not inherited by anything the daemon might start.
        _ = fcntl(client, F_SETFD, FD_CLOEXEC)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard admit(client) else {
            refusedForCap.add(1, ordering: .relaxed)
            send(client, HTTPResponse.refusal(503).serialized(close: true))
            close(client)
            return
        }
        running.enter()
        let thread = Thread { [self] in
            serve(client)
            connections.withLock { _ = $0.open.removeValue(forKey: client) }
            close(client)
            running.leave()
        }
        thread.stackSize = 256 * 1024
        thread.start()
    }

    /// Takes `client` in, closing the connection idle longest between requests when every slot is
    /// taken, else the one whose request has been arriving longest (slowloris: a byte now and then
    /// keeps a request within its deadline): a gateway still gets in while someone holds every
    /// connection open. False when all are in a handler or began their request just now.
    private func admit(_ client: Int32) -> Bool {
        connections.withLock { table in
            let now = Date().timeIntervalSinceReferenceDate
            if table.open.count >= maxConnections {
                let idle = table.open.compactMap { entry in
                    entry.value.idleSince.map { (entry.key, $0, entry.value.sequence) }
                }
                let slow = table.open.compactMap { entry in
                    entry.value.readingSince.flatMap {
                        now - $0 >= HTTPServer.slowRequestSeconds ? (entry.key, $0, entry.value.sequence) : nil
                    }
                }
                guard
                    let victim = (idle.isEmpty ? slow : idle).min(by: { ($0.1, $0.2) < ($1.1, $1.2) })
                else { return false }
                // Its thread wakes to a closed connection; it closes the descriptor itself.
                table.open.removeValue(forKey: victim.0)
                shutdown(victim.0, Int32(SHUT_RDWR))
                evicted.add(1, ordering: .relaxed)
            }
            table.sequence += 1
            table.open[client] = (now, nil, table.sequence, false)
            return true
        }
    }

    /// Marks what `client` is doing, keeping the time it began; false when it was closed to let
    /// another in.
    private func mark(_ client: Int32, _ activity: Activity) -> Bool {
        connections.withLock { table in
            guard var entry = table.open[client] else { return false }
            let now = Date().timeIntervalSinceReferenceDate
            switch activity {
            case .idle: (entry.idleSince, entry.readingSince) = (entry.idleSince ?? now, nil)
            case .reading: (entry.idleSince, entry.readingSince) = (nil, entry.readingSince ?? now)
            case .handling: (entry.idleSince, entry.readingSince, entry.answered) = (nil, nil, true)
            }
            table.open[client] = entry
            return true
        }
    }

    /// One connection: requests until the client closes, asks to, or breaks a rule.
    private func serve(_ client: Int32) {
        var reader = RequestReader(limits: limits)
        var answered = false
        var deadline = Date().addingTimeInterval(requestTimeout)
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            switch reader.next() {
            case .request(let request, _):
                guard mark(client, .handling) else { return }
                let answer = handler(request)
                // Asked after the handler: a stop while it ran closes the connection with this answer.
                let close = request.closes || stopped.load(ordering: .acquiring)
                let response = answer.serialized(close: close, head: request.method == "HEAD")
                guard send(client, response), !close else { return }
                answered = true
                deadline = Date().addingTimeInterval(requestTimeout)
                continue
            case .refused(let status):
                send(client, HTTPResponse.refusal(status).serialized(close: true))
                return
            case .incomplete:
                break
            }
            guard mark(client, reader.isIdle ? .idle : .reading) else { return }
            // A new connection's first request may still be on its way: it gets the grace.
            if reader.isIdle && answered && stopped.load(ordering: .acquiring) { return }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else {
                // A request begun and not finished in time: 408. An idle keep-alive: just close.
                if !reader.isIdle { send(client, HTTPResponse.refusal(408).serialized(close: true)) }
                return
            }
            var poller = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            switch retryingOnInterrupt({ poll(&poller, 1, Int32(min(remaining * 1000, 1000)) + 1) }) {
            case .success(0): continue
            case .success: break
            case .failure: return
            }
            switch retryingOnInterrupt({ chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) } }) {
            case .success(0): return
            case .success(let count): reader.append(chunk[0..<count])
            case .failure(let error) where error.rawValue == EAGAIN: continue
            case .failure: return
            }
        }
    }

    /// Writes everything or reports failure (a client that stops reading times out after 10 s).
    @discardableResult
    private func send(_ client: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = retryingOnInterrupt {
                bytes.withUnsafeBytes {
                    Glibc.send(client, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                }
            }
            guard case .success(let count) = written, count > 0 else { return false }
            offset += count
        }
        return true
    }
}
