/// Outbox statuses (SPEC.md).
public enum OutboxStatus: String, Sendable, CaseIterable, Codable {
    case pending, sending, sent, failed, expired, suppressed
}
