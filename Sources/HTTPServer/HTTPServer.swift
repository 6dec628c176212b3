import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A small HTTP/1.1 server on POSIX sockets: one accept thread, one thread per connection (at
/// most `maxConnections`; more are answered 503 and closed), keep-alive, a deadline per request
/// (10 s: a client that sends one byte a second is cut off with 408), strict parsing with limits.
/// It never touches the delivery pass: handlers read the store and return.
public final class HTTPServer: Sendable {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    public struct ListenError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    let socket: Int32
    let handler: Handler
    let parser: RequestParser
    public let maxConnections: Int
    /// Seconds a request may take to arrive whole (and an idle keep-alive connection may wait).
    public let requestTimeout: Double
    private let active = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    /// Connections served so far and refused for the cap, for tests and metrics.
    private let refusedForCap = Atomic<Int>(0)

    public init(
        socket: Int32, limits: RequestParser.Limits = RequestParser.Limits(), maxConnections: Int = 64,
        requestTimeout: Double = 10, handler: @escaping Handler
    ) {
        self.socket = socket
        self.handler = handler
        self.parser = RequestParser(limits: limits)
        self.maxConnections = maxConnections
        self.requestTimeout = requestTimeout
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
        return 3
    }

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

    public var activeConnections: Int { active.load(ordering: .relaxed) }
    public var connectionsRefusedForCap: Int { refusedForCap.load(ordering: .relaxed) }

    /// Starts accepting on a thread of its own.
    public func start() {
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "http-accept"
        thread.start()
    }

    /// Stops accepting; connections in progress finish their current request.
    public func stop() {
        stopped.store(true, ordering: .releasing)
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .acquiring) {
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 200) > 0 else { continue }
            let client = accept(socket, nil, nil)
            guard client >= 0 else { continue }
            // Not inherited by anything the daemon might start.
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            guard active.add(1, ordering: .relaxed).newValue <= maxConnections else {
                active.subtract(1, ordering: .relaxed)
                refusedForCap.add(1, ordering: .relaxed)
                send(client, HTTPResponse.refusal(503).serialized(close: true))
                close(client)
                continue
            }
            let thread = Thread { [self] in
                serve(client)
                close(client)
                active.subtract(1, ordering: .relaxed)
            }
            thread.stackSize = 256 * 1024
            thread.start()
        }
    }

    /// One connection: requests until the client closes, asks to, or breaks a rule.
    private func serve(_ client: Int32) {
        var buffer: [UInt8] = []
        var deadline = Date().addingTimeInterval(requestTimeout)
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            switch parser.parse(buffer) {
            case .request(let request, let consumed):
                buffer.removeFirst(consumed)
                let close = request.closes || stopped.load(ordering: .acquiring)
                let response = handler(request).serialized(close: close, head: request.method == "HEAD")
                guard send(client, response), !close else { return }
                deadline = Date().addingTimeInterval(requestTimeout)
                continue
            case .refused(let status):
                send(client, HTTPResponse.refusal(status).serialized(close: true))
                return
            case .incomplete:
                break
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else {
                // A request begun and not finished in time: 408. An idle keep-alive: just close.
                if !buffer.isEmpty { send(client, HTTPResponse.refusal(408).serialized(close: true)) }
                return
            }
            var poller = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining * 1000, 1000)) + 1)
            if ready == 0 { continue }
            guard ready > 0 else { return }
            let count = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }

    /// Writes everything or reports failure (a client that stops reading times out after 10 s).
    @discardableResult
    private func send(_ client: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                Glibc.send(client, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}
