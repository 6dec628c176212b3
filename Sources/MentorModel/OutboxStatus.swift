/// Outbox statuses (SPEC.md).
public enum OutboxStatus: String, Sendable, CaseIterable, Codable {
    case pending, sending, sent, failed, expired, suppressed
}

extension OutboxStatus {
    /// The message's fate is decided: it will not be tried again (unless `outbox retry`).
    public var isFinal: Bool { self != .pending && self != .sending }
}
