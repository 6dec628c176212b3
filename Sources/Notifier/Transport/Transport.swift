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

/// A failed send, classified at the transport edge.
public struct DeliveryError: Error, CustomStringConvertible, Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// Worth trying again later (connection refused, timeout, SMTP 4xx, HTTP 408/429/5xx).
        case transient(retryAfterSeconds: Int?)
        /// Will never succeed as it is (SMTP 5xx, HTTP 4xx, bad credentials).
        case permanent
    }

    public var kind: Kind
    public var reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public static func transient(_ reason: String, retryAfter: Int? = nil) -> DeliveryError {
        DeliveryError(.transient(retryAfterSeconds: retryAfter), reason)
    }

    public static func permanent(_ reason: String) -> DeliveryError {
        DeliveryError(.permanent, reason)
    }

    /// The reason of a transfer aborted because the daemon is shutting down.
    static let shutdownReason = "stopped: the daemon is shutting down"

    public var isTransient: Bool {
        if case .transient = kind { return true }
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
