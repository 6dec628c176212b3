import Foundation
import MentorModel
import MentorStore
import Testing

@testable import MentorNotifyCore

/// `report year`: a small database with a known answer for every figure, and the demo's year
/// against counts the test takes from the rows with its own SQL.
@Suite struct YearReportTests {
    /// The instant a local time in Copenhagen is, by Foundation's calendar (not the program's Zone).
    static func copenhagen(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Copenhagen")!
        let date = calendar.date(
            from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
        return Int64(date.timeIntervalSince1970)
    }

    static func report(_ cli: CLIHarness, _ arguments: [String]) throws -> [String: [String: Any]] {
        let objects = try cli.json(["report", "year"] + arguments + ["--json"])
        return Dictionary(
            objects.map { (($0["program"] as? String) ?? "?", $0) }, uniquingKeysWith: { first, _ in first })
    }

    static func counts(_ value: Any?) -> [String: Int] {
        (value as? [String: Any])?.compactMapValues { $0 as? Int } ?? [:]
    }

    static func number(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }

    /// 2024, a leap year. mentorshoppen (target 240 minutes a month): a pair from October 2023 to
    /// its planned end on 1 April, one from 31 January that the mentee left on 29 February, one
    /// from 15 November into 2025, and one entirely in 2023. djoef (no target): a pair whose planned
    /// end passed without being closed, and one ended early without a reason. fki: nothing. old: a
    /// program no longer in the config, with a pair in 2022.
    static let handMade = """
        INSERT INTO person (id, role, name, channels) VALUES
            (1, 'mentor', 'a', 'email'), (2, 'mentee', 'b', 'email'), (3, 'mentor', 'c', 'email'),
            (4, 'mentee', 'd', 'email'), (5, 'mentor', 'e', 'email'), (6, 'mentee', 'f', 'email'),
            (7, 'mentor', 'g', 'email'), (8, 'mentee', 'h', 'email'), (9, 'mentor', 'i', 'email'),
            (10, 'mentee', 'j', 'email'), (11, 'mentee', 'k', 'email');
        INSERT INTO relationship (id, mentor_id, mentee_id, program, start_date, planned_end, ended_on, end_reason)
        VALUES
            (1, 1, 2, 'mentorshoppen', '2023-10-01', '2024-04-01', '2024-04-01', 'completed'),
            (2, 3, 4, 'mentorshoppen', '2024-01-31', '2024-07-31', '2024-02-29', 'mentee-left'),
            (3, 5, 6, 'mentorshoppen', '2024-11-15', '2025-05-15', NULL, NULL),
            (4, 7, 8, 'mentorshoppen', '2023-01-01', '2023-06-01', '2023-06-01', 'completed'),
            (5, 9, 10, 'djoef', '2024-03-01', '2024-09-01', NULL, NULL),
            (6, 3, 11, 'djoef', '2024-05-10', '2024-11-10', '2024-06-10', NULL),
            (7, 7, 8, 'old', '2022-01-01', '2022-06-01', '2022-06-01', 'completed');
        INSERT INTO contact (relationship_id, date, minutes) VALUES
            (1, '2023-12-20', 60), (1, '2024-01-10', 300), (1, '2024-02-29', 120), (1, '2024-03-05', 240),
            (2, '2024-02-01', 30), (3, '2024-11-20', 90), (3, '2024-12-01', 240), (3, '2025-01-05', 60),
            (5, '2024-03-03', 45);
        INSERT INTO evaluation (relationship_id, by, date) VALUES
            (1, 'mentor', '2024-03-20'), (2, 'mentee', '2024-02-20'), (5, 'mentee', '2024-08-01'),
            (1, 'mentee', '2023-12-01');
        INSERT INTO cafe_answer (program, at, person_id, answer, answered_at) VALUES
            ('mentorshoppen', '2024-03-06T18:00', 2, 'yes', 0), ('mentorshoppen', '2024-03-06T18:00', 4, 'no', 0),
            ('mentorshoppen', '2023-12-20T18:00', 2, 'yes', 0);
        """

    @Test func aSmallDatabaseGivesTheKnownAnswerForEveryFigure() throws {
        let cli = CLIHarness()
        #expect(try cli.run(["init"]).code == 0)
        let store = try Store(path: cli.folder + "/test.db")
        try store.database.execute(Self.handMade)
        // Outbox: (key, channel, rule, role, program, status, sent_at, not_before).
        let midYear = Self.copenhagen(2024, 6, 1, 12)
        // 00:30 on New Year's Day in Copenhagen is still 2023 in UTC: it counts for 2024.
        let newYear = Self.copenhagen(2024, 1, 1, 0, 30)
        let rows: [(String, String, String, String, String?, String, Int64?, Int64)] = [
            ("evaluation:1:mentor:a", "email", "evaluation", "mentor", "mentorshoppen", "sent", midYear, midYear),
            ("evaluation:1:mentor:b", "email", "evaluation", "mentor", "mentorshoppen", "sent", newYear, newYear),
            ("evaluation:1:mentee:a", "sms", "evaluation", "mentee", "mentorshoppen", "sent", midYear, midYear),
            // One request by two channels is asked once; the day its first channel carried it.
            ("evaluation:1:mentee:a", "email", "evaluation", "mentee", "mentorshoppen", "sent", midYear, midYear),
            (
                "evaluation:1:mentor:c", "email", "evaluation", "mentor", "mentorshoppen", "sent",
                Self.copenhagen(2023, 12, 31, 12), Self.copenhagen(2023, 12, 31, 12)
            ),
            (
                "evaluation:1:mentor:c", "sms", "evaluation", "mentor", "mentorshoppen", "sent",
                Self.copenhagen(2024, 1, 2, 12), Self.copenhagen(2024, 1, 2, 12)
            ),
            (
                "evaluation:2:mentee:a", "email", "evaluation", "mentee", "mentorshoppen", "pending", nil,
                Self.copenhagen(2024, 12, 30)
            ),
            (
                "evaluation-reminder:1:mentor:a", "email", "evaluation-reminder", "mentor", "mentorshoppen", "sent",
                midYear, midYear
            ),
            (
                "cafe-invite:mentorshoppen:mentee-2:2024-03-06T18:00", "email", "cafe-invite", "mentee",
                "mentorshoppen", "sent", Self.copenhagen(2024, 3, 3), Self.copenhagen(2024, 3, 3)
            ),
            (
                "cafe-invite:mentorshoppen:mentee-4:2024-03-06T18:00", "email", "cafe-invite", "mentee",
                "mentorshoppen", "sent", Self.copenhagen(2024, 3, 3), Self.copenhagen(2024, 3, 3)
            ),
            (
                "cafe-invite:mentorshoppen:mentee-2:2024-03-20T18:00", "email", "cafe-invite", "mentee",
                "mentorshoppen", "failed", nil, Self.copenhagen(2024, 3, 17)
            ),
            (
                "cafe-invite:mentorshoppen:mentee-6:2025-01-08T18:00", "email", "cafe-invite", "mentee",
                "mentorshoppen", "sent", Self.copenhagen(2025, 1, 5), Self.copenhagen(2025, 1, 5)
            ),
            (
                "delivery-failed:x:leader:2024-05-01", "email", "delivery-failed", "leader", nil, "sent",
                Self.copenhagen(2024, 5, 1), Self.copenhagen(2024, 5, 1)
            ),
        ]
        for row in rows {
            try store.database.run(
                """
                INSERT INTO outbox (key, channel, rule, role, program, status, sent_at, not_before, created_at,
                    updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0)
                """, [row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7])
        }
        // Opt-outs: person 4 from mentorshoppen's email; person 3 (a mentor in both programs) from
        // all email; an opt-in, and one in 2023, not counted.
        for (person, program, optedOut, at) in [
            (4, "mentorshoppen", 1, Self.copenhagen(2024, 4, 1)), (3, nil, 1, Self.copenhagen(2024, 7, 1)),
            (4, "mentorshoppen", 0, Self.copenhagen(2024, 5, 1)), (2, nil, 1, Self.copenhagen(2023, 6, 1)),
        ] as [(Int, String?, Int, Int64)] {
            try store.database.run(
                "INSERT INTO opt_out_event (person_id, program, channel, opted_out, via, at) VALUES (?, ?, 'email', ?, 'leader', ?)",
                [person, program, optedOut, at])
        }

        let report = try Self.report(cli, ["--year", "2024"])
        #expect(Set(report.keys) == ["mentorshoppen", "djoef", "fki", "symb", "lab", "old", "all"])
        let keys: Set<String> = [
            "program", "running", "started", "ended", "endedAsPlanned", "averageMonths", "contactMinutes",
            "medianMinutesPerPairMonth", "shareMonthsAtTarget", "evaluationsAsked", "evaluationsReturned",
            "cafeEvenings", "cafeYes", "messages", "optOuts",
        ]
        for object in report.values { #expect(Set(object.keys) == keys) }

        let shop = try #require(report["mentorshoppen"])
        #expect(shop["running"] as? Int == 3)
        #expect(shop["started"] as? Int == 2)
        #expect(Self.counts(shop["ended"]) == ["completed": 1, "mentee-left": 1])
        #expect(shop["endedAsPlanned"] as? Int == 1)
        // 6 months (October to April) and 1 (31 January to 29 February).
        #expect(Self.number(shop["averageMonths"]) == 3.5)
        #expect(shop["contactMinutes"] as? Int == 1020)
        // Pair-months: 300, 120, 240 (pair 1), 0, 30 (pair 2), 90, 240 (pair 3).
        #expect(Self.number(shop["medianMinutesPerPairMonth"]) == 120)
        // Judged on the 1st: pair 1 January, February, March; pair 2 February; pair 3 December.
        #expect(Self.number(shop["shareMonthsAtTarget"]) == 0.6)
        #expect(Self.counts(shop["evaluationsAsked"]) == ["mentor": 2, "mentee": 1])
        #expect(Self.counts(shop["evaluationsReturned"]) == ["mentor": 1, "mentee": 1])
        #expect(shop["cafeEvenings"] as? Int == 1)
        #expect(shop["cafeYes"] as? Int == 1)
        let shopMessages = (shop["messages"] as? [String: Any])?.mapValues(Self.counts)
        #expect(shopMessages == ["email": ["sent": 6, "pending": 1, "failed": 1], "sms": ["sent": 2]])
        #expect(shop["optOuts"] as? Int == 2)

        let djoef = try #require(report["djoef"])
        #expect(djoef["running"] as? Int == 2)
        #expect(djoef["started"] as? Int == 2)
        #expect(Self.counts(djoef["ended"]) == ["unknown": 1])
        #expect(djoef["endedAsPlanned"] as? Int == 0)
        #expect(Self.number(djoef["averageMonths"]) == 1)
        #expect(djoef["contactMinutes"] as? Int == 45)
        // Pair 5: March to August (45, then five months of 0); pair 6: May and June, 0.
        #expect(Self.number(djoef["medianMinutesPerPairMonth"]) == 0)
        #expect(djoef["shareMonthsAtTarget"] is NSNull)
        #expect(Self.counts(djoef["evaluationsReturned"]) == ["mentee": 1])
        #expect(djoef["optOuts"] as? Int == 1)

        // An empty program: zeros, and nothing to measure where a figure is a mean or a share.
        let fki = try #require(report["fki"])
        #expect(fki["running"] as? Int == 0)
        #expect(Self.counts(fki["ended"]).isEmpty)
        for key in ["averageMonths", "medianMinutesPerPairMonth", "shareMonthsAtTarget"] {
            #expect(fki[key] is NSNull, "\(key)")
        }
        #expect(Self.counts(fki["evaluationsAsked"]).isEmpty)
        #expect((fki["messages"] as? [String: Any])?.isEmpty == true)

        let all = try #require(report["all"])
        #expect(all["running"] as? Int == 5)
        #expect(Self.counts(all["ended"]) == ["completed": 1, "mentee-left": 1, "unknown": 1])
        #expect(abs((Self.number(all["averageMonths"]) ?? 0) - 8.0 / 3) < 0.001)
        #expect(all["contactMinutes"] as? Int == 1065)
        #expect(Self.number(all["shareMonthsAtTarget"]) == 0.6)
        #expect(Self.counts(all["evaluationsReturned"]) == ["mentor": 1, "mentee": 2])
        // The leader's message of no program counts in all; the opt-out of two programs once.
        #expect((all["messages"] as? [String: Any]).map { Self.counts($0["email"])["sent"] } == 7)
        #expect(all["optOuts"] as? Int == 2)

        // The pair crossing into 2025 counts there too, with its 2025 minutes only.
        let next = try #require(
            try Self.report(cli, ["--year", "2025", "--program", "mentorshoppen"])["mentorshoppen"])
        #expect(next["running"] as? Int == 1)
        #expect(next["started"] as? Int == 0)
        #expect(next["contactMinutes"] as? Int == 60)
        #expect(next["cafeEvenings"] as? Int == 1)

        // The table and the CSV say the same, in a board member's words.
        let table = try cli.run(["report", "year", "--year", "2024"])
        #expect(table.code == 0, "\(table.err)")
        #expect(table.out.contains("ended mentee-left"), "\(table.out)")
        let csv = try cli.run(["report", "year", "--year", "2024", "--csv", "--program", "mentorshoppen"])
        // Danish Excel opens it as it is: a BOM, `;`, and a decimal comma it reads as a number.
        #expect(csv.out.hasPrefix("\u{FEFF}figure;"), "\(csv.out)")
        #expect(csv.out.contains("average months;3,5\n"), "\(csv.out)")
        #expect(csv.out.contains("share of pair-months at target;60"), "\(csv.out)")
        #expect(try cli.run(["report", "year", "--year", "24"]).code == 65)
        #expect(try cli.run(["report", "year", "--year", "2024", "--program", "nope"]).code == 65)
        let old = try #require(try Self.report(cli, ["--year", "2022", "--program", "old"])["old"])
        #expect(Self.counts(old["ended"]) == ["completed": 1])
    }

    @Test func monthsAreCalendarMonthsAndTheRunningYearStopsToday() {
        func months(_ from: String, _ to: String) -> Double {
            YearFigures.monthsBetween(LocalDate(from)!, LocalDate(to)!)
        }
        #expect(months("2024-01-31", "2024-02-29") == 1)
        #expect(months("2023-01-31", "2023-02-28") == 1)
        #expect(months("2024-02-29", "2025-02-28") == 12)
        #expect(months("2024-01-01", "2024-01-16") == 15.0 / 31)
        #expect(months("2024-03-15", "2024-05-01") == 1 + 16.0 / 30)
        #expect(YearFigures.median([]) == nil)
        #expect(YearFigures.median([5, 1, 3]) == 3)
        #expect(YearFigures.median([4, 1, 3, 10]) == 3.5)
        let running = YearPeriod(year: 2026, today: LocalDate("2026-03-15")!)
        #expect(running.end == LocalDate("2026-03-16"))
        #expect(running.completeMonths.map(\.month) == [1, 2])
        #expect(YearPeriod(year: 2026, today: LocalDate("2026-12-31")!).completeMonths.count == 12)
        #expect(YearPeriod(year: 2030, today: LocalDate("2026-03-15")!).completeMonths.isEmpty)
    }

    /// The running year stops today: minutes logged for later days (in this month or a later
    /// one) are not counted yet.
    @Test func theRunningYearCountsNoMinutesBeyondToday() throws {
        let cli = CLIHarness()
        #expect(try cli.run(["init"]).code == 0)
        let store = try Store(path: cli.folder + "/test.db")
        try store.database.execute(Self.handMade)
        try store.database.execute("INSERT INTO contact (relationship_id, date, minutes) VALUES (1, '2024-03-20', 7)")
        let config = Config.builtIn()
        let figures = try store.read {
            try ReportYear.figuresOf(
                store: store, config: config, year: 2024, today: LocalDate("2024-03-15")!, only: "mentorshoppen")
        }
        // 300 + 120 + 240 (pair 1) and 30 (pair 2) up to 15 March; not 20 March, November or December.
        #expect(figures.map(\.contactMinutes) == [690])
        let period = YearPeriod(year: 2024, today: LocalDate("2024-03-15")!)
        let relationship = try #require(try store.relationships().first { $0.id == 3 })
        let later = YearFigures.pairs(
            program: "x", relationships: [relationship], minutes: [3: [YearMonth(year: 2024, month: 11): 90]],
            period: period, target: { _ in nil })
        #expect(later.contactMinutes == 0)
    }

    /// The demo's months around a New Year, counted by the report and by the test's own SQL.
    @Test func theDemoYearMatchesCountsTakenFromTheRows() throws {
        let cli = CLIHarness()
        let demo = try cli.run(["demo", "--dir", cli.folder + "/demo", "--from", "2025-11-03", "--days", "100"])
        #expect(demo.code == 0, "\(demo.err)")
        cli.environment["MENTOR_NOTIFY_DB"] = cli.folder + "/demo/demo.db"
        let database = try Database(path: cli.folder + "/demo/demo.db")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Copenhagen")!
        for year in [2025, 2026] {
            let before = calendar.dateComponents([.year, .month, .day], from: Date())
            let report = try Self.report(cli, ["--year", String(year)])
            guard before == calendar.dateComponents([.year, .month, .day], from: Date()) else { continue }
            // The period: the year, or up to today for the year still running.
            let tomorrow = calendar.date(byAdding: .day, value: 1, to: calendar.date(from: before)!)!
            let next = calendar.dateComponents([.year, .month, .day], from: tomorrow)
            let last =
                next.year! > year
                ? (year + 1, 1, 1) : (next.year!, next.month!, next.day!)
            let first = String(format: "%04d-01-01", year)
            let end = String(format: "%04d-%02d-%02d", last.0, last.1, last.2)
            let from = Self.copenhagen(year, 1, 1)
            let to = Self.copenhagen(last.0, last.1, last.2)
            #expect(report.keys.contains("all"))
            for (program, figures) in report {
                let p: String? = program == "all" ? nil : program
                func count(_ sql: String, _ arguments: [any SQLArgument]) throws -> Int {
                    try database.scalarInt(sql, [p] + arguments) ?? 0
                }
                func grouped(_ sql: String, _ arguments: [any SQLArgument]) throws -> [String: Int] {
                    var result: [String: Int] = [:]
                    try database.forEach(sql, [p] + arguments) { result[$0.string(0)] = $0.int(1) }
                    return result
                }
                let mine = "(?1 IS NULL OR program = ?1)"
                let endOf =
                    "(CASE WHEN ended_on IS NOT NULL AND ended_on < planned_end THEN ended_on ELSE planned_end END)"
                #expect(
                    figures["running"] as? Int
                        == (try count(
                            "SELECT count(*) FROM relationship WHERE \(mine) AND start_date < ?3 AND \(endOf) > ?2 AND \(endOf) > start_date",
                            [first, end])),
                    "\(year) \(program) running")
                #expect(
                    figures["started"] as? Int
                        == (try count(
                            "SELECT count(*) FROM relationship WHERE \(mine) AND start_date BETWEEN ?2 AND ?3 AND start_date < ?3",
                            [first, end])))
                let ended = "\(mine) AND ended_on IS NOT NULL AND \(endOf) >= ?2 AND \(endOf) < ?3"
                #expect(
                    Self.counts(figures["ended"])
                        == (try grouped(
                            "SELECT ifnull(end_reason, 'unknown'), count(*) FROM relationship WHERE \(ended) GROUP BY 1",
                            [first, end])),
                    "\(year) \(program) ended")
                #expect(
                    figures["endedAsPlanned"] as? Int
                        == (try count(
                            "SELECT count(*) FROM relationship WHERE \(ended) AND ended_on >= planned_end",
                            [first, end])))
                #expect(
                    figures["contactMinutes"] as? Int
                        == (try count(
                            """
                            SELECT sum(c.minutes) FROM contact c JOIN relationship r ON r.id = c.relationship_id
                            WHERE (?1 IS NULL OR r.program = ?1) AND c.date >= ?2 AND c.date < ?3
                            """, [first, end])),
                    "\(year) \(program) minutes")
                #expect(
                    Self.counts(figures["evaluationsAsked"])
                        == (try grouped(
                            """
                            SELECT role, count(DISTINCT key) FROM outbox o
                            WHERE \(mine) AND rule = 'evaluation' AND status = 'sent' AND sent_at >= ?2 AND sent_at < ?3
                                AND NOT EXISTS (
                                    SELECT 1 FROM outbox earlier WHERE earlier.key = o.key
                                        AND earlier.status = 'sent' AND earlier.sent_at < ?2)
                            GROUP BY role
                            """, [from, to])),
                    "\(year) \(program) evaluations asked")
                #expect(
                    Self.counts(figures["evaluationsReturned"])
                        == (try grouped(
                            """
                            SELECT e.by, count(*) FROM evaluation e, relationship r
                            WHERE r.id = e.relationship_id AND (?1 IS NULL OR r.program = ?1) AND e.date >= ?2 AND e.date < ?3 GROUP BY 1
                            """, [first, end])))
                #expect(
                    figures["cafeEvenings"] as? Int
                        == (try count(
                            """
                            SELECT count(DISTINCT program || substr(key, -16)) FROM outbox
                            WHERE \(mine) AND rule = 'cafe-invite' AND status = 'sent'
                                AND substr(key, -16, 10) >= ?2 AND substr(key, -16, 10) < ?3
                            """, [first, end])),
                    "\(year) \(program) cafe")
                #expect(
                    figures["cafeYes"] as? Int
                        == (try count(
                            "SELECT count(*) FROM cafe_answer WHERE \(mine) AND answer = 'yes' AND at >= ?2 AND at < ?3",
                            [first, end])))
                var messages: [String: [String: Int]] = [:]
                try database.forEach(
                    """
                    SELECT channel, status, count(*) FROM outbox
                    WHERE \(mine) AND ifnull(sent_at, not_before) >= ?2 AND ifnull(sent_at, not_before) < ?3 GROUP BY 1, 2
                    """, [p, from, to]
                ) { messages[$0.string(0), default: [:]][$0.string(1)] = $0.int(2) }
                #expect((figures["messages"] as? [String: Any])?.mapValues(Self.counts) == messages)
                #expect(
                    figures["optOuts"] as? Int
                        == (try count(
                            """
                            SELECT count(*) FROM opt_out_event o WHERE opted_out = 1 AND at >= ?2 AND at < ?3
                                AND (?1 IS NULL OR program = ?1 OR (program IS NULL AND person_id IN (
                                    SELECT mentor_id FROM relationship WHERE program = ?1
                                    UNION SELECT mentee_id FROM relationship WHERE program = ?1)))
                            """, [from, to])))
            }
            // The demo has something in each: a test of zeros would prove nothing.
            let all = try #require(report["all"])
            #expect((all["running"] as? Int ?? 0) > 0)
            #expect((all["contactMinutes"] as? Int ?? 0) > 0)
            if year == 2026 {
                #expect((all["cafeEvenings"] as? Int ?? 0) > 0)
                #expect(!Self.counts(all["ended"]).isEmpty)
                #expect(!Self.counts(all["evaluationsAsked"]).isEmpty)
            }
        }
    }
}
