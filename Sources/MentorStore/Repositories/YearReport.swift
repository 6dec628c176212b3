public import MentorModel

/// The board's numbers for one program (or all) in one year (`report year`): counts only, no
/// names. Every figure is defined in the man page; the definitions are repeated where computed.
public struct YearFigures: Sendable, Equatable {
    /// The program's id, or `all`.
    public var program: String
    public var running = 0
    public var started = 0
    /// End reason (the stored category; `unknown` when none was recorded) → pairs.
    public var ended: [String: Int] = [:]
    public var endedAsPlanned = 0
    public var averageMonths: Double?
    public var contactMinutes = 0
    public var medianMinutesPerPairMonth: Double?
    public var shareMonthsAtTarget: Double?
    /// Role → count.
    public var evaluationsAsked: [String: Int] = [:]
    public var evaluationsReturned: [String: Int] = [:]
    public var cafeEvenings = 0
    public var cafeYes = 0
    /// Channel → status → count.
    public var messages: [String: [String: Int]] = [:]
    public var optOuts = 0

    public init(program: String) { self.program = program }
}

/// The part of a year a report covers: from 1 January up to the end of `through` (the year's last
/// day, or today for the running year), and its complete months.
public struct YearPeriod: Sendable, Equatable {
    public var year: Int
    public var first: LocalDate
    /// The first day after the period.
    public var end: LocalDate

    public init(year: Int, today: LocalDate) {
        self.year = year
        first = YearMonth(year: year, month: 1).firstDay
        end = min(YearMonth(year: year + 1, month: 1).firstDay, max(first, today.adding(days: 1)))
    }

    /// The months of the period that are over: a month still running is not judged yet.
    public var completeMonths: [YearMonth] {
        (1...12).map { YearMonth(year: year, month: $0) }.filter { $0.adding(months: 1).firstDay <= end }
    }

    func contains(_ date: LocalDate) -> Bool { first <= date && date < end }
}

extension YearFigures {
    /// The figures that come from the pairs and their minutes: `relationships` of this program (or
    /// of all), `minutes` per pair and month, and the monthly target of each pair's program (nil
    /// without one), as the monthly-hours rule holds it.
    public static func pairs(
        program: String, relationships: [Relationship], minutes: [Int64: [YearMonth: Int]], period: YearPeriod,
        target: (Relationship) -> Int?
    ) -> YearFigures {
        var figures = YearFigures(program: program)
        var lengths: [Double] = []
        var pairMonths: [Int] = []
        var counted = 0
        var atTarget = 0
        let months = period.completeMonths
        for relationship in relationships {
            let end = relationship.effectiveEnd
            // Active on at least one day of the period.
            if max(relationship.start, period.first) < min(end, period.end) { figures.running += 1 }
            if period.contains(relationship.start) { figures.started += 1 }
            if let endedOn = relationship.endedOn, period.contains(end) {
                figures.ended[relationship.endReason?.rawValue ?? "unknown", default: 0] += 1
                if endedOn >= relationship.plannedEnd { figures.endedAsPlanned += 1 }
                lengths.append(monthsBetween(relationship.start, end))
            }
            let logged = minutes[relationship.id] ?? [:]
            figures.contactMinutes += logged.filter { period.contains($0.key.firstDay) }.values.reduce(0, +)
            for month in months {
                let next = month.adding(months: 1).firstDay
                guard max(relationship.start, month.firstDay) < min(end, next) else { continue }
                pairMonths.append(logged[month] ?? 0)
                if let target = target(relationship), relationship.countsTowardTarget(in: month) {
                    counted += 1
                    if (logged[month] ?? 0) >= target { atTarget += 1 }
                }
            }
        }
        figures.averageMonths = lengths.isEmpty ? nil : lengths.reduce(0, +) / Double(lengths.count)
        figures.medianMinutesPerPairMonth = median(pairMonths)
        figures.shareMonthsAtTarget = counted == 0 ? nil : Double(atTarget) / Double(counted)
        return figures
    }

    /// Calendar months from `start` to `end`: whole months (31 January + 1 month is the last of
    /// February), and the days left over as a share of the month they fall in.
    public static func monthsBetween(_ start: LocalDate, _ end: LocalDate) -> Double {
        guard start < end else { return 0 }
        var whole = (end.year - start.year) * 12 + end.month - start.month
        while whole > 0 && start.adding(months: whole) > end { whole -= 1 }
        let from = start.adding(months: whole)
        let to = start.adding(months: whole + 1)
        return Double(whole) + Double(from.days(until: end)) / Double(from.days(until: to))
    }

    /// The middle value; the mean of the two middle ones for an even count; nil for none.
    public static func median(_ values: [Int]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1
            ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2
    }
}

