public import MentorModel

/// A channel that cannot be used now: its server is down, refuses our login, or its gateway refuses
/// us. Messages on it wait (`pending`, with the reason) and are not sent until `retryAt`, when one
/// message probes the channel again.
public struct ChannelHold: Sendable, Hashable {
    public var channel: Channel
    /// When the outage began.
    public var since: Int64
    /// When the channel is tried again.
    public var retryAt: Int64
    /// How many times it has been tried again and still failed.
    public var probes: Int
    public var reason: String

    /// The channels that may be used at `now`: not held, or held and due to be tried again.
    public static func openChannels(_ holds: [Channel: ChannelHold], now: Int64) -> Set<Channel> {
        Set(Channel.allCases.filter { holds[$0].map { $0.retryAt <= now } ?? true })
    }
}

extension Store {
    public func channelHolds() throws -> [Channel: ChannelHold] {
        var holds: [Channel: ChannelHold] = [:]
        try database.forEach("SELECT channel, since, retry_at, probes, reason FROM channel_hold") {
            row throws(StoreError) in
            let channel = try row.value(try row.column("channel"), as: Channel.init(rawValue:), "held channel")
            holds[channel] = ChannelHold(
                channel: channel, since: row.int64(try row.column("since")),
                retryAt: row.int64(try row.column("retry_at")), probes: row.int(try row.column("probes")),
                reason: row.string(try row.column("reason")))
        }
        return holds
    }

    /// Holds `channel` (or holds it longer): its messages wait until the returned hold's `retryAt`,
    /// and carry `reason`. Returns the hold, and whether the outage began now.
    @discardableResult
    public func holdChannel(_ channel: Channel, reason: String, retryAfter: Int64?, now: Int64) throws -> (
        hold: ChannelHold, began: Bool
    ) {
        try write {
            let existing = try channelHolds()[channel]
            let probes = existing.map { $0.probes + 1 } ?? 0
            // One minute, doubling with each failed probe, at most 15 minutes: a refused login is not
            // retried every cycle (servers lock out accounts that keep failing), a short outage is not
            // waited out long.
            let backoff = min(Int64(60) << Int64(min(probes, 4)), 900)
            let hold = ChannelHold(
                channel: channel, since: existing?.since ?? now, retryAt: now + max(backoff, retryAfter ?? 0),
                probes: probes, reason: reason)
            try database.run(
                """
                INSERT INTO channel_hold (channel, since, retry_at, probes, reason) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (channel) DO UPDATE SET retry_at = excluded.retry_at, probes = excluded.probes,
                    reason = excluded.reason
                """, [channel.rawValue, hold.since, hold.retryAt, hold.probes, reason])
            try database.run(
                "UPDATE outbox SET reason = ? WHERE channel = ? AND status = 'pending'", [reason, channel.rawValue])
            return (hold, existing == nil)
        }
    }

    /// Rows that failed on a refusal that turned out to be the server's (it refused every recipient
    /// alike) go back to waiting for the held channel: pending from `notBefore`, with `reason`, their
    /// attempt not counted, and reported again should they fail again (as `retryFailed` does).
    public func requeueRefused(_ ids: [Int64], notBefore: Int64, reason: String, now: Int64) throws {
        try write {
            for id in ids {
                try database.run(
                    """
                    UPDATE outbox SET status = 'pending', not_before = ?, reason = ?, attempts = max(attempts - 1, 0),
                        lease_until = NULL, failure_reported = 0, updated_at = ?
                    WHERE id = ? AND status = 'failed'
                    """, [notBefore, reason, now, id])
            }
        }
    }

    /// The refusals in a row on `channel` that a pass left behind (`setRefusalRun`): each row that
    /// still stands failed, with its recipient (`p` and the person's id,
    /// or `l` and a leader's address) and its reason. Only ids are kept between passes; the rest is
    /// read from the rows, so `forget` leaves nothing behind here.
    public func refusalRun(_ channel: Channel) throws -> [(id: Int64, recipient: String, reason: String)] {
        guard let kept = try meta("refusals." + channel.rawValue) else { return [] }
        let ids = kept.split(separator: ",").compactMap { Int64($0) }.prefix(8)
        guard !ids.isEmpty else { return [] }
        var run: [(id: Int64, recipient: String, reason: String)] = []
        try database.forEach(
            """
            SELECT id, coalesce('p' || recipient, 'l' || lower(leader_address), ''), coalesce(reason, '') FROM outbox
            WHERE id IN (\(ids.map { _ in "?" }.joined(separator: ", "))) AND channel = ? AND status = 'failed'
            ORDER BY id
            """, ids.map { $0 as any SQLArgument } + [channel.rawValue]
        ) { row in run.append((row.int64(0), row.string(1), row.string(2))) }
        return run
    }

    /// Keeps the ids of the refusals in a row on `channel` for the next pass (none: the run ended).
    public func setRefusalRun(_ channel: Channel, ids: [Int64]) throws {
        try write { try setMeta("refusals." + channel.rawValue, ids.map(String.init).joined(separator: ",")) }
    }

    /// The channel works again: the hold is lifted, and the time it lasted is credited to each
    /// waiting message, so an outage never uses up a message's days of retrying. Returns the hold
    /// that ended, if there was one.
    @discardableResult
    public func liftHold(_ channel: Channel, now: Int64) throws -> ChannelHold? {
        try write {
            guard let hold = try channelHolds()[channel] else { return nil }
            try database.run(
                """
                UPDATE outbox SET held_seconds = held_seconds + (? - max(?, created_at)), reason = NULL
                WHERE channel = ? AND status IN ('pending', 'sending') AND created_at < ?
                """, [now, hold.since, channel.rawValue, now])
            try database.run("DELETE FROM channel_hold WHERE channel = ?", [channel.rawValue])
            return hold
        }
    }

    /// Failed messages back to pending, to be sent again at once with a fresh retry allowance.
    /// Returns the ids that were re-queued; rows that are not `failed`, or whose moment has passed
    /// (`expires_at`), are left as they are.
    public func retryFailed(ids: [Int64]? = nil, failedSince: Int64? = nil, now: Int64) throws -> [Int64] {
        try write {
            var conditions = ["status = 'failed'", "(expires_at IS NULL OR expires_at > ?)"]
            var arguments: [any SQLArgument] = [now]
            if let failedSince {
                conditions.append("updated_at >= ?")
                arguments.append(failedSince)
            }
            var candidates = try database.query(
                "SELECT id FROM outbox WHERE \(conditions.joined(separator: " AND ")) ORDER BY id", arguments
            ) { $0.int64(0) }
            if let ids { candidates = candidates.filter(Set(ids).contains) }
            for id in candidates {
                // The retry allowance starts afresh (the held time is what is not counted); the failure
                // is reported again if it happens again.
                try database.run(
                    """
                    UPDATE outbox SET status = 'pending', not_before = ?, attempts = 0, reason = NULL,
                        failure_reported = 0, held_seconds = ? - created_at, updated_at = ? WHERE id = ?
                    """, [now, now, now, id])
            }
            return candidates
        }
    }

    /// Messages waiting on `channel` (pending or leased), per program.
    public func waitingByProgram(channel: Channel) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        try database.forEach(
            """
            SELECT program, count(*) FROM outbox WHERE channel = ? AND status IN ('pending', 'sending')
                AND program IS NOT NULL GROUP BY program
            """, [channel.rawValue]
        ) { counts[$0.string(0)] = $0.int(1) }
        return counts
    }
}
