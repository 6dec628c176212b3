import MentorModel
import MentorStore
import Transport

extension Deliverer {
    /// Refusals in a row on one channel, each "about the recipient" and with the same reply bar the
    /// address. When three different recipients are refused alike, the server refuses everyone
    /// (a relay that takes us for its final destination, or refuses us in words it calls the
    /// recipient's): the channel is held and those rows, and every further one refused alike, go
    /// back to waiting rather than fail (SPEC.md "A refusal is about the message only when it names
    /// the recipient").
    struct RefusalStreak {
        static let limit = 3
        var shape: String
        /// Who was refused: `p` and a person's id, or `l` and a leader's address (as the store has it).
        var recipients: Set<String> = []
        /// The rows of the streak recorded as failed so far.
        var failed: [Int64] = []
        /// `limit` recipients were refused alike: the channel is held.
        var tripped = false
        /// How many of `failed` were counted as failed in this pass's stats.
        var failedThisPass = 0

        /// The hold's reason, with the shape in it for the passes after (`shape(ofHold:)`).
        static func holdReason(shape: String) -> String {
            "the SMTP server refused \(limit) different recipients in a row alike (\(shape))"
                + holdReasonEnd
        }

        private static let holdReasonEnd =
            ": it refuses everyone, so the fault is the server's or our account's, not the messages'; "
            + "check the server's log and its rules for us"

        /// The shape a hold for refusals alike was made for; nil for any other hold.
        static func shape(ofHold reason: String) -> String? {
            let start = "the SMTP server refused \(limit) different recipients in a row alike ("
            guard reason.hasPrefix(start), reason.hasSuffix(")" + holdReasonEnd) else { return nil }
            return String(reason.dropFirst(start.count).dropLast(holdReasonEnd.count + 1))
        }
    }

    /// Takes up the refusals in a row that earlier passes left on `channel`: the run of the newest
    /// alike, as long as those rows still stand failed.
    func resumeRefusals(_ pass: inout Pass, channel: Channel) throws {
        // The channel is held because it refused everyone: while it still does, a refusal alike
        // (the probe's) waits with the others rather than fail.
        if let hold = pass.holds[channel], let shape = RefusalStreak.shape(ofHold: hold.reason) {
            pass.refusals[channel] = RefusalStreak(shape: shape, tripped: true)
            return
        }
        let run = try store.refusalRun(channel)
        pass.refusalsBefore[channel] = run.map(\.id)
        guard let last = run.last else { return }
        let shape = DeliveryError.refusalShape(last.reason)
        var streak = RefusalStreak(shape: shape)
        for refused in run.reversed() {
            guard DeliveryError.refusalShape(refused.reason) == shape else { break }
            streak.recipients.insert(refused.recipient)
            streak.failed.insert(refused.id, at: 0)
        }
        pass.refusals[channel] = streak
    }

    /// Keeps the run of refusals for the next pass, when it changed (a tripped run ended in a hold).
    func keepRefusals(_ pass: Pass, channel: Channel) throws {
        let ids = pass.refusals[channel].flatMap { $0.tripped ? nil : $0.failed } ?? []
        if ids != pass.refusalsBefore[channel] ?? [] { try store.setRefusalRun(channel, ids: ids) }
    }

    /// Counts a refusal about the recipient toward its channel's `RefusalStreak`. True when the row
    /// went back to waiting on the held channel; false when it fails as refused.
    func refusedAlike(_ outgoing: Outgoing, shape: String, pass: inout Pass) throws -> Bool {
        let row = outgoing.row
        let now = pass.now
        var streak = pass.refusals[row.channel].flatMap { $0.shape == shape ? $0 : nil } ?? RefusalStreak(shape: shape)
        defer { pass.refusals[row.channel] = streak }
        if !streak.tripped {
            streak.recipients.insert(row.recipient.map { "p\($0)" } ?? "l" + (row.leaderAddress ?? "").lowercased())
            guard streak.recipients.count >= RefusalStreak.limit else {
                streak.failed.append(row.id)
                streak.failedThisPass += 1
                return false
            }
            streak.tripped = true
            // The reply without the address: the reason lands on every waiting row.
            let reason = RefusalStreak.holdReason(shape: shape)
            let (hold, began) = try store.holdChannel(row.channel, reason: reason, retryAfter: nil, now: now)
            pass.holds[row.channel] = hold
            try store.requeueRefused(streak.failed, notBefore: hold.retryAt, reason: reason, now: now)
            pass.stats.failed -= streak.failedThisPass
            pass.stats.released += streak.failed.count
            logger.log(
                began ? .error : .warning, "channel",
                [
                    "channel": row.channel.rawValue, "result": "held", "outbox": String(row.id),
                    "requeued": String(streak.failed.count), "retry_in": String(hold.retryAt - now),
                    "since": String(hold.since), "reason": reason,
                ])
        }
        // A probe of the held channel refused alike: held again, for longer.
        if pass.holds[row.channel].map({ $0.retryAt <= now }) ?? true {
            pass.holds[row.channel] = try store.holdChannel(
                row.channel, reason: RefusalStreak.holdReason(shape: shape), retryAfter: nil, now: now
            ).hold
        }
        let hold = pass.holds[row.channel]
        try store.release(row.id, now: now, notBefore: hold?.retryAt, reason: hold?.reason)
        pass.stats.released += 1
        return true
    }
}
