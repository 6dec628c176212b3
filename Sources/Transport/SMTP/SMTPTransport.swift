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

    let control: TransferControl
    /// The envelope sender (MAIL FROM), where bounces go: the replies address when answers are
    /// read, else the From address.
    public var envelopeSender: String?

    public init(settings: EmailSettings, password: String?, control: TransferControl = TransferControl()) {
        self.settings = settings
        self.password = password
        self.control = control
    }

    private func handle() throws(DeliveryError) -> CurlHandle {
        if let curl { return curl }
        let curl = try CurlHandle(control: control)
        try curl.configureCommon(
            protocols: "smtp,smtps", connectTimeout: min(settings.timeoutSeconds, 15),
            totalTimeout: settings.timeoutSeconds,
            caFile: settings.caFile, verify: !settings.insecureSkipVerify)
        try curl.set(CURLOPT_URL, settings.transferURL)
        try curl.followSMTPDialogue()
        if settings.url.hasPrefix("smtp://") {
            try curl.set(
                CURLOPT_USE_SSL, settings.requireTLS ? Int(CURLUSESSL_ALL.rawValue) : Int(CURLUSESSL_NONE.rawValue))
        }
        if let username = settings.username {
            try curl.set(CURLOPT_USERNAME, username)
            try curl.set(CURLOPT_PASSWORD, password ?? "")
        }
        try curl.set(CURLOPT_MAIL_FROM, "<\(EmailSettings.address(of: envelopeSender ?? settings.from))>")
        try curl.set(CURLOPT_UPLOAD, 1)
        self.curl = curl
        return curl
    }

    public func send(_ message: EmailPayload) throws(DeliveryError) -> DeliveryReceipt {
        let curl = try handle()
        try curl.set(CURLOPT_MAIL_RCPT, CurlStringList(["<\(message.to)>"]))
        curl.buffers.upload = Array(message.mime.utf8)
        try curl.set(CURLOPT_INFILESIZE, curl.buffers.upload.count)
        let (code, response, text) = curl.perform()
        connectionsOpened += curl.connectsOpened
        if code == CURLE_OK {
            return DeliveryReceipt(providerID: "smtp \(response) \(message.messageID)")
        }
        // A failed transaction may leave the connection mid-command: start afresh next time, without
        // waiting on a goodbye the server may never answer.
        curl.abandoned = true
        self.curl = nil
        throw SMTPTransport.classify(
            code: code, response: response, message: text, dialogue: curl.buffers.dialogue ?? SMTPDialogue(),
            cancelled: control.isCancelled)
    }

    /// Only a 5xx answer at RCPT or DATA that names the recipient or the message (SPEC.md: "A
    /// refusal is about the message only when it names the recipient") fails it; a 4xx there that
    /// names the recipient (a busy or full mailbox, greylisting) retries it. Everything else —
    /// no connection, any other 4xx, a refused greeting, EHLO, login or sender, and a refusal
    /// at RCPT of our sender, EHLO name or right to relay, which Postfix gives only there
    /// (`smtpd_delay_reject`) — is about the server or our account: the channel is held and the
    /// message waits (RFC 5321 4.2.1, 4.5.4.1; RFC 3463).
    static func classify(code: CURLcode, response: Int, message: String, dialogue: SMTPDialogue, cancelled: Bool)
        -> DeliveryError
    {
        let reply = dialogue.replyCode ?? response
        let stage = dialogue.stage
        let server = dialogue.serverText.isEmpty ? "SMTP \(reply)" : "SMTP \(dialogue.serverText)"
        // No refusal from the server (a timeout, a dropped connection, TLS): libcurl's words say it.
        if code == CURLE_ABORTED_BY_CALLBACK || reply < 400 {
            return CurlHandle.classify(code, message: message, cancelled: cancelled)
        }
        let verb = stage.rawValue.uppercased()
        if stage.concernsMessage {
            switch dialogue.refusal(at: stage) {
            case .recipient where reply < 500:
                // The mailbox is busy or full, or greylists us: this message, later.
                return .transient("\(server) (deferred at \(verb))")
            case .recipient:
                var error = DeliveryError.permanent("\(server) (refused at \(verb))")
                error.refusal = DeliveryError.refusalShape(error.reason)
                return error
            case .sender:
                return .channel(
                    "the SMTP server refused our sender address at \(verb): \(server); "
                        + "check email.from, and that email.username may send as it")
            case .helo:
                return .channel(
                    "the SMTP server refused our EHLO name at \(verb): \(server); "
                        + "set email.heloName to a full host name the server accepts")
            case .relay:
                return .channel(
                    "the SMTP server will not relay for us: \(server); check email.url, email.username and the password"
                )
            case .other where (500..<600).contains(reply):
                return .channel(
                    "the SMTP server refused at \(verb) for a reason not about the recipient: \(server); "
                        + "check the server's log and its rules for us")
            case .other:
                break  // A 4xx: the server, for now (below).
            }
        }
        switch stage {
        case .auth:
            return .channel("the SMTP server refused the login: \(server); check email.username and the password")
        case .greeting, .connect:
            return .channel("the SMTP server refused the connection: \(server)")
        case .mail:
            return .channel("the SMTP server refused our sender address: \(server); check email.from")
        case .ehlo, .starttls:
            return .channel("the SMTP server refused \(verb): \(server)")
        case .rcpt, .data:
            return .channel("\(server) (at \(verb))")
        }
    }

    public func finishBatch() {
        // Close between cycles: a connection idle for a minute would be dropped by the server anyway.
        curl = nil
    }
}