extension Store {
    /// The minutes of contact per pair and month of `period`: the month the period ends in counts
    /// only the days before its end (a running year stops today, not at the month's end).
    public func minutesByMonth(period: YearPeriod) throws -> [Int64: [YearMonth: Int]] {
        var result: [Int64: [YearMonth: Int]] = [:]
        let last = YearMonth(year: period.end.year, month: period.end.month)
        try database.forEach(
            """
            SELECT relationship_id, month, minutes FROM contact_month WHERE month >= ?1 AND month < ?2
            UNION ALL
            SELECT relationship_id, substr(date, 1, 7), sum(minutes) FROM contact
            WHERE date >= ?3 AND date < ?4 GROUP BY 1, 2
            """,
            [
                YearMonth(year: period.year, month: 1).description, last.description,
                max(period.first, last.firstDay).description, period.end.description,
            ]
        ) { row throws(StoreError) in
            guard let month = YearMonth(row.string(1)) else { return }
            result[row.int64(0), default: [:]][month, default: 0] += row.int(2)
        }
        return result
    }

    /// Fills in the figures that are counted from messages, evaluations, café answers and opt-outs:
    /// of `figures.program`, or of everything (messages and opt-outs that belong to no program
    /// included) when `program` is nil. `from` and `to` are the period's bounds as instants.
    public func countYear(
        into figures: inout YearFigures, program: String?, period: YearPeriod, from: Int64, to: Int64
    ) throws {
        let first = period.first.description
        let end = period.end.description
        // A request is its key (`evaluation:PAIR:ROLE:DATE`), asked when its first channel carried
        // it: a person reached by email and SMS was asked once.
        try database.forEach(
            """
            SELECT role, count(*) FROM (
                SELECT role, min(sent_at) AS first FROM outbox
                WHERE rule = 'evaluation' AND status = 'sent' AND role IN ('mentor', 'mentee')
                    AND (?1 IS NULL OR program = ?1)
                GROUP BY key, role)
            WHERE first >= ?2 AND first < ?3
            GROUP BY role
            """, [program, from, to]
        ) { figures.evaluationsAsked[$0.string(0)] = $0.int(1) }
        try database.forEach(
            """
            SELECT e.by, count(*) FROM evaluation e JOIN relationship r ON r.id = e.relationship_id
            WHERE e.date >= ?2 AND e.date < ?3 AND (?1 IS NULL OR r.program = ?1)
            GROUP BY e.by
            """, [program, first, end]
        ) { figures.evaluationsReturned[$0.string(0)] = $0.int(1) }
        // An evening is the period of its invitations' key (`cafe-invite:PROGRAM:mentee-ID:PERIOD`),
        // the evening's local start: counted once however many were invited.
        var evenings = Set<String>()
        try database.forEach(
            """
            SELECT program, key FROM outbox
            WHERE rule = 'cafe-invite' AND status = 'sent' AND (?1 IS NULL OR program = ?1)
            """, [program]
        ) { row in
            guard let key = MessageKey.parse(row.string(1)), let date = LocalDate(key.period.prefix(10)),
                period.contains(date)
            else { return }
            evenings.insert(row.string(0) + " " + key.period)
        }
        figures.cafeEvenings = evenings.count
        figures.cafeYes =
            try database.scalarInt(
                """
                SELECT count(*) FROM cafe_answer
                WHERE answer = 'yes' AND substr(at, 1, 10) >= ?2 AND substr(at, 1, 10) < ?3
                    AND (?1 IS NULL OR program = ?1)
                """, [program, first, end]) ?? 0
        try database.forEach(
            """
            SELECT channel, status, count(*) FROM outbox
            WHERE coalesce(sent_at, not_before) >= ?2 AND coalesce(sent_at, not_before) < ?3
                AND (?1 IS NULL OR program = ?1)
            GROUP BY channel, status
            """, [program, from, to]
        ) { figures.messages[$0.string(0), default: [:]][$0.string(1)] = $0.int(2) }
        // An opt-out of a whole channel names no program: it counts for each program the person
        // has a forløb in.
        figures.optOuts =
            try database.scalarInt(
                """
                SELECT count(*) FROM opt_out_event e
                WHERE e.opted_out = 1 AND e.at >= ?2 AND e.at < ?3
                    AND (?1 IS NULL OR e.program = ?1 OR (e.program IS NULL AND EXISTS (
                        SELECT 1 FROM relationship r
                        WHERE r.program = ?1 AND (r.mentor_id = e.person_id OR r.mentee_id = e.person_id))))
                """, [program, from, to]) ?? 0
    }
}
