extension Store {
    /// After a restore the leases a copy carries belong to a process that is gone (the copy was
    /// taken while it delivered): they end now, as a lease past its time would, rather than hold
    /// their messages for up to the lease's length. A leased message that had been sent is marked
    /// by the journal before this runs. Returns how many ended.
    @discardableResult
    public func endCopiedLeases(now: Int64) throws -> Int {
        try database.run(
            "UPDATE outbox SET status = 'pending', lease_until = NULL, updated_at = ? WHERE status = 'sending'", [now])
    }
}
