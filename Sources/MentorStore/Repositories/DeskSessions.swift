/// The tokens of the leader's desk (SPEC.md "The leader's desk"): a sign-in link's and a
/// session's. 128 random bits from the system's generator (`getrandom`), written as 32 lower-case
/// hex digits; the database keeps only their SHA-256 (libcrypto), so a copy of it opens nothing.
public enum DeskToken {
    public static func make() -> String {
        // SystemRandomNumberGenerator reads getrandom(2) on Linux: a cryptographic source.
        var generator = SystemRandomNumberGenerator()
        return [generator.next(), generator.next()].map { (word: UInt64) in
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }

    /// What the database keeps of a token.
    public static func hash(_ token: String) throws(StoreError) -> String {
        try InboundKey.sha256Hex(Array(token.utf8))
    }
}

/// What a sign-in link is, when it is opened or pressed.
public enum DeskLinkState: Sendable, Equatable {
    /// Not used, not expired: for this (lower-cased) address.
    case valid(address: String)
    case used
    case expired
    case unknown
}

extension Store {
    /// The links mailed since `since`: to `address`, and in all (the rate limits' counts).
    public func deskLinksMailed(to address: String, since: Int64) throws -> (address: Int, all: Int) {
        try database.queryOne(
            """
            SELECT coalesce(sum(address = ?), 0), count(*) FROM desk_link WHERE mailed = 1 AND created_at > ?
            """, [address, since]
        ) { row in (row.int(0), row.int(1)) } ?? (0, 0)
    }

    /// Records a link by its hash. With `keep` false the same statement runs and inserts nothing:
    /// a sign-in request for a stranger's address does the same work as a leader's.
    public func addDeskLink(
        hash: String, address: String, now: Int64, expiresAt: Int64, mailed: Bool, keep: Bool = true
    ) throws {
        try database.run(
            """
            INSERT INTO desk_link (hash, address, created_at, expires_at, mailed)
                SELECT ?, ?, ?, ?, ? WHERE ?
            """, [hash, address, now, expiresAt, mailed, keep])
    }

    /// What the link with `hash` is at `now`, without using it (the page with the button).
    public func deskLink(hash: String, now: Int64) throws -> DeskLinkState {
        let row = try database.queryOne(
            "SELECT address, expires_at, used_at FROM desk_link WHERE hash = ?", [hash]
        ) { row in (row.string(0), row.int64(1), row.optionalInt64(2)) }
        guard let (address, expiresAt, usedAt) = row else { return .unknown }
        if usedAt != nil { return .used }
        if now >= expiresAt { return .expired }
        return .valid(address: address)
    }

    /// Uses the link: valid once, and only until it expires.
    public func useDeskLink(hash: String, now: Int64) throws -> DeskLinkState {
        try write {
            let state = try deskLink(hash: hash, now: now)
            if case .valid = state {
                try database.run("UPDATE desk_link SET used_at = ? WHERE hash = ? AND used_at IS NULL", [now, hash])
            }
            return state
        }
    }

    public func startDeskSession(hash: String, address: String, now: Int64) throws {
        try database.run(
            "INSERT INTO desk_session (hash, address, created_at, seen_at) VALUES (?, ?, ?, ?)",
            [hash, address, now, now])
    }

    /// The address whose session `hash` is, when it is still alive at `now` (seen within
    /// `idleSeconds`, begun within `lifetimeSeconds`); it counts as seen now. A session that has
    /// run out is removed.
    public func deskSession(hash: String, now: Int64, idleSeconds: Int64, lifetimeSeconds: Int64) throws -> String? {
        try write {
            let row = try database.queryOne(
                "SELECT address, created_at, seen_at FROM desk_session WHERE hash = ?", [hash]
            ) { row in (row.string(0), row.int64(1), row.int64(2)) }
            guard let (address, createdAt, seenAt) = row else { return nil }
            guard now - seenAt < idleSeconds, now - createdAt < lifetimeSeconds, now >= createdAt else {
                try database.run("DELETE FROM desk_session WHERE hash = ?", [hash])
                return nil
            }
            try database.run("UPDATE desk_session SET seen_at = max(seen_at, ?) WHERE hash = ?", [now, hash])
            return address
        }
    }

    public func endDeskSession(hash: String) throws {
        try database.run("DELETE FROM desk_session WHERE hash = ?", [hash])
    }

    /// Ends the sessions and links of every address not in `leaders` (lower-cased): someone who is
    /// no longer a leader keeps no way in, even if the config names them again later.
    public func endDeskAccess(except leaders: Set<String>) throws {
        let marks = Array(repeating: "?", count: leaders.count).joined(separator: ",")
        let arguments = leaders.sorted().map { $0 as any SQLArgument }
        try write {
            try database.run("DELETE FROM desk_session WHERE address NOT IN (\(marks))", arguments)
            try database.run("DELETE FROM desk_link WHERE used_at IS NULL AND address NOT IN (\(marks))", arguments)
        }
    }

    /// Removes links made an hour ago or more (they no longer count against the limits) and
    /// sessions that have run out.
    public func purgeDesk(now: Int64, idleSeconds: Int64, lifetimeSeconds: Int64) throws {
        try database.run("DELETE FROM desk_link WHERE created_at <= ?", [now - 3600])
        try database.run(
            "DELETE FROM desk_session WHERE seen_at <= ? OR created_at <= ?",
            [now - idleSeconds, now - lifetimeSeconds])
    }
}
