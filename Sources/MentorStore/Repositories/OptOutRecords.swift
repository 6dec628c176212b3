public import MentorModel

/// Opt-outs: the person's channel switches, one program's stops (`program_opt_out`), and the
/// record of each change for the leader's digest (`opt_out_event`).
extension Store {
    /// The one way anyone stops or restarts our messages to a person, whatever the route (a reply,
    /// the unsubscribe link, a complaint, the leader): changes it and records it for the leader's
    /// digest, in one transaction. A link or a complaint stops one program (`event.program`), a
    /// reply or the leader the whole channel; an opt-in undoes every stop on the channel, the
    /// programs' too. Returns whether it changed anything: only a change is recorded. A person
    /// forgotten changes no more.
    @discardableResult
    public func changeOptOut(_ event: OptOutEvent) throws -> Bool {
        try write {
            guard !(try person(event.personID)).forgotten else { return false }
            let changed: Bool
            // A link or a complaint always names its program; one without would stop the whole
            // channel, never send what was asked stopped.
            if event.optedOut, event.via.stopsOneProgram, let program = event.program {
                changed = try stopProgram(event.personID, program: program, channel: event.channel, now: event.at)
            } else {
                changed = try setOptOut(event.personID, channel: event.channel, optedOut: event.optedOut)
            }
            if changed {
                try database.run(
                    """
                    INSERT INTO opt_out_event (person_id, program, channel, opted_out, via, at) VALUES (?, ?, ?, ?, ?, ?)
                    """,
                    [
                        event.personID, event.program, event.channel.rawValue, event.optedOut, event.via.rawValue,
                        event.at,
                    ])
            }
            return changed
        }
    }

    /// The channel's own switch (`stop` / `start`); opting back in also lifts the programs' stops.
    private func setOptOut(_ id: Int64, channel: Channel, optedOut: Bool) throws -> Bool {
        let column = channel == .email ? "opt_out_email" : "opt_out_sms"
        var changed =
            try database.run(
                "UPDATE person SET \(column) = ? WHERE id = ? AND \(column) != ?", [optedOut, id, optedOut]) > 0
        if !optedOut {
            changed =
                try database.run(
                    "DELETE FROM program_opt_out WHERE person_id = ? AND channel = ?", [id, channel.rawValue]) > 0
                || changed
        }
        return changed
    }

    /// One program's messages on one channel (the unsubscribe link, a complaint).
    private func stopProgram(_ id: Int64, program: String, channel: Channel, now: Int64) throws -> Bool {
        try database.run(
            """
            INSERT INTO program_opt_out (person_id, program, channel, at) VALUES (?, ?, ?, ?)
            ON CONFLICT (person_id, program, channel) DO NOTHING
            """, [id, program, channel.rawValue, now]) > 0
    }

    /// Retention: opt-out records older than `before` go (the digest needs only last month's).
    @discardableResult
    public func deleteOptOutEvents(before: Int64) throws -> Int {
        try database.run("DELETE FROM opt_out_event WHERE at < ?", [before])
    }

    /// The opt-outs and opt-ins recorded in [from, until), oldest first.
    public func optOutEvents(from: Int64, until: Int64) throws -> [OptOutEvent] {
        try database.query(
            """
            SELECT person_id, program, channel, opted_out, via, at FROM opt_out_event
            WHERE at >= ? AND at < ? ORDER BY at, id
            """, [from, until]
        ) { row throws(StoreError) in
            OptOutEvent(
                personID: row.int64(0), program: row.optionalString(1),
                channel: try row.value(2, as: Channel.init(rawValue:), "channel"), optedOut: row.bool(3),
                via: try row.value(4, as: OptOutRoute.init(rawValue:), "via"), at: row.int64(5))
        }
    }
}
