import Foundation
import HTTPServer
import MentorModel
import MentorStore
import Notifier
import TestSupport
import Testing
import Transport
import WebhookAuth

@testable import MentorNotifyCore

/// `run` with `http.listen`: /healthz and /metrics answer while the daemon cycles, through a real
/// HTTP client (curl), and the metrics parse with Prometheus' own parser.
@Suite(.serialized) struct WebEndpointTests {
    static func run(_ executable: String, _ arguments: [String], stdin: String? = nil) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        let out = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardInput = input
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// `curl` with the status code on the last line.
    static func get(_ url: String) throws -> (status: Int, body: String) {
        let (_, output) = try run("curl", ["-s", "--max-time", "5", "-w", "\n%{http_code}", url])
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    @Test func healthAndMetricsAnswerWhileTheDaemonRuns() throws {
        let cli = CLIHarness()
        let port = Loopback.freePort()
        cli.write(
            "config.json",
            """
            { "http": { "listen": "127.0.0.1:\(port)", "publicURL": "https://mentor.example.dk" },
              "programs": [ { "id": "symb", "preset": "symb", "leaders": [ { "name": "L", "email": "l@example.dk" } ] } ] }
            """)
        _ = try cli.forloeb(program: "symb")
        let daemon = try DaemonTests.Daemon(cli, socket: cli.folder + "/no-notify")
        defer { kill(daemon.process.processIdentifier, SIGTERM) }
        var health = (status: 0, body: "")
        let deadline = Date().addingTimeInterval(15)
        while health.status != 200 && Date() < deadline {
            usleep(200_000)
            health = (try? Self.get("http://127.0.0.1:\(port)/healthz")) ?? (0, "")
        }
        #expect(health.status == 200 && health.body == "ok\n", "\(health)")
        let metrics = try Self.get("http://127.0.0.1:\(port)/metrics")
        #expect(metrics.status == 200)
        let (code, parsed) = try Self.run(
            "python3", [TestServer.support.appendingPathComponent("parse_metrics.py").path], stdin: metrics.body)
        #expect(code == 0, "\(parsed)")
        for family in [
            "mentor_notify_outbox_messages gauge", "mentor_notify_deliveries counter",
            "mentor_notify_replies counter", "mentor_notify_last_cycle_timestamp_seconds gauge",
            "mentor_notify_channel_held gauge",
        ] {
            #expect(parsed.contains("FAMILY \(family)"), "\(family) missing in:\n\(parsed)")
        }
        #expect(parsed.contains("mentor_notify_outbox_messages{status=pending}"))
        #expect(try Self.get("http://127.0.0.1:\(port)/nothing-here").status == 404)
        kill(daemon.process.processIdentifier, SIGTERM)
        #expect(daemon.exit(within: 10) == 0)
    }
}

extension WebEndpointTests {
    /// `status` and `/healthz` judge alike: a replies mailbox that cannot be read is unhealthy to
    /// both (the endpoint answered 200 while `status` failed).
    @Test func aFailingRepliesMailboxIsUnhealthyToTheEndpointAsToStatus() throws {
        let folder = NSTemporaryDirectory() + "mentor-notify-web-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try Store(path: folder + "/web.db")
        let now = Int64(Date().timeIntervalSince1970)
        try store.setMeta(CycleMarks.ranAt, String(now))
        try store.setMeta(CycleMarks.plannedAt, String(now))
        var state = MailboxState(name: MailboxPoller.stateName)
        (state.failingSince, state.reason) = (now - 600, "login refused")
        try store.saveMailboxState(state)
        var config = Config.builtIn()
        config.replies = RepliesSettings(address: "svar@example.dk")
        let catalog = try TemplateCatalog.load(
            directory: CLIHarness.repository.appendingPathComponent("templates").path)
        let endpoint = WebEndpoint(
            databasePath: folder + "/web.db", config: config, catalog: catalog, logger: Logger(level: .error))
        let health = endpoint.handle(
            HTTPRequest(method: "GET", path: "/healthz", query: "", version: "HTTP/1.1", headers: [], body: []))
        #expect(health.status == 503)
        #expect(String(decoding: health.body, as: UTF8.self) == "replies mailbox failing: login refused\n")
        let report = try StatusReport.read(store, maxAgeMinutes: 10, readsReplies: true)
        #expect(report.failures == ["replies mailbox failing: login refused"])
        #expect(!report.healthy)
    }

    @Test func healthIs503WithTheReasonWhenNoCycleRan() throws {
        let folder = NSTemporaryDirectory() + "mentor-notify-web-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try Store(path: folder + "/web.db")
        let config = Config.builtIn()
        let catalog = try TemplateCatalog.load(
            directory: CLIHarness.repository.appendingPathComponent("templates").path)
        let endpoint = WebEndpoint(
            databasePath: folder + "/web.db", config: config, catalog: catalog, logger: Logger(level: .error))
        func get(_ path: String, _ method: String = "GET") -> HTTPResponse {
            endpoint.handle(
                HTTPRequest(method: method, path: path, query: "", version: "HTTP/1.1", headers: [], body: []))
        }
        let health = get("/healthz")
        #expect(health.status == 503)
        #expect(String(decoding: health.body, as: UTF8.self) == "no cycle in the last 10 minutes\n")
        #expect(get("/metrics", "POST").status == 405)
        // A database that cannot be opened is a 503, not a crash.
        let missing = WebEndpoint(
            databasePath: folder + "/nowhere/x.db", config: config, catalog: catalog, logger: Logger(level: .error))
        #expect(
            missing.handle(
                HTTPRequest(method: "GET", path: "/healthz", query: "", version: "HTTP/1.1", headers: [], body: [])
            )
            .status == 503)
    }
}

/// The gateways' webhooks, in process against a database the CLI filled: signatures, inbound SMS
/// through the reply core, delivery reports, idempotency.
@Suite struct WebhookTests {
    final class World {
        let cli = CLIHarness()
        var ids: (mentor: Int64, mentee: Int64, forloeb: Int64) = (0, 0, 0)
        var endpoint: WebEndpoint!

