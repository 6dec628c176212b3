import MentorModel
import Testing

@testable import Scheduler

@Suite struct FirstMeetingTests {
    @Test(arguments: [
        // The day before, before the window on the day, the day, the day after, the leader's day, and late.
        ("2026-03-08T12:00", [String]()),
        ("2026-03-09T08:59", []),
        ("2026-03-09T09:00", ["first-meeting:100:mentee:2026-03-02", "first-meeting:100:mentor:2026-03-02"]),
        ("2026-03-10T15:00", ["first-meeting:100:mentee:2026-03-02", "first-meeting:100:mentor:2026-03-02"]),
        ("2026-03-16T09:00", ["first-meeting-overdue:100:leader:2026-03-02"]),
        ("2026-03-20T09:00", ["first-meeting-overdue:100:leader:2026-03-02"]),
    ])
    func withoutContact(at: String, expected: [String]) {
        var world = Fixture(presets: ["djoef"])
        world.forloeb("djoef", start: "2026-03-02")
        let keys = world.keys(at).filter { $0.hasPrefix("first-meeting") }
        #expect(keys == Set(expected))
    }

    @Test func aLoggedContactStopsBoth() {
        var world = Fixture(presets: ["djoef"])
        world.forloeb("djoef", start: "2026-03-02", first: "2026-03-05")
        #expect(world.keys("2026-03-16T10:00").filter { $0.hasPrefix("first-meeting") }.isEmpty)
    }

    @Test func theLeaderAlertGoesToEveryLeader() {
        var world = Fixture(presets: ["djoef"])
        world.programs[0].leaders.append(Leader(name: "Anne", phone: "+4512256664"))
        world.forloeb("djoef", start: "2026-03-02")
        let alerts = world.plan("2026-03-16T10:00").filter { $0.rule == .firstMeetingOverdue }
        #expect(
            alerts.map(\.key.description).sorted() == [
                "first-meeting-overdue:100:leader-2:2026-03-02", "first-meeting-overdue:100:leader:2026-03-02",
            ])
        #expect(alerts.first { $0.leaderIndex == 1 }?.channels == [.sms])
    }
}

@Suite struct AfterFirstMeetingTests {
    @Test(arguments: [("djoef", "continue"), ("fki", "agreement")])
    func twoDaysAfterTheFirstContact(program: String, variant: String) {
        var world = Fixture(presets: [program])
        world.forloeb(program, start: "2026-03-02", first: "2026-03-06")
        #expect(world.plan("2026-03-07T12:00").filter { $0.rule == .afterFirstMeeting }.isEmpty)
        let due = world.plan("2026-03-08T09:00").filter { $0.rule == .afterFirstMeeting }
        #expect(
            Set(due.map(\.key.description)) == [
                "after-first-meeting:100:mentor:2026-03-06", "after-first-meeting:100:mentee:2026-03-06",
            ])
        #expect(due.allSatisfy { $0.variables["variant"] == variant })
        #expect(world.plan("2026-03-16T09:00").filter { $0.rule == .afterFirstMeeting }.isEmpty)
    }

    @Test func notForProgramsWithoutIt() {
        var world = Fixture(presets: ["mentorshoppen"])
        world.forloeb("mentorshoppen", start: "2026-03-02", first: "2026-03-06")
        #expect(world.plan("2026-03-08T09:00").filter { $0.rule == .afterFirstMeeting }.isEmpty)
    }
}

@Suite struct MonthlyHoursTests {
    func world(minutes: Int, start: String = "2026-10-01") -> Fixture {
        var world = Fixture(presets: ["mentorshoppen"])
        let id = world.forloeb("mentorshoppen", start: start, first: "2026-10-02", last: "2026-11-03")
        world.state.minutesThisMonth[id] = minutes
        world.state.minutesLastMonth[id] = minutes
        return world
    }

    @Test(arguments: [
        ("2026-11-19T12:00", 60, false),
        ("2026-11-20T08:00", 60, false),
        ("2026-11-20T09:00", 60, true),
        ("2026-11-21T09:00", 60, true),
        ("2026-11-30T23:00", 60, true),
        ("2026-11-20T09:00", 240, false),
        ("2026-11-20T09:00", 239, true),
    ])
    func onThe20thBelowTarget(at: String, minutes: Int, due: Bool) {
        let keys = world(minutes: minutes).keys(at)
        #expect(keys.contains("monthly-hours:100:mentor:2026-11") == due)
    }

