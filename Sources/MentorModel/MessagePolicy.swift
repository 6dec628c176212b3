/// The three questions every stage asks of a message — the scheduler when it plans, the cycle when
/// it withdraws what stopped being due, the deliverer before it sends — answered in one place, so
/// they can never disagree.
public enum MessagePolicy {
    /// Whether a message about `relationship` may still go on `today`: before the forløb's end, or
    /// after it for the messages allowed then (the closing message, the final evaluation).
    public static func forloebAllows(_ relationship: Relationship, afterEnd allowedAfterEnd: Bool, on today: LocalDate)
        -> Bool
    {
        allowedAfterEnd || today < relationship.effectiveEnd
    }

    /// The instant a message about `relationship` stops being allowed (the start of its end day in
    /// `zone`), or nil when it may follow the end.
    public static func forloebDeadline(_ relationship: Relationship, afterEnd allowedAfterEnd: Bool, zone: Zone)
        -> Int64?
    {
        allowedAfterEnd ? nil : zone.instant(relationship.effectiveEnd, .midnight)
    }

    /// Whether a message whose moment passes at `expiresAt` is still worth sending at `now`.
    public static func stillWorthSending(expiresAt: Int64?, now: Int64) -> Bool {
        expiresAt.map { now < $0 } ?? true
    }

    /// The reason recorded when a message's moment passed while it waited; the last error, if it
    /// had one, says why it waited.
    public static func expiredReason(lastError: String?) -> String {
        lastError.map { "expired before it could be sent (last error: \($0))" } ?? "expired before it could be sent"
    }

    /// Why `person` cannot be reached on `channel` now, or nil when they can: the reason a message
    /// to them is suppressed.
    /// `rule`: a confirmation answers what the person just wrote on that channel, so it goes even
    /// when they opted out of it (the confirmation of "stop" says it worked).
    /// `program`: a person may have stopped one program's messages with an email's unsubscribe link.
    public static func unreachable(_ person: Person, on channel: Channel, rule: Rule? = nil, program: String? = nil)
        -> String?
    {
        if person.forgotten { return "the person was forgotten" }
        if person.optedOut.contains(channel), rule != .replyConfirmation { return "opted out of \(channel.rawValue)" }
        if let program, rule != .replyConfirmation,
            person.programOptOuts.contains(ProgramOptOut(program: program, channel: channel))
        {
            return "unsubscribed from \(program) \(channel.rawValue)"
        }
        if person.address(channel) == nil { return "no \(channel.rawValue) address" }
        return nil
    }
}