        init(provider: SMSProvider) throws {
            cli.write(
                "config.json",
                #"{ "programs": [ { "id": "mentorshoppen", "preset": "mentorshoppen", "leaders": [ { "name": "Louise", "email": "l@example.dk" } ] } ] }"#
            )
            ids = try cli.forloeb(mentee: ["--name", "Amira Hansen", "--phone", "12 25 66 64"])
            #expect(try cli.run(["contact", String(ids.forloeb), "--date", "2026-04-10", "--minutes", "60"]).code == 0)
            #expect(try cli.run(["cafe", "add", "--program", "mentorshoppen", "--at", "2026-04-23T17:00"]).code == 0)
            #expect(try cli.run(["tick", "--at", "2026-04-20T10:00"]).code == 0)
            var config = Config.builtIn()
            config.sms = SMSSettings(provider: provider, url: "https://gw.example/rest/mtsms", sender: "Mentor")
            let catalog = try TemplateCatalog.load(
                directory: CLIHarness.repository.appendingPathComponent("templates").path)
            endpoint = WebEndpoint(
                databasePath: cli.folder + "/test.db", config: config, catalog: catalog, logger: Logger(level: .error),
                webhooks: Webhooks(
                    provider: provider, gatewaySecret: Array("s3cret".utf8), twilioToken: "twilio-token",
                    publicURL: "https://mentor.example.dk", replyKeyword: nil),
                clock: { 1_776_700_000 })
        }

        func database() throws -> Database { try Database(path: cli.folder + "/test.db") }

        func inviteID() throws -> Int64 {
            try #require(
                try database().queryOne("SELECT id FROM outbox WHERE rule = 'cafe-invite' AND status = 'sent'") {
                    $0.int64(0)
                })
        }

        static func base64URL(_ bytes: [UInt8]) -> String {
            Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }

