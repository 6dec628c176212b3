import CCurl
import Foundation
import MentorModel

/// SMS through a provider's HTTP API (gatewayapi: JSON and token; twilio: form and basic auth).
/// The handle is kept across messages so the HTTPS connection stays open.
public final class HTTPSMSTransport: SMSTransport {
    let settings: SMSSettings
    let token: String
    private var curl: CurlHandle?
    /// New connections opened so far (1 for a batch that reused one connection throughout).
    public private(set) var connectionsOpened = 0

    let control: TransferControl

    public init(settings: SMSSettings, token: String, control: TransferControl = TransferControl()) {
        self.settings = settings
        self.token = token
        self.control = control
    }

    private func handle() throws(DeliveryError) -> CurlHandle {
        if let curl { return curl }
        let curl = try CurlHandle(control: control)
        try curl.configureCommon(
            protocols: settings.url.hasPrefix("https") ? "https" : "http",
            connectTimeout: min(settings.timeoutSeconds, 10),
            totalTimeout: settings.timeoutSeconds, caFile: settings.caFile, verify: true)
        try curl.set(CURLOPT_URL, settings.url)
        try curl.set(CURLOPT_POST, 1)
        switch settings.provider {
        case .gatewayapi:
            try curl.set(
                CURLOPT_HTTPHEADER,
                CurlStringList([
                    "Content-Type: application/json", "Accept: application/json", "Authorization: Token \(token)",
                ]))
        case .twilio:
            // CURLAUTH_BASIC (1) is a cast macro Swift cannot import.
            try curl.set(CURLOPT_HTTPAUTH, 1)
            try curl.set(CURLOPT_USERNAME, settings.accountSid ?? "")
            try curl.set(CURLOPT_PASSWORD, token)
            try curl.set(
                CURLOPT_HTTPHEADER,
                CurlStringList([
                    "Content-Type: application/x-www-form-urlencoded", "Accept: application/json",
                ]))
        }
        self.curl = curl
        return curl
    }

    /// The request body for the configured provider.
    public static func body(_ message: SMSPayload, settings: SMSSettings) throws(DeliveryError) -> [UInt8] {
        switch settings.provider {
        case .gatewayapi:
            guard message.to.hasPrefix("+"), let msisdn = Int64(message.to.dropFirst()) else {
                throw .permanent("'\(message.to)' is not an E.164 number")
            }
            // Built by hand, as bytes: JSONSerialization costs more than the HTTP request on loopback,
            // and a String put together and then copied out cost a fifth of an SMS's own work.
            var body: [UInt8] = []
            body.reserveCapacity(message.text.utf8.count + settings.sender.utf8.count + 96)
            JSONString.appendUTF8(#"{"message":"#, to: &body)
            JSONString.append(message.text, to: &body)
            JSONString.appendUTF8(#","recipients":[{"msisdn":"#, to: &body)
            JSONString.appendUTF8(String(msisdn), to: &body)
            JSONString.appendUTF8(#"}],"sender":"#, to: &body)
            JSONString.append(settings.sender, to: &body)
            JSONString.appendUTF8(#","userref":""#, to: &body)
            JSONString.appendUTF8(String(message.outboxID), to: &body)
            JSONString.appendUTF8(#""}"#, to: &body)
            return body
        case .twilio:
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            func encode(_ value: String) -> String { value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
            var form = "To=\(encode(message.to))&From=\(encode(settings.sender))&Body=\(encode(message.text))"
            if let callback = settings.statusCallback {
                form += "&StatusCallback=\(encode("\(callback)?outbox=\(message.outboxID)"))"
            }
            return Array(form.utf8)
        }
    }

    /// The request body and the segment count, built before the message's turn to be sent.
    public func prepare(_ message: SMSPayload) throws(DeliveryError) -> SMSPayload {
        var ready = message
        ready.prepared = try prepareNow(message)
        return ready
    }

    private func prepareNow(_ message: SMSPayload) throws(DeliveryError) -> PreparedSMS {
        PreparedSMS(
            body: try HTTPSMSTransport.body(message, settings: settings),
            segments: SMSEncoding.segments(message.text))
    }

    public func send(_ message: SMSPayload) throws(DeliveryError) -> DeliveryReceipt {
        let curl = try handle()
        // Built ahead by the deliverer; built here for a caller that sends directly.
        let prepared: PreparedSMS
        if let ready = message.prepared {
            prepared = ready
        } else {
            prepared = try prepareNow(message)
        }
        let body = prepared.body
        try curl.set(CURLOPT_POSTFIELDSIZE, body.count)
        try curl.check(
            CURLOPT_COPYPOSTFIELDS,
            body.withUnsafeBytes { buffer in
                ccurl_setopt_pointer(
                    curl.handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: buffer.baseAddress))
            })
        let (code, status, text) = curl.perform()
        connectionsOpened += curl.connectsOpened
        guard code == CURLE_OK else {
            curl.abandoned = true
            self.curl = nil
            throw curl.classify(code, message: text)
        }
        let answer = curl.buffers.response
        switch status {
        case 200..<300:
            return DeliveryReceipt(
                providerID: GatewayAnswer.providerID(answer, provider: settings.provider),
                segments: prepared.segments)
        case 400, 413, 414, 415, 422:
            // The gateway's answer about this message: its number or its text.
            throw .permanent("HTTP \(status) from the SMS gateway\(GatewayAnswer.detail(answer))")
        default:
            // 401/403 (our token), 402 (credit), 404/405 (our URL), 408/429 (slow down), 5xx: the
            // gateway or our account, not this message.
            let retry = GatewayAnswer.retryAfter(curl.buffers.headers)
            throw .channel(
                "HTTP \(status) from the SMS gateway\(GatewayAnswer.detail(answer))\(HTTPSMSTransport.hint(status))",
                retryAfter: retry)
        }
    }

    /// What to check, for the statuses that mean our configuration.
    static func hint(_ status: Int) -> String {
        switch status {
        case 401, 403: "; check the SMS token (sms.tokenFile)"
        case 402: "; the SMS account may be out of credit"
        case 404, 405: "; check sms.url"
        default: ""
        }
    }

    public func finishBatch() {}
}