    @Test func theFigureSoFarIsInTheMessage() throws {
        let reminder = try #require(world(minutes: 90).plan("2026-11-20T10:00").first { $0.rule == .monthlyHours })
        #expect(reminder.variables["minutes"] == "90")
        #expect(reminder.variables["target"] == "240")
        #expect(reminder.variables["missing"] == "150")
    }

    @Test func aMonthCountsOnlyIfActiveOnItsFirst() {
        #expect(
            world(minutes: 0, start: "2026-11-02").keys("2026-11-20T10:00").filter { $0.hasPrefix("monthly-hours") }
                .isEmpty)
        #expect(
            !world(minutes: 0, start: "2026-11-01").keys("2026-11-20T10:00").filter { $0.hasPrefix("monthly-hours") }
                .isEmpty)
    }

    @Test func theReminderDayClampsToShortMonths() {
        var world = world(minutes: 0, start: "2026-06-01")
        world.programs[0].monthlyReminderDay = 31
        #expect(world.keys("2027-02-28T09:00").contains("monthly-hours:100:mentor:2027-02"))
        #expect(!world.keys("2027-02-27T19:00").contains("monthly-hours:100:mentor:2027-02"))
    }

    @Test func oneDigestPerProgramOnTheFirst() throws {
        var world = Fixture(presets: ["mentorshoppen", "symb"])
        for index in 0..<3 {
            let id = world.forloeb("mentorshoppen", start: "2026-09-01", first: "2026-09-02", last: "2026-11-30")
            world.state.minutesLastMonth[id] = index == 2 ? 300 : 100
        }
        world.forloeb("symb", start: "2026-09-01", first: "2026-09-02")
        #expect(!world.keys("2026-11-30T12:00").contains("monthly-digest:mentorshoppen:leader:2026-11"))
        let digests = world.plan("2026-12-01T09:00").filter { $0.rule == .monthlyDigest }
        #expect(digests.map(\.key.description) == ["monthly-digest:mentorshoppen:leader:2026-11"])
        let digest = try #require(digests.first)
        #expect(digest.variables["count"] == "2")
        #expect(digest.variables["lines"]?.split(separator: "\n").count == 2)
        #expect(world.plan("2027-01-01T09:00").filter { $0.key == digest.key }.isEmpty)
    }
}

@Suite struct MissedContactTests {
    @Test(arguments: [
        ("2026-10-21T12:00", [String]()),
        ("2026-10-22T09:00", ["contact-nudge:100:mentor:2026-10-01"]),
        ("2026-10-31T09:00", ["contact-nudge:100:mentor:2026-10-01", "missed-contact:100:leader:2026-10-01"]),
        ("2026-12-20T09:00", ["contact-nudge:100:mentor:2026-10-01", "missed-contact:100:leader:2026-10-01"]),
    ])
    func nudgeAt21AlertAt30(at: String, expected: [String]) {
        var world = Fixture(presets: ["symb"])
        world.forloeb("symb", start: "2026-09-01", first: "2026-09-02", last: "2026-10-01")
        let keys = world.keys(at).filter { $0.hasPrefix("contact-nudge") || $0.hasPrefix("missed-contact") }
        #expect(keys == Set(expected))
    }

    @Test func aNewContactStartsANewSilence() {
        var world = Fixture(presets: ["symb"])
        world.forloeb("symb", start: "2026-09-01", first: "2026-09-02", last: "2026-10-25")
        #expect(world.keys("2026-10-31T09:00").filter { $0.contains("contact") }.isEmpty)
        #expect(world.keys("2026-11-15T09:00").contains("contact-nudge:100:mentor:2026-10-25"))
    }

    @Test func silenceAfterTheEndIsNotChased() {
        var world = Fixture(presets: ["djoef"])
        world.forloeb("djoef", start: "2026-06-01", end: "2026-09-01", first: "2026-06-02")
        #expect(world.keys("2026-09-10T10:00").filter { $0.contains("contact") }.isEmpty)
    }
}