        /// `X-Gwapi-Signature` as GatewayAPI signs: a JWT, HS256 with the webhook secret, whose
        /// payload is the whole event (`payload`, the JSON GatewayAPI also posts as the body).
        static func gatewayToken(secret: String = "s3cret", payload: String) -> String {
            let header = base64URL(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))
            let body = base64URL(Array(payload.utf8))
            let signature = base64URL(HMACDigest.sha256(key: Array(secret.utf8), data: Array("\(header).\(body)".utf8)))
            return "\(header).\(body).\(signature)"
        }

        /// A GatewayAPI webhook posting `json`, signed with `secret` over `signed` (by default the
        /// same JSON, as GatewayAPI signs).
        func gateway(_ path: String, _ json: String, secret: String = "s3cret", signed: String? = nil) -> HTTPResponse {
            endpoint.handle(
                HTTPRequest(
                    method: "POST", path: path,
                    headers: [("x-gwapi-signature", Self.gatewayToken(secret: secret, payload: signed ?? json))],
                    body: Array(json.utf8)))
        }

        /// A Twilio webhook, signed over the public URL (by default the one posted to, query and all)
        /// and the sorted fields.
        func twilio(
            _ path: String, _ fields: [(String, String)], token: String = "twilio-token", query: String = "",
            signedURL: String? = nil
        ) -> HTTPResponse {
            let posted = "https://mentor.example.dk" + path + (query.isEmpty ? "" : "?" + query)
            let signature = TwilioSignature.expected(url: signedURL ?? posted, parameters: fields, authToken: token)
            let body = fields.map {
                "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
            }
            .joined(separator: "&")
            return endpoint.handle(
                HTTPRequest(
                    method: "POST", path: path, query: query, headers: [("x-twilio-signature", signature)],
                    body: Array(body.utf8)))
        }
    }

    @Test func aSignedGatewayAPIAnswerIsReadOnceAndAnUnsignedOneChangesNothing() throws {
        let world = try World(provider: .gatewayapi)
        let before = try world.cli.databaseDump()
        let inbound = #"{"id": 777, "msisdn": 4512256664, "receiver": 4512345678, "message": "Ja tak!"}"#
        #expect(world.gateway("/hooks/gatewayapi/inbound", inbound, secret: "wrong").status == 401)
        #expect(
            world.endpoint.handle(
                HTTPRequest(method: "POST", path: "/hooks/gatewayapi/inbound", body: Array(inbound.utf8))
            ).status == 401)
        #expect(try world.cli.databaseDump() == before)
        #expect(world.gateway("/hooks/gatewayapi/inbound", inbound).status == 200)
        #expect(world.gateway("/hooks/gatewayapi/inbound", inbound).status == 200)
        let answers = try world.database().query("SELECT answer FROM cafe_answer") { $0.string(0) }
        #expect(answers == ["yes"])
        let replies = try world.database().query("SELECT channel, action FROM inbound") {
            "\($0.string(0)) \($0.string(1))"
        }
        #expect(replies == ["sms rsvp"])
        let confirmations = try world.database().query(
            "SELECT channel FROM outbox WHERE rule = 'reply-confirmation'"
        ) { $0.string(0) }
        #expect(confirmations == ["sms"])
        // Signed, but not a whole event: 400.
        #expect(world.gateway("/hooks/gatewayapi/inbound", #"{"id": 1}"#).status == 400)
    }

    /// The JWT is the webhook: a body that says anything the signed payload does not is 401 and
    /// changes nothing, so a token seen once (in a log, a proxy, a replay) opens no other body.
    @Test func aBodyThatSaysOtherThanTheSignedPayloadIs401AndChangesNothing() throws {
        let world = try World(provider: .gatewayapi)
        let id = try world.inviteID()
        let signed = #"{"id": 778, "msisdn": 4512256664, "receiver": 4512345678, "message": "Ja tak!"}"#
        let report = #"{"id": 5, "msisdn": 4512256664, "status": "DELIVERED", "userref": "\#(id)"}"#
        let before = try world.cli.databaseDump()
        for (path, body, payload) in [
            ("/hooks/gatewayapi/inbound", #"{"id": 778, "msisdn": 4512256664, "message": "Nej"}"#, signed),
            ("/hooks/gatewayapi/inbound", #"{"id": 779, "msisdn": 4512256664, "message": "Ja tak!"}"#, signed),
            ("/hooks/gatewayapi/inbound", #"{"id": 778, "msisdn": 4511111111, "message": "Ja tak!"}"#, signed),
            ("/hooks/gatewayapi/inbound", #"{"id": 778, "msisdn": "4512256664", "message": "Ja tak!"}"#, signed),
            ("/hooks/gatewayapi/inbound", signed, #"{"id": 1}"#),
            ("/hooks/gatewayapi/inbound", "not json", signed),
            ("/hooks/gatewayapi/status", #"{"id": 5, "status": "UNDELIVERABLE", "userref": "\#(id)"}"#, report),
            ("/hooks/gatewayapi/status", #"{"id": 5, "status": "DELIVERED", "userref": "\#(id + 1)"}"#, report),
            // The signature of one webhook on another's body.
            ("/hooks/gatewayapi/status", report, signed),
        ] {
            #expect(world.gateway(path, body, signed: payload).status == 401, "\(body) signed as \(payload)")
        }
        #expect(try world.cli.databaseDump() == before)
        // A signed event on the other route, its own body and all, is not an event of that route.
        #expect(world.gateway("/hooks/gatewayapi/status", signed).status == 400)
        #expect(world.gateway("/hooks/gatewayapi/inbound", report).status == 400)
        #expect(try world.cli.databaseDump() == before)
        // A token past its expiry is refused; what the payload says is acted on.
        let expired = #"{"id": 780, "msisdn": 4512256664, "message": "Ja", "exp": 1776600000}"#
        #expect(world.gateway("/hooks/gatewayapi/inbound", expired).status == 401)
        #expect(world.gateway("/hooks/gatewayapi/status", report).status == 200)
        let delivery = try world.database().queryOne("SELECT delivery FROM outbox WHERE id = ?", [id]) {
            $0.optionalString(0) ?? "-"
        }
        #expect(delivery == "delivered")
    }

    @Test func anUndeliverableReportFailsTheRowAndALaterDeliveredOneIsIgnored() throws {
        let world = try World(provider: .gatewayapi)
        let id = try world.inviteID()
        let report =
            #"{"id": 1, "msisdn": 4512256664, "status": "UNDELIVERABLE", "error": "Absent subscriber", "code": "0x01", "userref": "\#(id)"}"#
        #expect(world.gateway("/hooks/gatewayapi/status", report).status == 200)
        let late = #"{"id": 1, "status": "DELIVERED", "userref": "\#(id)"}"#
        #expect(world.gateway("/hooks/gatewayapi/status", late).status == 200)
        let row = try world.database().queryOne("SELECT status, reason, delivery FROM outbox WHERE id = ?", [id]) {
            "\($0.string(0)) | \($0.string(1)) | \($0.optionalString(2) ?? "-")"
        }
        #expect(row == "failed | gateway: UNDELIVERABLE (Absent subscriber, 0x01) | -")
        // outbox --json shows what the gateway said.
        let shown = try world.cli.json(["outbox", "--json"]).first { ($0["id"] as? Int64) == id }
        #expect(shown?["reason"] as? String == "gateway: UNDELIVERABLE (Absent subscriber, 0x01)")
        #expect(shown?.keys.contains("delivery") == true && shown?.keys.contains("deliveredAt") == true)
        // A report for a message we do not know is acknowledged and ignored.
        #expect(
            world.gateway("/hooks/gatewayapi/status", #"{"id": 9, "status": "DELIVERED", "userref": "99999"}"#).status
                == 200)
    }

    /// With an SMS gateway and the web endpoint configured, SMS answers are read: the invitation by
    /// SMS says what to answer (the email does not: its answers are not read), a "ja" by SMS counts,
    /// and the leaders get the café list at noon.
    @Test func aJaBySMSReachesTheLeadersCafeList() throws {
        let cli = CLIHarness()
        cli.write("sms-token", "token")
        chmod(cli.folder + "/sms-token", 0o600)
        cli.write(
            "config.json",
            """
            { "sendWindow": { "from": "08:00", "to": "21:00" },
              "http": { "publicURL": "https://mentor.example.dk" },
              "sms": { "provider": "gatewayapi", "url": "http://127.0.0.1:9/rest/mtsms", "sender": "Mentor",
                       "tokenFile": "\(cli.folder)/sms-token" },
              "programs": [ { "id": "mentorshoppen", "preset": "mentorshoppen",
                              "leaders": [ { "name": "Louise", "email": "l@example.dk" } ] } ] }
            """)
        let ids = try cli.forloeb(
            mentee: [
                "--name", "Amira Hansen", "--phone", "12 25 66 64", "--email", "amira@example.dk", "--channels",
                "email,sms",
            ])
        #expect(try cli.run(["cafe", "add", "--program", "mentorshoppen", "--at", "2026-04-23T17:00"]).code == 0)
        #expect(try cli.run(["tick", "--at", "2026-04-20T10:00"]).code == 0)
        let database = try Database(path: cli.folder + "/test.db")
        let invites = try database.query(
            "SELECT channel, body FROM outbox WHERE rule = 'cafe-invite' ORDER BY channel"
        ) { ($0.string(0), $0.optionalString(1) ?? "") }
        #expect(invites.map(\.0) == ["email", "sms"])
        #expect(!invites[0].1.contains("Svar »ja«") && invites[1].1.contains("Svar JA eller NEJ"), "\(invites)")
        // The gateway (port 9) is not there: the SMS is marked as the gateway would have taken it.
        _ = try database.run(
            "UPDATE outbox SET status = 'sent', sent_at = 1776679200 WHERE rule = 'cafe-invite' AND channel = 'sms'")
        let config = try Config.load(path: cli.folder + "/config.json")
        let endpoint = WebEndpoint(
            databasePath: cli.folder + "/test.db", config: config,
            catalog: try TemplateCatalog.load(
                directory: CLIHarness.repository.appendingPathComponent("templates").path),
            logger: Logger(level: .error),
            webhooks: Webhooks(
                provider: .gatewayapi, gatewaySecret: Array("s3cret".utf8), twilioToken: nil,
                publicURL: "https://mentor.example.dk", replyKeyword: nil),
            clock: { 1_776_700_000 })
        let world = try World(provider: .gatewayapi)
        world.endpoint = endpoint
        let answer = #"{"id": 31, "msisdn": 4512256664, "receiver": 4512345678, "message": "Ja"}"#
        #expect(world.gateway("/hooks/gatewayapi/inbound", answer).status == 200)
        #expect(try cli.run(["tick", "--at", "2026-04-23T12:00"]).code == 0)
        let list = try database.queryOne("SELECT body FROM outbox WHERE rule = 'cafe-rsvp' AND channel = 'email'") {
            $0.optionalString(0) ?? ""
        }
        #expect(list?.contains("- kommer: 1 (Amira Hansen)") == true, "\(list ?? "no list")")
        _ = ids
    }

    /// Sent marks reach SQLite in batches, so a report can come while our row still says
    /// `sending`: it is kept and applied when the row is marked sent, never lost.
    @Test func aReportThatOvertakesOurSentMarkIsAppliedWithIt() throws {
        let world = try World(provider: .gatewayapi)
        let store = try Store(path: world.cli.folder + "/test.db")
        let id = try world.inviteID()
        func overtaken(by report: String) throws -> String? {
            _ = try world.database().run(
                "UPDATE outbox SET status = 'sending', sent_at = NULL, delivery = NULL WHERE id = ?", [id])
            #expect(world.gateway("/hooks/gatewayapi/status", report).status == 200)
            #expect(try store.outboxRow(id: id)?.status == .sending, "still ours to finish")
            #expect(try store.markSent(id, providerID: "gw-1", segments: 1, now: 1_776_700_100, onlyIfUnsent: true))
            return try world.database().queryOne(
                "SELECT status, coalesce(reason, '-'), coalesce(delivery, '-') FROM outbox WHERE id = ?", [id]
            ) { "\($0.string(0)) | \($0.string(1)) | \($0.string(2))" }
        }
        #expect(try overtaken(by: #"{"id": 1, "status": "DELIVERED", "userref": "\#(id)"}"#) == "sent | - | delivered")
        let undeliverable = #"{"id": 2, "status": "UNDELIVERABLE", "error": "Absent subscriber", "userref": "\#(id)"}"#
        #expect(try overtaken(by: undeliverable) == "failed | gateway: UNDELIVERABLE (Absent subscriber) | -")
        // The failure reaches the leader like any other.
        #expect(try store.unreportedFailures().map(\.id).contains(id))
    }

    /// The issue's end to end: the report fails the row, and the leader's next alert names the
    /// person, the message and what to do.
    @Test func anUndeliverableReportIsNamedInTheLeadersNextAlert() throws {
        let world = try World(provider: .gatewayapi)
        let id = try world.inviteID()
        let report = #"{"id": 1, "msisdn": 4512256664, "status": "UNDELIVERABLE", "userref": "\#(id)"}"#
        #expect(world.gateway("/hooks/gatewayapi/status", report).status == 200)
        #expect(try world.cli.run(["tick", "--at", "2026-04-20T16:00"]).code == 0)
        let alert = try world.database().queryOne(
            "SELECT subject, body FROM outbox WHERE rule = 'delivery-failed'"
        ) { "\($0.optionalString(0) ?? "")\n\($0.optionalString(1) ?? "")" }
        #expect(alert?.contains("En besked kunne ikke leveres") == true, "\(alert ?? "none")")
        #expect(
            alert?.contains(
                "- Amira Hansen (mentee), sms om caféaftenen: kunne ikke leveres; tjek nummeret")
                == true, "\(alert ?? "none")")
        // Reported once: the next cycle does not list it again.
        #expect(try world.cli.run(["tick", "--at", "2026-04-20T17:00"]).code == 0)
        #expect(
            try world.database().scalarInt("SELECT count(*) FROM outbox WHERE rule = 'delivery-failed'") == 1)
    }

    /// Twilio reports to the StatusCallback URL each SMS names, which carries the outbox id; the
    /// signature covers that URL with its query.
    @Test func twilioReportsFindTheirRowByTheStatusCallback() throws {
        var settings = SMSSettings(provider: .twilio, url: "https://api.twilio.com/x", sender: "+4512345678")
        settings.statusCallback = "https://mentor.example.dk/hooks/twilio/status"
        let body = String(
            decoding: try HTTPSMSTransport.body(
                SMSPayload(outboxID: 42, to: "+4512256664", text: "Hej"), settings: settings),
            as: UTF8.self)
        #expect(
            body.hasSuffix("&StatusCallback=https%3A%2F%2Fmentor.example.dk%2Fhooks%2Ftwilio%2Fstatus%3Foutbox%3D42"))
        let world = try World(provider: .twilio)
        let id = try world.inviteID()
        let fields = [("MessageSid", "SM-not-ours"), ("MessageStatus", "undelivered"), ("ErrorCode", "30003")]
        // Signed over the URL without the query: refused.
        let path = "/hooks/twilio/status"
        let unsigned = world.twilio(
            path, fields, query: "outbox=\(id)", signedURL: "https://mentor.example.dk/hooks/twilio/status")
        #expect(unsigned.status == 401)
        let signed = world.twilio(path, fields, query: "outbox=\(id)")
        #expect(signed.status == 200)
        let row = try world.database().queryOne("SELECT status, reason FROM outbox WHERE id = ?", [id]) {
            "\($0.string(0)) | \($0.string(1))"
        }
        #expect(row == "failed | gateway: undelivered (error 30003)")
    }

    @Test func twilioStopBySMSStopsSMSAndAWrongSignatureIs401() throws {
        let world = try World(provider: .twilio)
        let fields = [("From", "+4512256664"), ("To", "+4512345678"), ("Body", "STOP"), ("MessageSid", "SM1")]
        #expect(world.twilio("/hooks/twilio/inbound", fields, token: "wrong").status == 401)
        let answer = world.twilio("/hooks/twilio/inbound", fields)
        #expect(answer.status == 200 && String(decoding: answer.body, as: UTF8.self) == "<Response/>")
        let optedOut = try world.database().queryOne("SELECT opt_out_sms FROM person WHERE id = ?", [world.ids.mentee])
        {
            $0.int(0)
        }
        #expect(optedOut == 1)
        // The gateway of another provider is not there.
        #expect(world.gateway("/hooks/gatewayapi/inbound", "{}").status == 404)
    }
}

extension WebEndpointTests {
    /// The README's nginx block in front of `run`: a GatewayAPI webhook through TLS, an unsigned
    /// webhook refused, the answer acted on once though posted twice; health and metrics not
    /// passed on.
    @Test func throughNginxWithTLS() throws {
        let cli = CLIHarness()
        let nginx = try BehindNginx()
        cli.write("webhook-secret", "s3cret")
        chmod(cli.folder + "/webhook-secret", 0o600)
        cli.write("sms-token", "gateway-token")
        chmod(cli.folder + "/sms-token", 0o600)
        cli.write(
            "config.json",
            """
            { "http": { "listen": "127.0.0.1:\(nginx.port)" },
              "sms": { "provider": "gatewayapi", "url": "http://127.0.0.1:9/rest/mtsms", "sender": "Mentor",
                       "tokenFile": "\(cli.folder)/sms-token", "webhookSecretFile": "\(cli.folder)/webhook-secret" },
              "programs": [ { "id": "mentorshoppen", "preset": "mentorshoppen",
                              "leaders": [ { "name": "L", "email": "l@example.dk" } ] } ] }
            """)
        _ = try cli.forloeb(mentee: ["--name", "Amira Hansen", "--phone", "12 25 66 64"])
        // The daemon answers through nginx (503 only if its first cycle has not run yet).
        #expect(try nginx.start(cli))
        // /metrics and /healthz are for the machine: not passed on, answered on the listen address.
        for path in ["/metrics", "/healthz"] {
            let (_, code) = try Self.run(
                "curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", nginx.cert, nginx.base + path])
            #expect(code == "404", "\(path) through nginx: \(code)")
        }
        let metrics = try Self.get("http://127.0.0.1:\(nginx.port)/metrics")
        #expect(metrics.body.contains("# TYPE mentor_notify_outbox_messages gauge"))
        /// A GatewayAPI webhook posted with curl; the HTTP status.
        func post(_ path: String, _ json: String, signed: Bool = true) throws -> String {
            let token = WebhookTests.World.gatewayToken(payload: json)
            let signature = signed ? ["-H", "X-Gwapi-Signature: \(token)"] : []
            return try Self.run(
                "curl",
                ["-s", "--cacert", nginx.cert, "-o", "/dev/null", "-w", "%{http_code}"] + signature + [
                    "-H", "Content-Type: application/json", "--data", json, nginx.base + path,
                ]
            ).1
        }
        let body = #"{"id": 5, "msisdn": 4512256664, "receiver": 4512345678, "message": "stop"}"#
        // A webhook without a signature: 401.
        #expect(try post("/hooks/gatewayapi/inbound", body, signed: false) == "401")
        // Signed as GatewayAPI signs (HS256 JWT), twice: acted on once.
        #expect(try post("/hooks/gatewayapi/inbound", body) == "200")
        #expect(try post("/hooks/gatewayapi/inbound", body) == "200")
        // A delivery report for a message we do not know: acknowledged, nothing changes.
        let report = #"{"id": 9, "msisdn": 4512256664, "status": "DELIVERED", "userref": "99999"}"#
        #expect(try post("/hooks/gatewayapi/status", report) == "200")
        let database = try Database(path: cli.folder + "/test.db")
        // The mentee had no SMS from us yet: the answer is recorded as unmatched, once.
        let records = try database.query("SELECT channel, action FROM inbound") { "\($0.string(0)) \($0.string(1))" }
        #expect(records == ["sms unmatched"], "\(records)")
        withExtendedLifetime(nginx) {}
    }
}

extension WebEndpointTests {
    /// The socket systemd hands over (LISTEN_FDS), as `mentor-notify.socket` does: started by
    /// systemd-socket-activate on the first connection, which it then answers.
    @Test func aSocketHandedOverBySystemdIsServed() throws {
        let cli = CLIHarness()
        let port = Loopback.freePort()
        cli.write(
            "config.json",
            #"{ "programs": [ { "id": "symb", "preset": "symb", "leaders": [ { "name": "L", "email": "l@example.dk" } ] } ] }"#
        )
        #expect(try cli.run(["init"]).code == 0)
        // Driven from a shell, which owns the activated daemon and its pipes: started on the first
        // connection, answering it, stopping on SIGTERM.
        let script = """
            systemd-socket-activate -l 127.0.0.1:\(port) -E MENTOR_NOTIFY_DB='\(cli.folder)/test.db' \\
                '\(CLIHarness.binary)' --config '\(cli.folder)/config.json' run 2> '\(cli.folder)/run.log' &
            daemon=$!
            sleep 0.5
            code=$(curl -s -o /dev/null -m 10 -w '%{http_code}' http://127.0.0.1:\(port)/healthz)
            kill -TERM $daemon
            wait $daemon
            echo "$code $?"
            """
        let (_, output) = try Self.run("bash", ["-c", script])
        let parts = output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
        let status = Int(parts.first ?? "") ?? 0
        let log = (try? String(contentsOfFile: cli.folder + "/run.log", encoding: .utf8)) ?? ""
        #expect(parts.last == "0", "the activated daemon did not stop cleanly on SIGTERM: \(output) \(log)")
        #expect(log.contains("event=http-start"), "\(log)")
        #expect([200, 503].contains(status), "no answer on the handed-over socket")
    }
}

extension WebEndpointTests {
    /// The endpoint under bad load — hundreds of idle connections, slow clients, garbage — while the
    /// daemon's first cycle delivers: the delivery pass finishes, and the endpoint still answers.
    @Test func deliveryGoesOnWhileTheEndpointIsUnderLoad() throws {
        let cli = CLIHarness()
        let scratch = Scratch()
        let smtp = try TestServer(
            script: "smtp_server.py", arguments: ["--out", scratch.path + "/in"], folder: scratch.path)
        let port = Loopback.freePort()
        cli.write(
            "config.json",
            """
            { "sendWindow": { "from": "00:00", "to": "23:59" }, "http": { "listen": "127.0.0.1:\(port)" },
              "email": { "url": "smtp://127.0.0.1:\(smtp.port)", "from": "SYMB <noreply@example.dk>", "starttls": "none" },
              "programs": [ { "id": "symb", "preset": "symb", "leaders": [ { "name": "Louise", "email": "l@example.dk" } ] } ] }
            """)
        #expect(try cli.run(["init"]).code == 0)
        // Twenty forløb that started ten days ago: forty first-meeting reminders due at once.
        let started = Zone.copenhagen.local(Date()).date.adding(days: -10)
        for index in 1...20 {
            let mentor = try cli.create(
                ["person", "add", "--role", "mentor", "--name", "Mentor \(index)", "--email", "m\(index)@example.dk"])
            let mentee = try cli.create(
                ["person", "add", "--role", "mentee", "--name", "Mentee \(index)", "--email", "e\(index)@example.dk"])
            _ = try cli.create([
                "match", "--mentor", String(mentor), "--mentee", String(mentee), "--program", "symb", "--start",
                started.description,
            ])
        }
        // The load, from before the daemon starts until the messages are out.
        let stop = Flag()
        let load = Thread {
            var idle: [Int32] = []
            while !stop.isSet {
                for _ in 0..<50 {
                    guard let fd = Loopback.connect(port: port) else { continue }
                    // Some send a byte of a request and stall, some send garbage, the rest stay idle.
                    switch idle.count % 3 {
                    case 0: _ = send(fd, "G", 1, Int32(MSG_NOSIGNAL))
                    case 1: _ = send(fd, "\u{0}\u{1}garbage\r\n\r\n", 13, Int32(MSG_NOSIGNAL))
                    default: break
                    }
                    idle.append(fd)
                }
                if idle.count > 500 {
                    for fd in idle.prefix(250) { close(fd) }
                    idle.removeFirst(250)
                }
                usleep(50_000)
            }
            for fd in idle { close(fd) }
        }
        load.start()
        defer { stop.set() }
        let daemon = try DaemonTests.Daemon(cli, socket: cli.folder + "/no-notify")
        defer { kill(daemon.process.processIdentifier, SIGTERM) }
        let received = scratch.received(scratch.path + "/in", count: 40, timeout: 60)
        #expect(
            received.count == 40, "only \(received.count) of 40 messages were delivered under load: \(daemon.log)")
        // And the endpoint still answers a well-behaved client (503 once the cap is full is fine).
        let health = try Self.get("http://127.0.0.1:\(port)/healthz")
        #expect([200, 503].contains(health.status), "\(health)")
        stop.set()
        withExtendedLifetime(smtp) {}
    }
}

extension WebEndpointTests {
    /// A forløb (in `config`) whose mentee was sent the invitation to the café evening of
    /// 2026-04-23 on 2026-04-20, into the spool.
    static func inviteSent(
        _ cli: CLIHarness, config: String,
        mentee: [String] = ["--name", "Amira Hansen", "--email", "amira@example.dk"]
    ) throws -> (mentor: Int64, mentee: Int64, forloeb: Int64) {
        cli.write("config.json", config)
        let ids = try cli.forloeb(mentee: mentee)
        #expect(try cli.run(["cafe", "add", "--program", "mentorshoppen", "--at", "2026-04-23T17:00"]).code == 0)
        #expect(try cli.run(["tick", "--at", "2026-04-20T10:00"]).code == 0)
        return ids
    }

}

/// The daemon with `http.listen` on a free port, behind the README's nginx block with TLS from a
/// throwaway certificate; stopped when this goes.
final class BehindNginx {
    let scratch = Scratch()
    let cert: String
    let key: String
    /// Where the daemon listens (the config's `http.listen`).
    let port = Loopback.freePort()
    let proxy: TestServer
    private var daemon: DaemonTests.Daemon?

    /// Starts nginx; the daemon behind it comes with `start`, once its config is written.
    init() throws {
        (cert, key) = try scratch.certificate()
        proxy = try TestServer(
            script: "nginx_proxy.py",
            arguments: [
                "--dir", scratch.path + "/nginx", "--upstream", "127.0.0.1:\(port)", "--cert", cert, "--key", key,
            ],
            folder: scratch.path)
    }

    /// The address the world reaches the daemon at.
    var base: String { "https://127.0.0.1:\(proxy.port)" }

    /// Starts `run` and waits until it answers /healthz on its listen address (503 too: its first
    /// cycle may not have run yet; nginx does not pass /healthz on).
    func start(_ cli: CLIHarness) throws -> Bool {
        daemon = try DaemonTests.Daemon(cli, socket: cli.folder + "/no-notify")
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            usleep(200_000)
            let status = (try? WebEndpointTests.get("http://127.0.0.1:\(port)/healthz"))?.status
            if status == 200 || status == 503 { return true }
        }
        return false
    }

    deinit {
        if let daemon { kill(daemon.process.processIdentifier, SIGTERM) }
    }
}

