import MentorModel
import Testing

@testable import Scheduler

/// A text that says how many days have passed says the real number, not the threshold that made it
/// due: a cycle that plans a reminder late (after downtime, or a nudge that waited) counts again.
@Suite struct StatedFactsTests {
    @Test func aLateContactNudgeAndAlertSayTheRealSilence() throws {
        var world = Fixture(presets: ["djoef"])
        world.forloeb("djoef", start: "2026-05-01", first: "2026-05-05", last: "2026-06-10")
        // 35 days after the last contact: both the nudge and the alert are due, and neither expires.
        let plan = world.plan("2026-07-15T09:00")
        let nudge = try #require(plan.first { $0.rule == .contactNudge })
        let alert = try #require(plan.first { $0.rule == .missedContact })
        #expect(nudge.variables["days"] == "35")
        #expect(alert.variables["days"] == "35")
        #expect(alert.variables["date"] == "2026-06-10")
    }

    @Test func aLateFirstMeetingAlertSaysTheRealDaysSinceTheStart() throws {
        var world = Fixture(presets: ["djoef"])
        world.forloeb("djoef", start: "2026-03-02")
        let alert = try #require(world.plan("2026-03-20T09:00").first { $0.rule == .firstMeetingOverdue })
        #expect(alert.variables["days"] == "18")
    }

    /// The leader's alert says which of the pair's first-meeting reminders went, from the keys sent.
    @Test(arguments: [
        (["mentor", "mentee"], "remindedBoth"), (["mentor"], "remindedMentorOnly"),
        (["mentee"], "remindedMenteeOnly"), ([], "remindedNeither"),
    ])
    func theFirstMeetingAlertSaysWhichRemindersWent(sent: [String], section: String) throws {
        var world = Fixture(presets: ["djoef"])
        world.forloeb("djoef", start: "2026-03-02")
        world.state.sentFirstMeetings = Set(sent.map { "first-meeting:100:\($0):2026-03-02" })
        let alert = try #require(world.plan("2026-03-16T10:00").first { $0.rule == .firstMeetingOverdue })
        let shown = alert.variables.keys.filter { $0.hasPrefix("reminded") }
        #expect(shown == [section])
    }

    /// The café list's count and names come from the same list: a mentee whose name was erased is
    /// named as "en mentee", not left out of a list that still counts them.
    @Test func theCafeListNamesEveryoneItCounts() throws {
        var world = Fixture(presets: ["mentorshoppen"])
        world.programs[0].cafe = CafeSchedule(
            weekday: 3, time: LocalTime("18:00")!, everyWeeks: 2, from: LocalDate("2026-01-07")!, place: "Mentorshoppen"
        )
        world.forloeb("mentorshoppen", start: "2026-10-01", first: "2026-10-02", last: "2026-11-20")
        world.forloeb("mentorshoppen", start: "2026-10-01", first: "2026-10-02", last: "2026-11-20")
        let mentees = world.state.relationships.map(\.menteeID)
        world.state.people[mentees[1]]?.name = nil
        world.state.cafeAnswers[CafeAnswers.key(program: "mentorshoppen", at: LocalDateTime("2026-11-11T18:00")!)] =
            Dictionary(uniqueKeysWithValues: mentees.map { ($0, true) })
        var settings = world.settings
        settings.repliesRead = true
        let list = try #require(
            Scheduler(settings: settings).plan(world.state, now: world.zone.instant(LocalDateTime("2026-11-11T12:00")!))
                .first { $0.rule == .cafeRsvp })
        #expect(list.variables["yesCount"] == "2")
        #expect(list.variables["yes"] == "Amira, en mentee")
    }
}
