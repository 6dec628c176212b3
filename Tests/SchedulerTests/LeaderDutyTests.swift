import MentorModel
import Testing

@testable import Scheduler

/// Leaders come and go by dates (SPEC.md "Leaders come and go"): who leads on a day, who covers.
@Suite struct LeaderDutyTests {
    static func day(_ text: String) -> LocalDate { LocalDate(text)! }

    /// Elias leads, away 2026-07-06 ... 07-19; Karin, a board member, covers exactly those two weeks.
    static func program() -> ProgramSettings {
        var program = ProgramSettings.preset("symb", id: "symb")!
        var elias = Leader(name: "Elias", email: "elias@example.dk", phone: "+4512345678")
        elias.away = [DateSpan(from: day("2026-07-06"), until: day("2026-07-19"))]
        var karin = Leader(name: "Karin", email: "karin@example.dk")
        karin.from = day("2026-07-06")
        karin.until = day("2026-07-19")
        program.leaders = [elias, karin]
        return program
    }

    @Test(arguments: [
        ("2026-07-05", ["Elias"]), ("2026-07-06", ["Karin"]), ("2026-07-12", ["Karin"]), ("2026-07-19", ["Karin"]),
        ("2026-07-20", ["Elias"]),
    ])
    func whoLeadsOnADay(date: String, names: [String]) {
        let program = Self.program()
        #expect(program.leaders(on: Self.day(date)).map(\.name) == names)
        #expect(program.contactPerson(on: Self.day(date))?.name == names.first)
    }

    @Test func fromAndUntilAreBothIncluded() {
        var leader = Leader(name: "Karin", email: "karin@example.dk")
        leader.from = Self.day("2026-07-06")
        leader.until = Self.day("2026-07-19")
        #expect(!leader.isOnDuty(Self.day("2026-07-05")))
        #expect(leader.isOnDuty(Self.day("2026-07-06")))
        #expect(leader.isOnDuty(Self.day("2026-07-19")))
        #expect(!leader.isOnDuty(Self.day("2026-07-20")))
        leader.away = [DateSpan(from: Self.day("2026-07-10"), until: Self.day("2026-07-10"))]
        #expect(!leader.isOnDuty(Self.day("2026-07-10")))
        #expect(leader.isOnDuty(Self.day("2026-07-09")) && leader.isOnDuty(Self.day("2026-07-11")))
    }

    @Test func aDayWithoutALeaderGoesToWhoLeadsNextAndIsWarnedOf() {
        var program = Self.program()
        program.leaders[1].until = Self.day("2026-07-15")
        // 16-19 July: Elias is away and the cover has ended. Alerts go to Elias, back on the 20th.
        #expect(program.leaders(on: Self.day("2026-07-16")).map(\.name) == ["Elias"])
        #expect(program.leaderIndices(on: Self.day("2026-07-16")) == [0])
        #expect(program.contactPerson(on: Self.day("2026-07-16"))?.name == "Elias")
        #expect(
            program.uncoveredDays(from: Self.day("2026-07-10"), days: 14).map(\.description) == [
                "2026-07-16", "2026-07-17", "2026-07-18", "2026-07-19",
            ])
        #expect(Self.program().uncoveredDays(from: Self.day("2026-07-01"), days: 30).isEmpty)
        // Nobody ever again (the last leader's until passed): every leader, never nobody.
        program.leaders[0].until = Self.day("2026-07-01")
        #expect(program.leaderIndices(on: Self.day("2026-08-01")) == [0, 1])
    }

    @Test func anExplicitContactStaysTheContact() {
        var program = Self.program()
        program.contact = ProgramContact(name: "Sekretariatet", phone: "+4587654321")
        #expect(program.contactPerson(on: Self.day("2026-07-10"))?.name == "Sekretariatet")
        #expect(program.contactNames == ["Sekretariatet"])
    }

    /// The alert on a day the usual leader is away goes to the cover, and every text that day names
    /// the cover as the contact.
    @Test func anAlertWhileTheLeaderIsAwayGoesToTheCover() throws {
        var world = Fixture(presets: [])
        world.programs = [Self.program()]
        // Last contact 2026-06-10: the missed-contact alert falls due 30 days later, 2026-07-10.
        world.forloeb("symb", start: "2026-05-01", first: "2026-05-05", last: "2026-06-10")
        let plan = world.plan("2026-07-10T09:00")
        let alert = try #require(plan.first { $0.rule == .missedContact })
        #expect(plan.filter { $0.rule == .missedContact }.count == 1)
        #expect(alert.leaderIndex == 1)
        #expect(alert.key.description == "missed-contact:100:leader-2:2026-06-10")
        #expect(alert.variables["recipient"] == "Karin")
        #expect(alert.variables["contact"] == "Karin")
        let nudge = try #require(plan.first { $0.rule == .contactNudge })
        #expect(nudge.variables["contact"] == "Karin")
        #expect(nudge.variables["contactEmail"] == "karin@example.dk")
        // Back from holiday, the same alert (still useful) is Elias's again.
        let later = world.plan("2026-07-20T09:00").filter { $0.rule == .missedContact }
        #expect(later.map(\.leaderIndex) == [0])
        #expect(later.first?.variables["contact"] == "Elias")
    }
}