extension WebEndpointTests {
    /// The unsubscribe page through nginx as a person meets it: headless Chromium opens it at a
    /// phone's size and saves a screenshot (`.build/screenshots/unsubscribe-page.png`); html5lib
    /// parses it strictly; the form is posted as a browser posts it. Opening changes nothing; the
    /// post stops that program's email.
    @Test func theUnsubscribePageInABrowserThroughNginx() throws {
        let cli = CLIHarness()
        let nginx = try BehindNginx()
        let ids = try Self.inviteSent(
            cli,
            config: """
                { "http": { "listen": "127.0.0.1:\(nginx.port)", "publicURL": "https://mentor.example.dk" },
                  "sendWindow": { "from": "08:00", "to": "21:00" },
                  "programs": [ { "id": "mentorshoppen", "preset": "mentorshoppen", "name": "Mentorshoppen Holstebro",
                                  "contact": { "name": "Elias", "phone": "+4512345678" },
                                  "leaders": [ { "name": "L", "email": "l@example.dk" } ] } ] }
                """)
        let database = try Database(path: cli.folder + "/test.db")
        let token = try #require(
            try database.queryOne(
                "SELECT unsubscribe_token FROM outbox WHERE recipient = ? AND channel = 'email' LIMIT 1", [ids.mentee]
            ) { $0.string(0) })
        #expect(try nginx.start(cli))
        let base = nginx.base
        func optOuts() throws -> Int {
            try database.scalarInt("SELECT count(*) FROM program_opt_out WHERE person_id = ?", [ids.mentee]) ?? -1
        }
        let screenshot = CLIHarness.repository.appendingPathComponent(".build/screenshots/unsubscribe-page.png").path
        try? FileManager.default.removeItem(atPath: screenshot)
        let (status, output) = try Self.run(
            "python3",
            [
                TestServer.support.appendingPathComponent("unsubscribe_page.py").path, "--url", "\(base)/u/\(token)",
                "--cert", nginx.cert,
                "--screenshot", screenshot, "--profile", nginx.scratch.path + "/chromium",
            ])
        #expect(status == 0, "\(output)")
        let page = try #require(
            try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
        #expect(page["lang"] as? String == "da")
        #expect(page["h1"] as? String == "Afmeld e-mails fra Mentorshoppen Holstebro")
        #expect(page["chromiumH1"] as? String == "Afmeld e-mails fra Mentorshoppen Holstebro", "\(page)")
        #expect(page["scripts"] as? Int == 0 && (page["external"] as? [String])?.isEmpty == true, "\(page)")
        #expect((page["csp"] as? String)?.hasPrefix("default-src 'none'") == true)
        #expect(page["screenshotIsPNG"] as? Bool == true && (page["screenshotBytes"] as? Int ?? 0) > 5_000)
        let forms = page["forms"] as? [[String: Any]] ?? []
        #expect(forms.count == 1 && forms.first?["method"] as? String == "post", "\(forms)")
        #expect(forms.first?["action"] as? String == "\(base)/u/\(token)")
        #expect(page["postStatus"] as? Int == 200)
        #expect(page["postH1"] as? String == "Du er afmeldt" && page["postForms"] as? Int == 0, "\(page)")
        // Chromium opened the page twice and changed nothing (the post was the first to unsubscribe);
        // the post did, once.
        #expect(
            (page["postParagraphs"] as? [String])?.first == "Du får ikke flere e-mails fra Mentorshoppen Holstebro.",
            "\(page)")
        #expect(try optOuts() == 1)
        #expect(try database.scalarInt("SELECT count(*) FROM opt_out_event") == 1)
        withExtendedLifetime(nginx) {}
    }
}

