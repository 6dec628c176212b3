import Foundation
import TestSupport
import Testing

@testable import HTTPServer

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ParserTests {
    let parser = RequestParser()

    func parse(_ text: String) -> RequestParser.Result { parser.parse(Array(text.utf8)) }

    @Test func aRequestAndWhatFollowsIt() throws {
        let two = "POST /hooks/x?a=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET /healthz HTTP/1.1\r\n\r\n"
        guard case .request(let first, let consumed) = parse(two) else {
            Issue.record("not parsed")
            return
        }
        #expect(first.method == "POST" && first.path == "/hooks/x" && first.query == "a=1")
        #expect(first.body == Array("abc".utf8))
        #expect(first.header("host") == "h")
        guard case .request(let second, _) = parser.parse(Array(Array(two.utf8)[consumed...])) else {
            Issue.record("the pipelined request was lost")
            return
        }
        #expect(second.path == "/healthz")
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 20_000) + "\r\n\r\n", 431),
        ("POST / HTTP/1.1\r\nContent-Length: 100000000\r\n\r\n", 413),
        ("POST / HTTP/1.1\r\n\r\n", 411),
        ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411),
        ("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400),
        ("GET / HTTP/2.0\r\n\r\n", 505),
        ("get / HTTP/1.1\r\n\r\n", 400),
        ("GET http://x/ HTTP/1.1\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\n folded: x\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", 400),
        ("GET / HTTP/1.1\r\nX: a\u{1}b\r\n\r\n", 400),
        ("\u{0}\u{1}\u{2}garbage\r\n\r\n", 400),
        // A bare LF is refused where it stands: a head ended by bare LFs never waits for the timeout.
        ("GET / HTTP/1.1\n\n", 400),
        ("GET / HTTP/1.1\r\nHost: x\n\r\n", 400),
        ("GET / HTTP/1.1\n", 400),
    ])
    func refusals(_ text: String, status: Int) {
        #expect(parse(text) == .refused(status))
    }

    /// Form bodies (Twilio's webhooks) and queries: `+` is a space, escapes decode, a broken escape
    /// stays as written, and no more than the limit of pairs is read.
    @Test func formFields() {
        let fields = HTTPForm.fields(Array("a=1&b=x+y&c=%E2%9C%93&d=%ZZ&e&=f".utf8))
        #expect(fields.map(\.0) == ["a", "b", "c", "d", "e", ""])
        #expect(fields.map(\.1) == ["1", "x y", "✓", "%ZZ", "", "f"])
        let many = Array(repeating: "x=1", count: 1000).joined(separator: "&")
        #expect(HTTPForm.fields(Array(many.utf8)).count == 100)
    }

    @Test func aRequestSplitAtEveryByteIsIncompleteUntilItsLastByte() {
        let bytes = Array("POST /u/t HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello".utf8)
        for end in 0..<bytes.count { #expect(parser.parse(Array(bytes[0..<end])) == .incomplete, "\(end)") }
        guard case .request(let request, let consumed) = parser.parse(bytes) else {
            Issue.record("not parsed whole")
            return
        }
        #expect(consumed == bytes.count && request.body == Array("hello".utf8))
    }

    /// The head is read as it arrives: fed a byte at a time, pipelined requests come out as they
    /// do from the bytes at once.
    @Test func aConnectionFedAByteAtATimeReadsWhatItReadsAtOnce() {
        let bytes = Array(
            ("POST /hooks/x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /healthz HTTP/1.1\r\nX: " + String(repeating: "y", count: 16_000) + "\r\n\r\n").utf8)
        var whole = RequestReader()
        whole.append(bytes)
        var atOnce: [HTTPRequest] = []
        while case .request(let request, _) = whole.next() { atOnce.append(request) }
        var reader = RequestReader()
        var trickled: [HTTPRequest] = []
        for byte in bytes {
            reader.append([byte])
            while case .request(let request, _) = reader.next() { trickled.append(request) }
        }
        #expect(atOnce.count == 2 && trickled == atOnce)
        #expect(reader.isIdle && trickled.last?.header("x")?.count == 16_000)
    }

    @Test func closing() throws {
        guard case .request(let old, _) = parse("GET / HTTP/1.0\r\n\r\n"),
            case .request(let close, _) = parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"),
            case .request(let keep, _) = parse("GET / HTTP/1.1\r\n\r\n")
        else {
            Issue.record("not parsed")
            return
        }
        #expect(old.closes && close.closes && !keep.closes)
    }
}

/// A plain TCP client for the tests.
final class Client {
    let fd: Int32

