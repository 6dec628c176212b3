import Foundation
import Synchronization
import TestSupport
import Testing

@testable import HTTPServer

#if canImport(Glibc)
    import Glibc
#endif

/// Signals the test's handler has caught (an atomic add is safe in a signal handler).
private let signalsCaught = Atomic<Int>(0)

/// What the server does when the system says no: a signal during a blocking call, no descriptor
/// left for a new connection, a stop while requests are in flight.
@Suite(.serialized) struct ServerFailureTests {
    static let ok = HTTPResponse(status: 200, contentType: "text/plain", text: "ok")

    /// The environment variable that makes the EMFILE test's child half run.
    static let childVariable = "HTTP_SERVER_EMFILE_CHILD"

    /// A handler that counts, installed without SA_RESTART: a poll, or a send on a socket
    /// with a timeout, that the signal interrupts fails with EINTR.
    static func interruptingSignal() -> Int32 {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in signalsCaught.add(1, ordering: .relaxed) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGUSR2, &action, nil)
        return SIGUSR2
    }

    /// The length of the body of the answer `client` reads next (its head names it).
    static func bodyLength(_ client: Client) -> Int {
        var head = [UInt8]()
        var byte: UInt8 = 0
        while head.suffix(4) != Array("\r\n\r\n".utf8)[...], recv(client.fd, &byte, 1, 0) == 1 { head.append(byte) }
        let length =
            String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
            .first { $0.hasPrefix("Content-Length: ") }.flatMap { Int($0.dropFirst(16)) } ?? 0
        var received = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while received < length {
            let count = chunk.withUnsafeMutableBytes {
                recv(client.fd, $0.baseAddress, min($0.count, length - received), 0)
            }
            guard count > 0 else { break }
            received += count
        }
        return received
    }

    /// Signals while the connection waits for a request, while one arrives and while a large
    /// answer is written to a client that reads slowly: each EINTR is asked again, and the
    /// connection carries on whole.
    @Test func signalsDuringPollReadAndWriteCloseNoConnection() throws {
        let signal = Self.interruptingSignal()
        let connectionThread = Mutex<pthread_t?>(nil)
        // More than a client's and a server's socket buffers on loopback hold together.
        let big = 24 << 20
        let server = HTTPServer(socket: try HTTPServer.listen("127.0.0.1:0")) { request in
            // Threads here inherit a mask that blocks the signal; a daemon's may not.
            var unblocked = sigset_t()
            sigemptyset(&unblocked)
            sigaddset(&unblocked, signal)
            pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
            connectionThread.withLock { $0 = pthread_self() }
            guard request.path == "/big" else { return Self.ok }
            return HTTPResponse(status: 200, body: [UInt8](repeating: 120, count: big))
        }
        server.start()
        defer { server.stop() }
        let client = try Client(port: server.port)
        client.write("GET /a HTTP/1.1\r\n\r\n")
        #expect(client.read().contains("200 OK"))
        // The handler ran on the connection's thread: that thread is the one to interrupt.
        let thread = try #require(connectionThread.withLock { $0 })
        func interrupt() {
            for _ in 0..<50 {
                pthread_kill(thread, signal)
                usleep(2000)
            }
        }
        interrupt()
        client.write("GET /big HTTP/1.1\r\nHost: x")
        interrupt()
        client.write("\r\n\r\n")
        interrupt()
        #expect(Self.bodyLength(client) == big, "the answer was cut off")
        #expect(signalsCaught.load(ordering: .relaxed) > 0, "no signal reached the connection's thread")
        client.write("GET /after HTTP/1.1\r\nConnection: close\r\n\r\n")
        #expect(client.read().contains("200 OK"), "the connection did not survive the signals")
    }

    /// accept(2) failing with EINTR is asked again at once: no backoff, nothing logged.
    @Test func anInterruptedAcceptIsAskedAgainAtOnce() throws {
        let attempts = Atomic<Int>(0)
        let events = Mutex<[String]>([])
        let server = HTTPServer(
            socket: try HTTPServer.listen("127.0.0.1:0"), log: { event, _ in events.withLock { $0.append(event) } },
            accept: { listener in
                guard attempts.add(1, ordering: .relaxed).newValue > 3 else {
                    errno = EINTR
                    return -1
                }
                return Glibc.accept(listener, nil, nil)
            },
            handler: { _ in Self.ok })
        server.start()
        defer { server.stop() }
        let client = try Client(port: server.port)
        client.write("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
        #expect(client.read().contains("200 OK"))
        #expect(attempts.load(ordering: .relaxed) == 4)
        #expect(events.withLock { $0 }.isEmpty, "an interrupted accept was taken for a failing one")
    }

    /// With no descriptor free, accept fails with EMFILE and the listener stays readable. The
    /// loop backs off instead of spinning, says so once, and serves the waiting client as soon as
    /// descriptors are free again. The descriptor limit belongs to the whole process, so this
    /// runs in a child: the test binary again, running only the half below.
    @Test func anAcceptFailingWithEMFILEBacksOffLogsOnceAndResumes() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = [
            "--testing-library", "swift-testing", "--filter", "acceptFailingWithEMFILEInAProcessOfItsOwn",
        ]
        process.environment = ProcessInfo.processInfo.environment.merging([Self.childVariable: "1"]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        let report = text.components(separatedBy: "\n").first { $0.hasPrefix("emfile-child ") }
        #expect(report != nil, "the child ran no test: \(text)")
        print(report ?? "")
    }

    /// The child's half of the test above; it lowers and fills this process's descriptor table.
    @Test(.enabled(if: ProcessInfo.processInfo.environment[childVariable] != nil))
    func acceptFailingWithEMFILEInAProcessOfItsOwn() throws {
        let attempts = Atomic<Int>(0)
        let events = Mutex<[String]>([])
        let server = HTTPServer(
            socket: try HTTPServer.listen("127.0.0.1:0"), log: { event, _ in events.withLock { $0.append(event) } },
            accept: { listener in
                attempts.add(1, ordering: .relaxed)
                return Glibc.accept(listener, nil, nil)
            },
            handler: { _ in Self.ok })
        server.start()
        defer { server.stop(grace: 1) }
        // A low limit, so filling the table is quick; what is open already stays below it.
        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").compactMap(Int.init)
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        var lowered = limit
        lowered.rlim_cur = rlim_t((descriptors.max() ?? 0) + 64)
        try #require(setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &lowered) == 0)
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(client) }
        var fillers: [Int32] = []
        while case let filler = open("/dev/null", O_RDONLY), filler >= 0 { fillers.append(filler) }
        #expect(errno == EMFILE && !fillers.isEmpty)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(server.port).bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(connected == 0)
        let deadline = Date().addingTimeInterval(20)
        while !events.withLock({ $0.contains("http-accept-failing") }) && Date() < deadline { usleep(10_000) }
        #expect(events.withLock { $0 } == ["http-accept-failing"])
        let before = attempts.load(ordering: .relaxed)
        Thread.sleep(forTimeInterval: 1.5)
        let during = attempts.load(ordering: .relaxed) - before
        // Asking again at once makes hundreds of thousands of attempts in that time; backing off
        // from 10 ms to 1 s, about seven.
        #expect(during <= 20, "\(during) accept attempts while no descriptor was free")
        for filler in fillers { close(filler) }
        setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let request = Array("GET / HTTP/1.1\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var answer = [UInt8](repeating: 0, count: 4096)
        let count = answer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
        #expect(String(decoding: answer.prefix(max(count, 0)), as: UTF8.self).hasPrefix("HTTP/1.1 200"))
        #expect(events.withLock { $0 } == ["http-accept-failing", "http-accept-resumed"])
        print("emfile-child accept attempts in 1.5 s without descriptors: \(during); events: \(events.withLock { $0 })")
    }

    /// A server whose handler holds `/held` until `release` is signalled, telling `entered` when
    /// it has begun.
    static func holdingServer(
        entered: DispatchSemaphore, release: DispatchSemaphore, answered: @escaping @Sendable () -> Void = {}
    ) throws -> HTTPServer {
        // A request timeout far past the tests' deadlines: stop's grace, not it, must end the wait.
        let server = HTTPServer(socket: try HTTPServer.listen("127.0.0.1:0"), requestTimeout: 120) { request in
            guard request.path == "/held" else { return Self.ok }
            entered.signal()
            release.wait()
            answered()
            return Self.ok
        }
        server.start()
        return server
    }

    /// stop() refuses new connections at once, not when the accept thread next looks; then it
    /// waits for the request in flight, which is answered with `Connection: close`.
    @Test func stopRefusesNewConnectionsAtOnceAndWaitsForTheRequestInFlight() throws {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let stopped = DispatchSemaphore(value: 0)
        let order = Mutex<[String]>([])
        let server = try Self.holdingServer(entered: entered, release: release) {
            order.withLock { $0.append("answered") }
        }
        let port = server.port
        let idle = try Client(port: port)
        idle.write("GET /a HTTP/1.1\r\n\r\n")
        #expect(idle.read().contains("200 OK"))
        let held = try Client(port: port)
        held.write("GET /held HTTP/1.1\r\n\r\n")
        try #require(entered.wait(timeout: .now() + 20) == .success)
        Thread.detachNewThread {
            server.stop()
            order.withLock { $0.append("stopped") }
            stopped.signal()
        }
        // stop() closes idle connections: once this one is closed, stop has begun.
        #expect(idle.isClosed())
        let after = Loopback.connect(port: port)
        #expect(after == nil, "a new connection was taken after stop began")
        if let after { close(after) }
        #expect(
            stopped.wait(timeout: .now() + 0.5) == .timedOut, "stop returned while a request was still in its handler")
        release.signal()
        let answer = held.read()
        #expect(answer.contains("200 OK") && answer.contains("Connection: close"), "\(answer)")
        #expect(stopped.wait(timeout: .now() + 30) == .success)
        #expect(order.withLock { $0 } == ["answered", "stopped"])
        #expect(held.isClosed())
    }

    /// A connection accepted before the stop whose request arrives just after it is answered:
    /// only a connection idle *between* requests is closed at once (a webhook during a reload).
    @Test func aConnectionAcceptedBeforeStopHasItsFirstRequestAnswered() throws {
        let stopped = DispatchSemaphore(value: 0)
        let server = try Self.holdingServer(entered: DispatchSemaphore(value: 0), release: DispatchSemaphore(value: 1))
        let port = server.port
        let early = try Client(port: port)
        let deadline = Date().addingTimeInterval(20)
        while server.activeConnections == 0, Date() < deadline { usleep(10_000) }
        try #require(server.activeConnections == 1, "the connection was never taken in")
        Thread.detachNewThread {
            server.stop()
            stopped.signal()
        }
        // Once new connections are refused, stop has begun.
        while let probe = Loopback.connect(port: port), Date() < deadline { close(probe) }
        early.write("GET /a HTTP/1.1\r\n\r\n")
        let answer = early.read()
        #expect(answer.contains("200 OK") && answer.contains("Connection: close"), "\(answer)")
        #expect(stopped.wait(timeout: .now() + 30) == .success)
    }

    /// A listener systemd handed over is systemd's too: it must go on listening after stop, so
    /// that connections wait for the next process instead of being refused.
    @Test func stopLeavesASocketSystemdHandedOverListening() throws {
        let listener = try HTTPServer.listen("127.0.0.1:0")
        // systemd's own descriptor of the socket.
        let systemds = dup(listener)
        defer { close(systemds) }
        HTTPServer.handedOver.withLock { _ = $0.insert(listener) }
        defer { HTTPServer.handedOver.withLock { _ = $0.remove(listener) } }
        let server = HTTPServer(socket: listener) { _ in Self.ok }
        server.start()
        let port = server.port
        server.stop()
        let waiting = Loopback.connect(port: port)
        #expect(waiting != nil, "the socket systemd holds no longer listens")
        if let waiting { close(waiting) }
    }

    /// What the grace does not see finished is cut off: a request still arriving is closed, and
    /// stop() returns though a handler still runs.
    @Test func stopCutsOffWhatIsLeftAfterTheGrace() throws {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let stopped = DispatchSemaphore(value: 0)
        defer { release.signal() }
        let server = try Self.holdingServer(entered: entered, release: release)
        let held = try Client(port: server.port)
        held.write("GET /held HTTP/1.1\r\n\r\n")
        try #require(entered.wait(timeout: .now() + 20) == .success)
        let arriving = try Client(port: server.port)
        // Answered once, so it is being served and not still waiting in the listener's queue.
        arriving.write("GET /a HTTP/1.1\r\n\r\n")
        #expect(arriving.read().contains("200 OK"))
        arriving.write("GET /a HTTP/1.1\r\nHost: ")
        Thread.detachNewThread {
            server.stop(grace: 0.5)
            stopped.signal()
        }
        #expect(stopped.wait(timeout: .now() + 30) == .success, "stop waited past its grace")
        #expect(arriving.isClosed())
    }
}