extension WebEndpointTests {
    /// Twilio's webhooks through nginx with TLS, posted and signed by Python exactly as Twilio signs
    /// them (an implementation of its documented algorithm, checked on its published example): a
    /// "STOP" acted on once though posted twice, a wrong token refused, a delivery report by the
    /// StatusCallback address each SMS names.
    @Test func twilioThroughNginxSignedByAnIndependentImplementation() throws {
        let cli = CLIHarness()
        let nginx = try BehindNginx()
        let ids = try Self.inviteSent(
            cli,
            config: """
                { "sendWindow": { "from": "08:00", "to": "21:00" },
                  "programs": [ { "id": "mentorshoppen", "preset": "mentorshoppen",
                                  "leaders": [ { "name": "L", "email": "l@example.dk" } ] } ] }
                """, mentee: ["--name", "Amira Hansen", "--phone", "12 25 66 64"])
        let database = try Database(path: cli.folder + "/test.db")
        let invite = try #require(
            try database.queryOne(
                "SELECT id FROM outbox WHERE rule = 'cafe-invite' AND channel = 'sms' AND status = 'sent'"
            ) { $0.int64(0) })
        let base = nginx.base
        cli.write("sms-token", "twilio-auth-token")
        chmod(cli.folder + "/sms-token", 0o600)
        cli.write(
            "config.json",
            """
            { "http": { "listen": "127.0.0.1:\(nginx.port)", "publicURL": "\(base)" },
              "sendWindow": { "from": "08:00", "to": "21:00" },
              "sms": { "provider": "twilio", "url": "http://127.0.0.1:9/2010-04-01/Accounts/AC1/Messages.json",
                       "sender": "+4512345678", "accountSid": "AC1", "tokenFile": "\(cli.folder)/sms-token" },
              "programs": [ { "id": "mentorshoppen", "preset": "mentorshoppen",
                              "leaders": [ { "name": "L", "email": "l@example.dk" } ] } ] }
            """)
        #expect(try nginx.start(cli))
        func post(_ path: String, token: String = "twilio-auth-token", _ fields: [String]) throws -> [String] {
            let (_, output) = try Self.run(
                "python3",
                [
                    TestServer.support.appendingPathComponent("twilio_post.py").path, "--url", base + path, "--token",
                    token, "--cacert",
                    nginx.cert,
                ]
                    + fields)
            return output.split(separator: "\n").map(String.init)
        }
        // The daemon runs on the real clock: the invite went out just now, so "STOP" answers it.
        _ = try database.run("UPDATE outbox SET sent_at = unixepoch() WHERE id = ?", [invite])
        let answer = ["From=+4512256664", "To=+4512345678", "Body=STOP", "MessageSid=SM0001"]
        #expect(try post("/hooks/twilio/inbound", token: "wrong", answer).first == "401")
        #expect(try post("/hooks/twilio/inbound", answer) == ["200", "<Response/>"])
        #expect(try post("/hooks/twilio/inbound", answer).first == "200")
        let optedOut = try database.queryOne("SELECT opt_out_sms FROM person WHERE id = ?", [ids.mentee]) {
            $0.int(0)
        }
        #expect(optedOut == 1)
        #expect(try database.scalarInt("SELECT count(*) FROM inbound") == 1)
        let report = ["MessageSid=SM0002", "MessageStatus=delivered", "AccountSid=AC1"]
        #expect(try post("/hooks/twilio/status?outbox=\(invite)", report).first == "200")
        let delivery = try database.queryOne("SELECT delivery FROM outbox WHERE id = ?", [invite]) {
            $0.optionalString(0)
        }
        #expect(delivery == "delivered")
        withExtendedLifetime(nginx) {}
    }
}

