import Foundation
import TestSupport
import Testing

/// SIGHUP rebuilds every part `run` runs from the new config — the cycle, the mailbox poller and
/// the web endpoint with the socket it listens on — or, when the new config cannot be built,
/// keeps them all as they were.
@Suite(.serialized) struct ReloadTests {
    /// The daemon on `cli`'s config, once it said READY.
    func started(_ cli: CLIHarness) throws -> (DaemonTests.Daemon, DaemonTests.NotifySocket) {
        #expect(try cli.run(["init"]).code == 0)
        let notify = try DaemonTests.NotifySocket(folder: cli.folder)
        let daemon = try DaemonTests.Daemon(cli, socket: notify.path)
        #expect(notify.read(for: 15) { $0.contains("READY=1") }.contains { $0.contains("READY=1") })
        return (daemon, notify)
    }

    /// SIGHUP, then what the daemon said about it: `config reloaded` or `reload failed`.
    func reload(_ daemon: DaemonTests.Daemon, _ notify: DaemonTests.NotifySocket) -> [String] {
        kill(daemon.process.processIdentifier, SIGHUP)
        return notify.read(for: 10) { $0.contains("config reloaded") || $0.contains("reload failed") }
    }

    /// A delivery report for no message we sent: answered 200 once its signature holds.
    static let report = #"{"id": 1, "status": "DELIVERED", "userref": "99999"}"#

    static func hook(_ port: Int) -> String { "http://127.0.0.1:\(port)/hooks/gatewayapi/status" }

    /// A new `http.listen` is served from the reload on, with the new secret, and the old address
    /// is closed: the endpoint is rebuilt from the new config, its socket too.
    @Test func aNewListenAddressIsServedAfterSIGHUPAndTheOldOneClosed() throws {
        let cli = CLIHarness()
        let (old, new) = (Loopback.freePort(), Loopback.freePort())
        WebEndpointTests.gatewayConfig(cli, port: old, secretFile: WebEndpointTests.writeSecret(cli, "old-secret"))
        let (daemon, notify) = try started(cli)
        defer { kill(daemon.process.processIdentifier, SIGTERM) }
        #expect(try WebEndpointTests.postGateway(Self.hook(old), Self.report, secret: "old-secret") == "200")
        WebEndpointTests.gatewayConfig(cli, port: new, secretFile: WebEndpointTests.writeSecret(cli, "new-secret"))
        let said = reload(daemon, notify)
        #expect(said.contains { $0.contains("config reloaded") }, "\(said) \(daemon.log)")
        #expect(try WebEndpointTests.postGateway(Self.hook(new), Self.report, secret: "new-secret") == "200")
        #expect(try WebEndpointTests.postGateway(Self.hook(new), Self.report, secret: "old-secret") == "401")
        #expect(Loopback.connect(port: old).map { close($0) } == nil, "the old address still accepts connections")
        kill(daemon.process.processIdentifier, SIGTERM)
        #expect(daemon.exit(within: 10) == 0)
    }

    /// A request on a keep-alive connection; the status line of the answer.
    static func ask(_ fd: Int32) -> String {
        let request = Array("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var answer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &answer, answer.count, 0)
        return String(decoding: answer[0..<max(count, 0)], as: UTF8.self).split(separator: "\r\n").first.map(
            String.init) ?? ""
    }

    /// A config that cannot be built (its new secret exposed) changes nothing: the old secret still
    /// signs, on the old socket. A good one at the same address keeps the socket — a connection
    /// open across the reload is still answered — and the new secret signs from then on.
    @Test func aBadConfigKeepsEveryPartAndTheSameAddressKeepsTheSocket() throws {
        let cli = CLIHarness()
        let port = Loopback.freePort()
        WebEndpointTests.gatewayConfig(cli, port: port, secretFile: WebEndpointTests.writeSecret(cli, "old-secret"))
        let (daemon, notify) = try started(cli)
        defer { kill(daemon.process.processIdentifier, SIGTERM) }
        let held = try #require(Loopback.connect(port: port))
        defer { close(held) }
        #expect(Self.ask(held).hasPrefix("HTTP/1.1 "))
        cli.write("exposed", "new-secret")
        chmod(cli.folder + "/exposed", 0o644)
        WebEndpointTests.gatewayConfig(cli, port: Loopback.freePort(), secretFile: cli.folder + "/exposed")
        let refused = reload(daemon, notify)
        #expect(refused.contains { $0.contains("reload failed") }, "\(refused) \(daemon.log)")
        #expect(try WebEndpointTests.postGateway(Self.hook(port), Self.report, secret: "old-secret") == "200")
        WebEndpointTests.gatewayConfig(cli, port: port, secretFile: WebEndpointTests.writeSecret(cli, "new-secret"))
        let said = reload(daemon, notify)
        #expect(said.contains { $0.contains("config reloaded") }, "\(said) \(daemon.log)")
        #expect(Self.ask(held).hasPrefix("HTTP/1.1 "), "the connection open across the reload was dropped")
        #expect(try WebEndpointTests.postGateway(Self.hook(port), Self.report, secret: "new-secret") == "200")
        #expect(try WebEndpointTests.postGateway(Self.hook(port), Self.report, secret: "old-secret") == "401")
        kill(daemon.process.processIdentifier, SIGTERM)
        #expect(daemon.exit(within: 10) == 0)
    }

    /// `http` written into the config of a running daemon starts the endpoint; taken out, it stops.
    @Test func theEndpointStartsAndStopsWithHTTPInTheConfig() throws {
        let cli = CLIHarness()
        let port = Loopback.freePort()
        cli.write("config.json", ConfigTests.valid)
        let (daemon, notify) = try started(cli)
        defer { kill(daemon.process.processIdentifier, SIGTERM) }
        #expect(Loopback.connect(port: port).map { close($0) } == nil)
        WebEndpointTests.gatewayConfig(cli, port: port, secretFile: WebEndpointTests.writeSecret(cli, "s3cret"))
        let added = reload(daemon, notify)
        #expect(added.contains { $0.contains("config reloaded") }, "\(added) \(daemon.log)")
        #expect(try WebEndpointTests.postGateway(Self.hook(port), Self.report, secret: "s3cret") == "200")
        cli.write("config.json", ConfigTests.valid)
        let removed = reload(daemon, notify)
        #expect(removed.contains { $0.contains("config reloaded") }, "\(removed) \(daemon.log)")
        #expect(Loopback.connect(port: port).map { close($0) } == nil, "the endpoint still listens without http")
        kill(daemon.process.processIdentifier, SIGTERM)
        #expect(daemon.exit(within: 10) == 0)
    }
}
