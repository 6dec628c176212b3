import Foundation
import HTTPServer
import MentorModel
import MentorStore
import Notifier
import Transport

/// `http` in the config: where `run` serves the web endpoint, and the address the world sees it at.
public struct HTTPSettings: Sendable, Hashable {
    /// `HOST:PORT` to listen on; nil when systemd hands over the socket.
    public var listen: String?
    /// `https://mentor.example.dk`, behind the reverse proxy.
    public var publicURL: String?

    public init(listen: String? = nil, publicURL: String? = nil) {
        self.listen = listen
        self.publicURL = publicURL
    }
}

/// The web endpoint's routes (SPEC.md "The web endpoint"): the gateway's webhooks, one-click
/// unsubscribe, `/healthz` and `/metrics`. Requests use a store connection of their own (WAL:
/// never in the delivery's way).
final class WebEndpoint: Sendable {
    let databasePath: String
    let maxAgeMinutes: Int
    let webhooks: Webhooks?
    /// The leader's desk under `/desk/`; nil when the config does not enable it.
    let desk: DeskEndpoint?
    let config: Config
    let catalog: TemplateCatalog
    let logger: Logger
    let clock: @Sendable () -> Int64
    let lock = NSLock()
    nonisolated(unsafe) private var store: Store?

    init(
        databasePath: String, config: Config, catalog: TemplateCatalog, logger: Logger, webhooks: Webhooks? = nil,
        desk: DeskEndpoint? = nil, clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.databasePath = databasePath
        self.maxAgeMinutes = config.statusMaxAgeMinutes
        self.config = config
        self.catalog = catalog
        self.logger = logger
        self.webhooks = webhooks
        self.desk = desk
        self.clock = clock
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        switch (request.method, request.path) {
        case ("GET", "/healthz"), ("HEAD", "/healthz"): return respond(healthz)
        case ("GET", "/metrics"): return respond(metrics)
        case ("POST", "/hooks/gatewayapi/inbound"): return hook(.inbound, provider: .gatewayapi, request)
        case ("POST", "/hooks/gatewayapi/status"): return hook(.status, provider: .gatewayapi, request)
        case ("POST", "/hooks/twilio/inbound"): return hook(.inbound, provider: .twilio, request)
        case ("POST", "/hooks/twilio/status"): return hook(.status, provider: .twilio, request)
        case (_, "/healthz"), (_, "/metrics"): return .refusal(405)
        case (_, let path) where path.hasPrefix("/hooks/"): return .refusal(405)
        case (_, let path) where path.hasPrefix("/u/"): return unsubscribe(request, token: path.dropFirst(3))
        case (_, let path) where path == "/desk" || path.hasPrefix("/desk/"):
            // The desk runs on its own stores, never under this endpoint's lock: a leader's page
            // does not hold up a gateway's webhook.
            return desk?.handle(request) ?? .refusal(404)
        default: return .refusal(404)
        }
    }

    /// Runs a route with the endpoint's store, opened on first use; a store error is a 503.
    func respond(_ route: (Store) throws -> HTTPResponse) -> HTTPResponse {
        lock.lock()
        defer { lock.unlock() }
        do {
            if store == nil { store = try Store(path: databasePath, migrate: false) }
            guard let store else { return .refusal(503) }
            return try route(store)
        } catch {
            store = nil
            return HTTPResponse(status: 503, contentType: "text/plain; charset=utf-8", text: "database unavailable\n")
        }
    }

    /// The same for a route that changes records: it gets the reply core on that store, since the
    /// routes only authenticate and parse and the core acts.
    func respondThroughCore(_ route: (ReplyCore) throws -> HTTPResponse) -> HTTPResponse {
        respond { store in try route(ReplyCore(store: store, config: config, catalog: catalog, logger: logger)) }
    }

    /// 200 `ok` while cycles run and nothing goes unwatched; 503 with the reason otherwise.
    func healthz(_ store: Store) throws -> HTTPResponse {
        let problems = try StatusReport.read(store, config: config, now: clock()).failures
        if problems.isEmpty { return HTTPResponse(status: 200, contentType: "text/plain; charset=utf-8", text: "ok\n") }
        return HTTPResponse(
            status: 503, contentType: "text/plain; charset=utf-8", text: problems.joined(separator: "\n") + "\n")
    }

    /// The Prometheus text format (version 0.0.4), each family with `# HELP` and `# TYPE`.
    func metrics(_ store: Store) throws -> HTTPResponse {
        let snapshot = try store.read {
            (
                try store.outboxCounts(), try store.inboundCounts(),
                try store.meta("last_cycle_wall").flatMap { Int64($0) }, try store.channelHolds()
            )
        }
        let (outbox, inbound, lastCycle, holds) = snapshot
        var text = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples {
                text += name + (sample.labels.isEmpty ? "" : "{\(sample.labels)}") + " \(sample.value)\n"
            }
        }
        var byStatus: [OutboxStatus: Int] = [:]
        for row in outbox { byStatus[row.status, default: 0] += row.count }
        family(
            "mentor_notify_outbox_messages", "gauge", "Outbox rows by status.",
            OutboxStatus.allCases.map { ("status=\"\($0.rawValue)\"", String(byStatus[$0] ?? 0)) })
        family(
            "mentor_notify_deliveries_total", "counter",
            "Messages by channel and how their delivery ended (sent, failed, expired, suppressed).",
            outbox.filter { $0.status.isFinal }.map {
                ("channel=\"\($0.channel.rawValue)\",result=\"\($0.status.rawValue)\"", String($0.count))
            })
        family(
            "mentor_notify_replies_total", "counter", "Replies read, by channel and what was done.",
            inbound.map {
                ("channel=\"\($0.channel.rawValue)\",action=\"\(Self.label($0.action.rawValue))\"", String($0.count))
            }
        )
        family(
            "mentor_notify_last_cycle_timestamp_seconds", "gauge", "When the last cycle ran (Unix time).",
            [("", String(lastCycle ?? 0))])
        family(
            "mentor_notify_channel_held", "gauge", "1 while a channel is held because its server or gateway fails.",
            Channel.allCases.map { ("channel=\"\($0.rawValue)\"", holds[$0] == nil ? "0" : "1") })
        return HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", text: text)
    }

    /// A label value as the text format wants it (backslash, quote and newline escaped).
    static func label(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}

extension Webhooks {
    /// The SMS gateway's webhooks as the config sets them up, with their secrets. When the
    /// endpoint serves them (`needed`), whatever would make every real webhook fail — a secret
    /// that cannot be read or is exposed, no GatewayAPI secret, no `publicURL` for Twilio to sign
    /// — is a config error, at `check` and at start-up alike.
    static func configured(_ config: Config, environment: [String: String], needed: Bool) throws(ConfigError)
        -> Webhooks?
    {
        guard let sms = config.sms else { return nil }
        let secret = try Transports.smsWebhookSecret(sms, environment: environment, needed: needed)
        let token = try Transports.smsToken(sms, environment: environment)
        if needed, sms.provider == .twilio, config.http?.publicURL == nil {
            throw ConfigError(
                "http.publicURL",
                "is needed for Twilio's webhooks, because Twilio signs the address it calls: write that https:// "
                    + "address, e.g. https://mentor.example.dk")
        }
        return Webhooks(
            provider: sms.provider, gatewaySecret: secret.map { Array($0.utf8) },
            twilioToken: sms.provider == .twilio ? token : nil, publicURL: config.http?.publicURL,
            replyKeyword: sms.replyKeyword)
    }
}