    init(port: Int) throws {
        guard let connected = Loopback.connect(port: port) else { throw POSIXError(.ECONNREFUSED) }
        fd = connected
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    @discardableResult
    func write(_ text: String) -> Bool { write(Array(text.utf8)) }

    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    /// Everything until the server closes or `count` responses have come.
    func read(responses count: Int = 1) -> String {
        var data = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while String(decoding: data, as: UTF8.self).components(separatedBy: "HTTP/1.1 ").count - 1 < count
            || !complete(data, count)
        {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            data += chunk[0..<n]
        }
        return String(decoding: data, as: UTF8.self)
    }

    private func complete(_ data: [UInt8], _ count: Int) -> Bool {
        let text = String(decoding: data, as: UTF8.self)
        let responses = text.components(separatedBy: "HTTP/1.1 ").dropFirst()
        guard responses.count >= count, let last = responses.last, let headEnd = last.range(of: "\r\n\r\n") else {
            return false
        }
        let length =
            last.components(separatedBy: "\r\n").first { $0.hasPrefix("Content-Length: ") }
            .flatMap { Int($0.dropFirst(16)) } ?? 0
        return last[headEnd.upperBound...].utf8.count >= length
    }

    /// True when the server has closed the connection.
    /// The server closed the connection: an orderly end, or a reset (a close with bytes still
    /// unread in the server's buffer is sent as RST, depending on when its thread last read).
    func isClosed() -> Bool {
        var byte: UInt8 = 0
        let count = recv(fd, &byte, 1, 0)
        return count == 0 || (count < 0 && errno == ECONNRESET)
    }
}

@Suite(.serialized) struct ServerTests {
    static func server(maxConnections: Int = 64, timeout: Double = 10) throws -> HTTPServer {
        let socket = try HTTPServer.listen("127.0.0.1:0")
        let server = HTTPServer(socket: socket, maxConnections: maxConnections, requestTimeout: timeout) { request in
            if request.path == "/slow" { Thread.sleep(forTimeInterval: 2) }
            return HTTPResponse(
                status: 200, contentType: "text/plain", text: "\(request.method) \(request.path) \(request.body.count)")
        }
        server.start()
        return server
    }

    @Test func keepAliveServesSeveralRequestsAndCloseCloses() throws {
        let server = try Self.server()
        defer { server.stop() }
        let client = try Client(port: server.port)
        client.write("GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi")
        let answers = client.read(responses: 2)
        #expect(answers.contains("GET /a 0") && answers.contains("POST /b 2"), "\(answers)")
        client.write("GET /c HTTP/1.1\r\nConnection: close\r\n\r\n")
        let last = client.read()
        #expect(last.contains("Connection: close") && last.contains("GET /c 0"))
        #expect(client.isClosed())
    }

