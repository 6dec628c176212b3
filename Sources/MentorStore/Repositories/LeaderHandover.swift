extension Store {
    /// Of `keys`, those whose message went out or is going out: a leader message handed to a cover
    /// is not sent again when one of the program's leaders already has it.
    public func deliveredKeys(_ keys: [String]) throws -> Set<String> {
        var found = Set<String>()
        try database.forEach("SELECT key FROM outbox WHERE status IN ('sent', 'sending') AND key IN (?*)", in: keys) {
            found.insert($0.string(0))
        }
        return found
    }
}