extension WebEndpointTests {
    /// A GatewayAPI webhook posted with curl, signed with `secret` as GatewayAPI signs; the status.
    static func postGateway(_ url: String, _ json: String, secret: String) throws -> String {
        let token = WebhookTests.World.gatewayToken(secret: secret, payload: json)
        return try run(
            "curl",
            [
                "-s", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code}", "-H", "X-Gwapi-Signature: \(token)",
                "-H", "Content-Type: application/json", "--data", json, url,
            ]
        ).1
    }

    /// `text` as the webhook secret, in a file only its owner reads; its path.
    @discardableResult
    static func writeSecret(_ cli: CLIHarness, _ text: String) -> String {
        cli.write("secret", text)
        chmod(cli.folder + "/secret", 0o600)
        return cli.folder + "/secret"
    }

    /// A config with GatewayAPI and the web endpoint on `port`, its webhook secret in `secretFile`.
    static func gatewayConfig(_ cli: CLIHarness, port: Int, secretFile: String?) {
        cli.write("sms-token", "gateway-token")
        chmod(cli.folder + "/sms-token", 0o600)
        let secret = secretFile.map { #", "webhookSecretFile": "\#($0)""# } ?? ""
        cli.write(
            "config.json",
            """
            { "http": { "listen": "127.0.0.1:\(port)" },
              "sms": { "provider": "gatewayapi", "url": "http://127.0.0.1:9/rest/mtsms", "sender": "Mentor",
                       "tokenFile": "\(cli.folder)/sms-token"\(secret) },
              "programs": [ { "id": "mentorshoppen", "preset": "mentorshoppen",
                              "leaders": [ { "name": "L", "email": "l@example.dk" } ] } ] }
            """)
    }

    /// A webhook secret that cannot be read, that others can read, or that is not there while the
    /// endpoint serves GatewayAPI's webhooks is a config error at `check` and at start-up — never
    /// a silent 401 for every real webhook.
    @Test func aWebhookSecretThatCannotBeReadOrIsExposedStopsCheckAndRun() throws {
        let cli = CLIHarness()
        let port = Loopback.freePort()
        #expect(try cli.run(["init"]).code == 0)
        cli.write("exposed", "s3cret")
        chmod(cli.folder + "/exposed", 0o644)
        for (file, says) in [
            (cli.folder + "/exposed", "chmod 600"), (cli.folder + "/missing", "cannot read"),
            (nil, "sms.webhookSecretFile"),
        ] {
            Self.gatewayConfig(cli, port: port, secretFile: file)
            let check = try cli.run(["check"])
            #expect(check.code == 78, "check with \(file ?? "no secret"): \(check.code) \(check.err)")
            #expect(check.err.contains(says), "\(check.err)")
            let daemon = try DaemonTests.Daemon(cli, socket: cli.folder + "/no-notify")
            defer { kill(daemon.process.processIdentifier, SIGTERM) }
            #expect(daemon.exit(within: 10) == 78, "run with \(file ?? "no secret"): \(daemon.log)")
        }
        Self.gatewayConfig(cli, port: port, secretFile: Self.writeSecret(cli, "s3cret"))
        let check = try cli.run(["check"])
        #expect(check.code == 0, "\(check.err)")
        // Twilio signs the address it calls: without publicURL every real webhook would be 401.
        cli.write(
            "config.json",
            """
            { "http": { "listen": "127.0.0.1:\(port)" },
              "sms": { "provider": "twilio", "url": "http://127.0.0.1:9/2010-04-01/Accounts/AC1/Messages.json",
                       "sender": "+4512345678", "accountSid": "AC1", "tokenFile": "\(cli.folder)/sms-token" },
              "programs": [ { "id": "mentorshoppen", "preset": "mentorshoppen" } ] }
            """)
        let twilio = try cli.run(["check"])
        #expect(twilio.code == 78 && twilio.err.contains("http.publicURL"), "\(twilio.code) \(twilio.err)")
    }

    /// SIGHUP reloads the config and the texts for the web endpoint too: a new webhook secret is
    /// what signs from then on.
    @Test func afterSIGHUPTheEndpointFollowsTheNewConfig() throws {
        let cli = CLIHarness()
        let port = Loopback.freePort()
        Self.gatewayConfig(cli, port: port, secretFile: Self.writeSecret(cli, "old-secret"))
        _ = try cli.forloeb(mentee: ["--name", "Amira Hansen", "--phone", "12 25 66 64"])
        let notify = try DaemonTests.NotifySocket(folder: cli.folder)
        let daemon = try DaemonTests.Daemon(cli, socket: notify.path)
        defer { kill(daemon.process.processIdentifier, SIGTERM) }
        #expect(notify.read(for: 15) { $0.contains("READY=1") }.contains { $0.contains("READY=1") })
        let url = "http://127.0.0.1:\(port)/hooks/gatewayapi/status"
        func report(_ id: Int) -> String { #"{"id": \#(id), "status": "DELIVERED", "userref": "99999"}"# }
        #expect(try Self.postGateway(url, report(1), secret: "old-secret") == "200")
        Self.writeSecret(cli, "new-secret")
        kill(daemon.process.processIdentifier, SIGHUP)
        let reloaded = notify.read(for: 10) { $0.contains("config reloaded") }
        #expect(reloaded.contains { $0.contains("config reloaded") }, "\(reloaded) \(daemon.log)")
        #expect(try Self.postGateway(url, report(2), secret: "new-secret") == "200")
        #expect(try Self.postGateway(url, report(3), secret: "old-secret") == "401")
        kill(daemon.process.processIdentifier, SIGTERM)
        #expect(daemon.exit(within: 10) == 0)
    }

    /// Someone holds all 64 connections open and idle: a gateway's signed webhook still gets in
    /// (the connection idle longest is closed for it) and is answered 200.
    @Test func withEveryConnectionHeldIdleASignedWebhookStillGets200() throws {
        let cli = CLIHarness()
        let port = Loopback.freePort()
        Self.gatewayConfig(cli, port: port, secretFile: Self.writeSecret(cli, "s3cret"))
        #expect(try cli.run(["init"]).code == 0)
        let daemon = try DaemonTests.Daemon(cli, socket: cli.folder + "/no-notify")
        defer { kill(daemon.process.processIdentifier, SIGTERM) }
        var health = (status: 0, body: "")
        let deadline = Date().addingTimeInterval(15)
        while health.status == 0 && Date() < deadline {
            usleep(200_000)
            health = (try? Self.get("http://127.0.0.1:\(port)/healthz")) ?? (0, "")
        }
        // 64 keep-alive connections, each after a request of its own, then idle.
        var held: [Int32] = []
        defer { for fd in held { close(fd) } }
        for _ in 0..<64 {
            guard let fd = Loopback.connect(port: port) else { continue }
            let request = Array("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
            _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            var answer = [UInt8](repeating: 0, count: 4096)
            _ = recv(fd, &answer, answer.count, 0)
            held.append(fd)
        }
        #expect(held.count == 64)
        let report = #"{"id": 1, "status": "DELIVERED", "userref": "99999"}"#
        #expect(
            try Self.postGateway("http://127.0.0.1:\(port)/hooks/gatewayapi/status", report, secret: "s3cret") == "200")
    }
}