    /// A HEAD answer announces its length and sends no body: a body sent would be read as the start
    /// of the next response on the connection.
    @Test func aHeadAnswerHasNoBodyAndTheNextRequestOnTheConnectionIsRead() throws {
        let server = try Self.server()
        defer { server.stop() }
        let client = try Client(port: server.port)
        client.write("HEAD /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nConnection: close\r\n\r\n")
        var answers = ""
        while !answers.contains("GET /b 0") {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(client.fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            answers += String(decoding: chunk[0..<n], as: UTF8.self)
        }
        let responses = answers.components(separatedBy: "HTTP/1.1 200 OK").dropFirst()
        #expect(responses.count == 2, "\(answers)")
        #expect(responses.first?.hasSuffix("\r\n\r\n") == true && !answers.contains("HEAD /a"), "\(answers)")
        #expect(responses.first?.contains("Content-Length: 9") == true, "\(answers)")
    }

    @Test func aHugeHeadAHugeBodyAndGarbageAreRefusedAndClosed() throws {
        let server = try Self.server()
        defer { server.stop() }
        let head = try Client(port: server.port)
        head.write("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 1 << 20) + "\r\n\r\n")
        #expect(head.read().hasPrefix("HTTP/1.1 431"))
        let body = try Client(port: server.port)
        body.write("POST / HTTP/1.1\r\nContent-Length: 104857600\r\n\r\nxxxx")
        #expect(body.read().hasPrefix("HTTP/1.1 413"))
        let garbage = try Client(port: server.port)
        garbage.write([0, 1, 2, 255, 13, 10, 13, 10])
        #expect(garbage.read().hasPrefix("HTTP/1.1 400"))
        #expect(garbage.isClosed())
    }

    @Test func aClientThatSendsOneByteASecondGets408() throws {
        let server = try Self.server(timeout: 2)
        defer { server.stop() }
        let client = try Client(port: server.port)
        let started = Date()
        for byte in "GET / HTTP/1.1\r\n".utf8 {
            guard client.write([byte]) else { break }
            Thread.sleep(forTimeInterval: 0.5)
            if Date().timeIntervalSince(started) > 4 { break }
        }
        let answer = client.read()
        #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer)")
        // Idle keep-alive connections are closed without an answer.
        let idle = try Client(port: server.port)
        Thread.sleep(forTimeInterval: 2.5)
        #expect(idle.isClosed())
    }

    @Test func connectionsBeyondTheCapAre503AndTheRestAreServed() throws {
        let server = try Self.server(maxConnections: 8)
        defer { server.stop() }
        // Eight slow requests hold every slot; the ninth connection is refused at once.
        var holders: [Client] = []
        for _ in 0..<8 {
            let client = try Client(port: server.port)
            client.write("GET /slow HTTP/1.1\r\n\r\n")
            holders.append(client)
        }
        Thread.sleep(forTimeInterval: 0.3)
        let extra = try Client(port: server.port)
        #expect(extra.read().hasPrefix("HTTP/1.1 503"))
        for holder in holders { #expect(holder.read().contains("GET /slow 0")) }
        #expect(server.connectionsRefusedForCap >= 1)
    }

    /// A head ended by bare LFs is answered 400 at once, not when the 10 s timeout runs out.
    @Test func aHeadEndedByBareLFsIsAnswered400AtOnce() throws {
        let server = try Self.server(timeout: 10)
        defer { server.stop() }
        let client = try Client(port: server.port)
        var wait = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(client.fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        client.write("GET / HTTP/1.1\nHost: x\n\n")
        let answer = client.read()
        #expect(answer.hasPrefix("HTTP/1.1 400"), "no answer within 3 s: \(answer)")
    }

    /// Every connection taken by idle keep-alive clients: a new one gets in by closing the one idle
    /// longest; the others are kept.
    @Test func whenEveryConnectionIsTakenTheLongestIdleIsClosedForANewOne() throws {
        let server = try Self.server(maxConnections: 4)
        defer { server.stop() }
        var idle: [Client] = []
        for index in 0..<4 {
            let client = try Client(port: server.port)
            client.write("GET /\(index) HTTP/1.1\r\n\r\n")
            #expect(client.read().contains("GET /\(index) 0"))
            idle.append(client)
            usleep(20_000)
        }
        let newcomer = try Client(port: server.port)
        newcomer.write("GET /new HTTP/1.1\r\n\r\n")
        #expect(newcomer.read().contains("GET /new 0"))
        #expect(idle[0].isClosed(), "the connection idle longest was not the one closed")
        idle[1].write("GET /again HTTP/1.1\r\n\r\n")
        #expect(idle[1].read().contains("GET /again 0"))
        #expect(server.connectionsEvictedForCap >= 1 && server.connectionsRefusedForCap == 0)
    }

    /// Slowloris: every connection holds a request begun and never finished (a byte now and then,
    /// each within the request timeout). A gateway must still get in: the request that has been
    /// arriving longest is closed for it, as an idle one would be.
    @Test func whenEveryConnectionHoldsAnUnfinishedRequestTheSlowestIsClosedForANewOne() throws {
        let server = try Self.server(maxConnections: 4)
        defer { server.stop() }
        var slow: [Client] = []
        for index in 0..<4 {
            let client = try Client(port: server.port)
            client.write("GET /\(index) HTTP/1.1\r\nX-Slow: ")
            slow.append(client)
            usleep(20_000)
        }
        Thread.sleep(forTimeInterval: 1.5)
        let gateway = try Client(port: server.port)
        gateway.write("GET /new HTTP/1.1\r\n\r\n")
        #expect(gateway.read().contains("GET /new 0"))
        #expect(slow[0].isClosed(), "the request arriving longest was not the one closed")
        slow[3].write("1\r\n\r\n")
        #expect(slow[3].read().contains("GET /3 0"))
    }

    /// `stop` closes the listener, answers the request in progress (and closes its connection),
    /// closes idle ones, and returns once they are done.
    @Test func stopClosesTheListenerAndDrains() throws {
        let server = try Self.server()
        let port = server.port
        let idle = try Client(port: port)
        let slow = try Client(port: port)
        slow.write("GET /slow HTTP/1.1\r\n\r\n")
        usleep(300_000)
        server.stop()
        #expect(server.activeConnections == 0)
        let answer = slow.read()
        #expect(answer.contains("GET /slow 0") && answer.contains("Connection: close"), "\(answer)")
        #expect(idle.isClosed() && slow.isClosed())
        let after = Loopback.connect(port: port)
        #expect(after == nil, "the listener is still open")
        if let after { close(after) }
    }

    @Test func fiveHundredConnectionsAtOnceLeaveTheServerWorking() throws {
        let server = try Self.server()
        defer { server.stop() }
        var clients: [Client] = []
        for _ in 0..<500 { if let client = try? Client(port: server.port) { clients.append(client) } }
        #expect(clients.count > 400)
        clients.removeAll()
        Thread.sleep(forTimeInterval: 0.5)
        let client = try Client(port: server.port)
        client.write("GET /after HTTP/1.1\r\n\r\n")
        #expect(client.read().contains("GET /after 0"))
    }
}
