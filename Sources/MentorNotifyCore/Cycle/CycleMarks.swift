import MentorStore

/// What cycles record in `meta` about themselves, kept apart for real cycles (the daemon, a plain
/// `tick`) and what-if cycles (`tick --at`): a what-if cycle for a moment in the future must never
/// make the next real cycle count as earlier than the last one (SPEC.md "The leader's commands"),
/// nor make a daemon that stopped planning look healthy.
enum CycleMarks {
    /// The latest moment any cycle planned for, `tick --at` included.
    static let lastCycle = "last_cycle"
    /// The moment (the wall clock's) of the last real cycle that planned.
    static let lastRealCycle = "last_real_cycle"
    /// When the last real cycle ran (planned or skipped), by the wall clock.
    static let ranAt = "last_cycle_wall"
    /// When the last real cycle that planned ran, by the wall clock.
    static let plannedAt = "last_planned_wall"
    /// Set while real cycles are skipped (the wall clock went back): since when, and why.
    static let skipped = "real_cycle_skipped"

    /// The moment a cycle at `now` must not be earlier than, and from which it catches up: a real
    /// cycle looks only at real cycles, a what-if cycle at every cycle.
    static func previous(_ store: Store, real: Bool, wallNow: Int64) throws -> Int64? {
        let any = try store.meta(lastCycle).flatMap { Int64($0) }
        guard real else { return any }
        if let last = try store.meta(lastRealCycle).flatMap({ Int64($0) }) { return last }
        // A database from before real cycles were told apart: its last cycle counts unless it lies
        // ahead of the wall clock (a `tick --at` in the future, which froze the daemon).
        return any.flatMap { $0 <= wallNow + 60 ? $0 : nil }
    }

    /// Records a cycle that planned for `now`.
    static func planned(_ store: Store, now: Int64, real: Bool, wallNow: Int64) throws {
        let any = try store.meta(lastCycle).flatMap { Int64($0) }
        try store.setMeta(lastCycle, String(max(any ?? now, now)))
        if real {
            try store.setMeta(plannedAt, String(wallNow))
            try store.setMeta(lastRealCycle, String(now))
            try store.setMeta(skipped, "")
        }
    }

    /// Records a real cycle that did not plan; the first skip's moment is kept (skipped since).
    static func skippedReal(_ store: Store, description: String) throws {
        if try store.meta(skipped)?.isEmpty ?? true { try store.setMeta(skipped, description) }
    }
}
