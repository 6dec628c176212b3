import MentorModel
import MentorStore
import Transport

/// What becomes of a row after its attempt: sent, released, retried with backoff, given up,
/// failed, or waiting on a held channel; each logged as one delivery event.
extension Deliverer {
    /// Postfix-style backoff: 5 minutes, doubling, at most 4000 s (about an hour).
    public static func backoff(attempt: Int) -> Int64 {
        let base: Int64 = 300
        let shift = min(max(attempt - 1, 0), 10)
        return min(base << Int64(shift), 4000)
    }

    /// A message still deferred this long after it was queued is given up (RFC 5321 4.5.4.1: 4-5 days).
    static let giveUpSeconds: Int64 = 5 * 86_400

    func finish(
        _ row: OutboxRow, _ status: OutboxStatus, _ reason: String, now: Int64, address: String?,
        stats: inout Stats
    ) throws {
        try store.markFinal(row.id, status: status, reason: reason, now: now)
        switch status {
        case .failed: stats.failed += 1
        case .expired: stats.expired += 1
        default: stats.suppressed += 1
        }
        log(status == .failed ? .warning : .info, row, to: address, result: status.rawValue, reason: reason)
    }

    /// The delivery event for a row that ended, or went back, with a reason.
    func log(_ level: Logger.Level, _ row: OutboxRow, to address: String?, result: String, reason: String) {
        logger.log(
            level, "delivery",
            [
                "outbox": String(row.id), "rule": row.rule.rawValue, "channel": row.channel.rawValue,
                "to": Logger.mask(address),
                "result": result, "reason": reason,
            ])
    }

    /// What became of one message the sender had.
    func record(_ outgoing: Outgoing, _ outcome: Sender.Outcome, pass: inout Pass) throws {
        let row = outgoing.row
        let address = outgoing.address
        let now = pass.now
        switch outcome {
        case .sent(let receipt, let journaled):
            if !journaled {
                try store.markSent(row.id, providerID: receipt.providerID, segments: receipt.segments, now: now)
            }
            pass.stats.sent += 1
            pass.refusals[row.channel] = nil
            logger.info(
                "delivery",
                [
                    "outbox": String(row.id), "rule": row.rule.rawValue, "channel": row.channel.rawValue,
                    "to": Logger.mask(address),
                    "result": "sent", "attempt": String(row.attempts), "provider": receipt.providerID ?? "-",
                ])
            try channelWorks(row.channel, pass: &pass)
        case .notAttempted(.stopping):
            try releaseUnsent(row, now: now, stats: &pass.stats)
        case .notAttempted(.channelHeld):
            // Waits with the hold's reason, like every other message on the channel.
            try store.release(row.id, now: now, reason: pass.holds[row.channel]?.reason)
            pass.stats.released += 1
        case .notAttempted(.windowClosed):
            // Back to pending; with the window closed, this pass leases no more rows meant for it.
            try store.release(row.id, now: now)
            log(.info, row, to: address, result: "held", reason: "the send window closed")
        case .notAttempted(.leaseRunningShort):
            // Given back and leased afresh: it goes out later in this pass.
            try store.release(row.id, now: now)
            pass.seen.remove(row.id)
            log(.info, row, to: address, result: "requeued", reason: "half of the lease had passed")
        case .failed(let error):
            try recordFailure(outgoing, error, pass: &pass)
        }
    }

    func recordFailure(_ outgoing: Outgoing, _ error: DeliveryError, pass: inout Pass) throws {
        let row = outgoing.row
        let address = outgoing.address
        let now = pass.now
        switch error.kind {
        case .stopped:
            // Aborted by SIGTERM: given back untouched, to go out with the next start.
            try releaseUnsent(row, now: now, stats: &pass.stats)
            log(.info, row, to: address, result: "released", reason: error.reason)
        case .permanent:
            if let shape = error.refusal, try refusedAlike(outgoing, shape: shape, pass: &pass) { return }
            try finish(row, .failed, error.reason, now: now, address: address, stats: &pass.stats)
        case .channel(let retryAfter):
            pass.refusals[row.channel] = nil
            // The channel, not the message: held, and every message on it waits without counting.
            // This one waits a little longer than the hold, so that a message the server keeps
            // refusing for a reason of its own does not stand first in line at every probe.
            let (hold, began) = try store.holdChannel(
                row.channel, reason: error.reason, retryAfter: retryAfter.map(Int64.init), now: now)
            pass.holds[row.channel] = hold
            let delay = max(hold.retryAt - now, Deliverer.backoff(attempt: row.attempts))
            try store.release(row.id, now: now, notBefore: now + delay, reason: error.reason)
            pass.stats.released += 1
            logger.log(
                began ? .error : .warning, "channel",
                [
                    "channel": row.channel.rawValue, "result": "held", "outbox": String(row.id),
                    "retry_in": String(hold.retryAt - now), "since": String(hold.since), "reason": error.reason,
                ])
        case .transient:
            pass.refusals[row.channel] = nil
            // The server took us as far as this recipient: an outage is over (not a hold for
            // refusing everyone alike, which one deferral does not disprove).
            if let hold = pass.holds[row.channel], RefusalStreak.shape(ofHold: hold.reason) == nil {
                try channelWorks(row.channel, pass: &pass)
            }
            try retryLater(outgoing, error, pass: &pass)
        }
    }

    /// The channel answered about a message: the hold it was under is lifted, and its time credited
    /// to the messages waiting.
    func channelWorks(_ channel: Channel, pass: inout Pass) throws {
        guard pass.holds[channel] != nil, let hold = try store.liftHold(channel, now: pass.now) else { return }
        pass.holds[channel] = nil
        logger.info(
            "channel",
            ["channel": channel.rawValue, "result": "working", "held_seconds": String(max(pass.now - hold.since, 0))])
    }

    /// A deferral of this message alone: tried again after the backoff, until it expires or has been
    /// deferred for `giveUpSeconds` since it was queued (time its channel was held not counted).
    func retryLater(_ outgoing: Outgoing, _ error: DeliveryError, pass: inout Pass) throws {
        let row = outgoing.row
        let address = outgoing.address
        let now = pass.now
        let delay = Deliverer.backoff(attempt: row.attempts)
        let next = now + delay
        if let expires = row.expiresAt, next >= expires, expires - now < Deliverer.giveUpSeconds {
            return try finish(
                row, .expired, "expired while retrying: \(error.reason)", now: now, address: address,
                stats: &pass.stats)
        }
        if next >= row.createdAt + row.heldSeconds + Deliverer.giveUpSeconds {
            return try finish(
                row, .failed, "gave up after \(row.attempts) attempts over 5 days: \(error.reason)", now: now,
                address: address, stats: &pass.stats)
        }
        try store.markRetry(row.id, retryAt: next, reason: error.reason, now: now)
        pass.stats.retried += 1
        logger.warning(
            "delivery",
            [
                "outbox": String(row.id), "rule": row.rule.rawValue, "channel": row.channel.rawValue,
                "to": Logger.mask(address),
                "result": "retry", "attempt": String(row.attempts), "retry_in": String(delay),
                "reason": error.reason,
            ])
    }
}
