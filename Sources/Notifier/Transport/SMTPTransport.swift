import CCurl
import Foundation

/// Email over SMTP through libcurl: STARTTLS required on `smtp://` unless configured for a local
/// relay, implicit TLS on `smtps://`, AUTH from a secret file, certificates verified.
public final class SMTPTransport: EmailTransport {
    let settings: EmailSettings
    let password: String?
    private var curl: CurlHandle?
    /// New connections opened so far (1 for a batch that reused one connection throughout).
    public private(set) var connectionsOpened = 0

    public init(settings: EmailSettings, password: String?) {
        self.settings = settings
        self.password = password
    }

    private func handle() throws(DeliveryError) -> CurlHandle {
        if let curl { return curl }
        let curl = try CurlHandle()
        curl.configureCommon(
            protocols: "smtp,smtps", connectTimeout: min(settings.timeoutSeconds, 15),
            totalTimeout: settings.timeoutSeconds,
            caFile: settings.caFile, verify: !settings.insecureSkipVerify)
        curl.set(CURLOPT_URL, settings.url)
        if settings.url.hasPrefix("smtp://") {
            curl.set(
                CURLOPT_USE_SSL, settings.requireTLS ? Int(CURLUSESSL_ALL.rawValue) : Int(CURLUSESSL_NONE.rawValue))
        }
        if let username = settings.username {
            curl.set(CURLOPT_USERNAME, username)
            curl.set(CURLOPT_PASSWORD, password ?? "")
        }
        curl.set(CURLOPT_MAIL_FROM, "<\(EmailSettings.address(of: settings.from))>")
        curl.set(CURLOPT_UPLOAD, 1)
        self.curl = curl
        return curl
    }

    public func send(_ message: EmailPayload) throws(DeliveryError) -> DeliveryReceipt {
        let curl = try handle()
        curl.set(CURLOPT_MAIL_RCPT, CurlStringList(["<\(message.to)>"]))
        curl.buffers.upload = Array(message.mime.utf8)
        curl.set(CURLOPT_INFILESIZE, curl.buffers.upload.count)
        let (code, response, text) = curl.perform()
        connectionsOpened += curl.connectsOpened
        if code == CURLE_OK {
            return DeliveryReceipt(providerID: "smtp \(response) \(message.messageID)")
        }
        // A failed transaction may leave the connection mid-command: start afresh next time, without
        // waiting on a goodbye the server may never answer.
        curl.abandoned = true
        self.curl = nil
        throw SMTPTransport.classify(code: code, response: response, message: text)
    }

    /// SMTP 4xx is transient, 5xx permanent (RFC 5321 4.2.1); with no reply, the curl code decides.
    static func classify(code: CURLcode, response: Int, message: String) -> DeliveryError {
        if code == CURLE_LOGIN_DENIED || code == CURLE_ABORTED_BY_CALLBACK {
            return CurlHandle.classify(code, message: message)
        }
        switch response {
        case 400..<500: return .transient("SMTP \(response): \(message)")
        case 500..<600: return .permanent("SMTP \(response): \(message)")
        default: return CurlHandle.classify(code, message: message)
        }
    }

    public func finishBatch() {
        // Close between cycles: a connection idle for a minute would be dropped by the server anyway.
        curl = nil
    }
}
