/// Forwards of mail whose sender could not be proven, counted per person, channel and day so that
/// no one can flood the leaders in a person's name (SPEC.md "Who is speaking"). A sender is known by
/// its channel and person id (`email:42`); the address and the text are never kept.
extension Store {
    /// One sender's day that had more unproven mail than was forwarded.
    public struct HeldForwards: Sendable, Hashable {
        public var sender: String
        public var day: String
        public var personID: Int64
        public var program: String
        public var held: Int
    }

    /// Counts one unproven message from `sender` on `day`: true while fewer than `limit` were
    /// forwarded that day (forward it), false beyond (it is only counted). Call in the transaction
    /// that records the message.
    public func admitUnverifiedForward(sender: String, day: String, personID: Int64, program: String, limit: Int)
        throws -> Bool
    {
        try database.run(
            """
            INSERT INTO unverified_sender (sender, day, person_id, program) VALUES (?, ?, ?, ?)
            ON CONFLICT (sender, day) DO NOTHING
            """, [sender, day, personID, program])
        let forwarded =
            try database.scalarInt(
                "SELECT forwarded FROM unverified_sender WHERE sender = ? AND day = ?", [sender, day]) ?? 0
        let admitted = forwarded < limit
        try database.run(
            """
            UPDATE unverified_sender SET forwarded = forwarded + ?, held = held + ? WHERE sender = ? AND day = ?
            """, [admitted ? 1 : 0, admitted ? 0 : 1, sender, day])
        return admitted
    }

    /// Days before `day` with held messages not yet reported to the leaders.
    public func unreportedHeldForwards(before day: String) throws -> [HeldForwards] {
        try database.query(
            """
            SELECT sender, day, person_id, program, held FROM unverified_sender
            WHERE day < ? AND held > 0 AND reported = 0 ORDER BY day, sender
            """, [day]
        ) { row throws(StoreError) in
            HeldForwards(
                sender: row.string(0), day: row.string(1), personID: row.int64(2), program: row.string(3),
                held: row.int(4))
        }
    }

    /// The held messages of `held.sender`'s `held.day` were reported to the leaders.
    public func markHeldForwardsReported(_ held: HeldForwards) throws {
        try database.run(
            "UPDATE unverified_sender SET reported = 1 WHERE sender = ? AND day = ?", [held.sender, held.day])
    }

    /// Counts of days before `day` go: only today's cap and the days not yet reported need them.
    public func forgetUnverifiedSenders(before day: String) throws {
        try database.run("DELETE FROM unverified_sender WHERE day < ? AND (reported = 1 OR held = 0)", [day])
    }
}
