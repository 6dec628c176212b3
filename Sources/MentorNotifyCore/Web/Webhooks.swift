import Foundation
import HTTPServer
import MentorModel
import MentorStore
import Notifier
import Replies
import Transport
import WebhookAuth

/// The SMS gateway's webhooks: inbound SMS (read by the reply core, like an email reply) and
/// delivery reports (SPEC.md "The web endpoint"). A request without a valid signature gets 401 and
/// changes nothing, and only what the signature covers is acted on; the same webhook twice acts
/// once; what a person wrote is never logged.
struct Webhooks: Sendable {
    var provider: SMSProvider
    /// GatewayAPI's JWT key; Twilio signs with the auth token.
    var gatewaySecret: [UInt8]?
    var twilioToken: String?
    /// The address the gateway calls, for Twilio's signature (`https://mentor.example.dk`).
    var publicURL: String?
    var replyKeyword: String?

    /// GatewayAPI's final negative statuses; Twilio's are `failed` and `undelivered`.
    static let gatewayFailures: Set<String> = ["UNDELIVERABLE", "REJECTED", "EXPIRED", "DELETED", "SKIPPED"]

    enum Route {
        case inbound, status
    }

    /// What a request proves, or nil (401): for GatewayAPI the event in its verified token (a body
    /// that says anything else fails), for Twilio the signed form (the signature covers the URL
    /// and every parameter of the body).
    func authenticated(_ request: HTTPRequest, form: [(String, String)], now: Int64) -> Proven? {
        switch provider {
        case .gatewayapi:
            guard let secret = gatewaySecret, let token = request.header("x-gwapi-signature"),
                let event = GatewayAPISignature.event(token: token, body: request.body, secret: secret, now: now)
            else { return nil }
            return Proven(event: event)
        case .twilio:
            guard let token = twilioToken, let base = publicURL, let signature = request.header("x-twilio-signature")
            else { return nil }
            let url = base + request.path + (request.query.isEmpty ? "" : "?" + request.query)
            guard TwilioSignature.verify(url: url, parameters: form, authToken: token, signature: signature) else {
                return nil
            }
            return Proven(event: [:])
        }
    }

    /// What a webhook proved: GatewayAPI's event (Twilio's proof is the form itself).
    struct Proven {
        var event: [String: Any]
    }

    /// The message a person sent, with the gateway's keyword taken off its start.
    func text(_ message: String) -> String {
        guard let keyword = replyKeyword else { return message }
        let trimmed = message.trimmingSpaces()
        guard trimmed.lowercased().hasPrefix(keyword.lowercased()) else { return message }
        return String(trimmed.dropFirst(keyword.count))
    }

    /// An inbound SMS as the reply core takes it.
    func inbound(key: String, from number: String, message: String, now: Int64) -> Inbound {
        let words = text(message)
        let own = ReplyReading.ownLines(words)
        return Inbound(
            key: key, channel: .sms, receivedAt: now, from: number,
            kind: .reply(intent: ReplyReading.intent(ofOwnLines: own), viaCalendar: false),
            ownText: own)
    }

    /// A JSON number or string field as text.
    static func field(_ object: [String: Any], _ name: String) -> String? {
        if let text = object[name] as? String { return text }
        if let number = object[name] as? NSNumber { return number.stringValue }
        return nil
    }
}

extension WebEndpoint {
    /// A webhook route: authenticated, parsed, acted on; 200 when done (or nothing to do).
    func hook(_ route: Webhooks.Route, provider: SMSProvider, _ request: HTTPRequest) -> HTTPResponse {
        guard let hooks = webhooks, hooks.provider == provider else { return .refusal(404) }
        let form = provider == .twilio ? HTTPForm.fields(request.body) : []
        let now = clock()
        guard let proven = hooks.authenticated(request, form: form, now: now) else {
            logger.warning("webhook", ["provider": provider.rawValue, "result": "unauthorized"])
            return .refusal(401)
        }
        let ok =
            provider == .twilio
            ? HTTPResponse(status: 200, contentType: "text/xml", text: "<Response/>")
            : HTTPResponse(status: 200, contentType: "application/json", text: "{}")
        var outcome = "bad-request"
        let response = respondThroughCore { core throws -> HTTPResponse in
            switch (provider, route) {
            case (.gatewayapi, .inbound):
                let object = proven.event
                guard let id = Webhooks.field(object, "id"), let msisdn = Webhooks.field(object, "msisdn"),
                    let message = object["message"] as? String
                else { return .refusal(400) }
                try core.handle(hooks.inbound(key: "gatewayapi:\(id)", from: "+" + msisdn, message: message, now: now))
            case (.gatewayapi, .status):
                let object = proven.event
                guard let status = Webhooks.field(object, "status")
                else { return .refusal(400) }
                let id = Webhooks.field(object, "userref").flatMap { Int64($0) }
                let gatewayID = Webhooks.field(object, "id")
                let failed = Webhooks.gatewayFailures.contains(status)
                guard failed || status == "DELIVERED" else { break }
                let detail = [Webhooks.field(object, "error"), Webhooks.field(object, "code")].compactMap { $0 }
                try core.deliveryReport(
                    id: id, providerID: id == nil ? gatewayID : nil, delivered: !failed,
                    reason: "gateway: \(status)" + (detail.isEmpty ? "" : " (\(detail.joined(separator: ", ")))"),
                    now: now)
            case (.twilio, .inbound):
                let fields = Dictionary(form, uniquingKeysWith: { first, _ in first })
                guard let sid = fields["MessageSid"], let from = fields["From"], let body = fields["Body"] else {
                    return .refusal(400)
                }
                try core.handle(hooks.inbound(key: "twilio:\(sid)", from: from, message: body, now: now))
            case (.twilio, .status):
                let fields = Dictionary(form, uniquingKeysWith: { first, _ in first })
                guard let sid = fields["MessageSid"], let status = fields["MessageStatus"] else { return .refusal(400) }
                let failed = status == "failed" || status == "undelivered"
                guard failed || status == "delivered" else { break }
                let code = fields["ErrorCode"].map { " (error \($0))" } ?? ""
                // Our StatusCallback names the row (`?outbox=ID`); a callback set elsewhere has only the SID.
                let id = HTTPForm.fields(Array(request.query.utf8)).first { $0.0 == "outbox" }.flatMap { Int64($0.1) }
                try core.deliveryReport(
                    id: id, providerID: id == nil ? sid : nil, delivered: !failed, reason: "gateway: \(status)\(code)",
                    now: now)
            }
            outcome = "ok"
            return ok
        }
        logger.info("webhook", ["provider": provider.rawValue, "route": "\(route)", "result": outcome])
        return response
    }
}
