/// An email ready for SMTP: the envelope recipient and the whole RFC 5322 text.
public struct EmailPayload: Sendable {
    public var outboxID: Int64
    public var to: String
    public var mime: String
    public var messageID: String

    public init(outboxID: Int64, to: String, mime: String, messageID: String) {
        self.outboxID = outboxID
        self.to = to
        self.mime = mime
        self.messageID = messageID
    }
}

/// An SMS ready for a gateway: an E.164 number and the text.
public struct SMSPayload: Sendable {
    public var outboxID: Int64
    public var to: String
    public var text: String
    /// The request body and segment count, when the transport built them ahead (`SMSTransport.prepare`).
    public var prepared: PreparedSMS?

    public init(outboxID: Int64, to: String, text: String) {
        self.outboxID = outboxID
        self.to = to
        self.text = text
    }
}

/// What an SMS transport built for a message before sending it.
public struct PreparedSMS: Sendable {
    public var body: [UInt8]
    public var segments: Int

    public init(body: [UInt8], segments: Int) {
        self.body = body
        self.segments = segments
    }
}

/// What a transport reports for a message it handed on.
public struct DeliveryReceipt: Sendable, Hashable {
    /// The gateway's message id, the SMTP server's reply, or the spool file name.
    public var providerID: String?
    public var segments: Int?

    public init(providerID: String?, segments: Int? = nil) {
        self.providerID = providerID
        self.segments = segments
    }
}

/// A failed send, classified at the transport edge by what it is about: this message, or the
/// channel (a server, its credentials, a gateway) that every message on it goes through.
public struct DeliveryError: Error, CustomStringConvertible, Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// About this message, worth trying again later (an SMTP 4xx that names the recipient).
        case transient
        /// About this message, and it will never succeed as it is (SMTP 5xx at RCPT or DATA, a
        /// gateway's 4xx about the number or the text).
        case permanent
        /// About the channel: the server is down or slow, refuses our login, answers 4xx at any stage,
        /// or the gateway answers 401/403/429/5xx. No message is at fault: the channel is held, and its
        /// messages wait without counting against their retry time.
        case channel(retryAfterSeconds: Int?)
        /// The transfer was aborted because the daemon is shutting down.
        case stopped
    }

    public var kind: Kind
    public var reason: String
    /// For a permanent refusal by a server: the reason with the recipient's address left out
    /// (`refusalShape`). The same refusal of three different recipients in a row is about the
    /// server, not the messages.
    public var refusal: String?

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public static func transient(_ reason: String) -> DeliveryError {
        DeliveryError(.transient, reason)
    }

    public static func permanent(_ reason: String) -> DeliveryError {
        DeliveryError(.permanent, reason)
    }

    public static func channel(_ reason: String, retryAfter: Int? = nil) -> DeliveryError {
        DeliveryError(.channel(retryAfterSeconds: retryAfter), reason)
    }

    /// A refusal's reason with every address left out: refusals alike of different recipients have
    /// one shape. Made from the reason as stored, so a row failed in an earlier pass compares too.
    public static func refusalShape(_ reason: String) -> String {
        reason.split(separator: " ", omittingEmptySubsequences: true)
            .map { $0.contains("@") ? "<address>" : String($0) }.joined(separator: " ")
    }

    /// A transfer aborted by shutdown.
    static let stopped = DeliveryError(.stopped, "stopped: the daemon is shutting down")

    /// Not final: the message may still go out (transient, a held channel, or a shutdown).
    public var isTransient: Bool {
        if case .permanent = kind { return false }
        return true
    }

    /// The channel is at fault, not the message.
    public var holdsChannel: Bool {
        if case .channel = kind { return true }
        return false
    }

    public var description: String { reason }
}

/// Sends email. Implementations keep their connection across the messages of a cycle.
public protocol EmailTransport: AnyObject {
    func send(_ message: EmailPayload) throws(DeliveryError) -> DeliveryReceipt
    /// The cycle's batch is done: a connection may be closed.
    func finishBatch()
}

/// Sends SMS.
public protocol SMSTransport: AnyObject {
    /// Builds what `send` needs, ahead of time and on the delivering thread, while an earlier
    /// message may be in `send` on the sender thread: it must only read settings.
    func prepare(_ message: SMSPayload) throws(DeliveryError) -> SMSPayload
    func send(_ message: SMSPayload) throws(DeliveryError) -> DeliveryReceipt
    func finishBatch()
}

extension SMSTransport {
    /// Nothing to build ahead.
    public func prepare(_ message: SMSPayload) throws(DeliveryError) -> SMSPayload { message }
}
