import MentorModel
import Testing

@testable import Scheduler

@Suite struct EvaluationTests {
    @Test(arguments: [
        ("2026-01-31", "2026-04-30T09:00", "2026-04-30"),
        ("2028-02-29", "2028-05-29T09:00", "2028-05-29"),
        ("2026-11-30", "2027-02-28T09:00", "2027-02-28"),
    ])
    func everyThreeMonthsWithClamping(start: String, at: String, period: String) {
        var world = Fixture(presets: ["mentorshoppen"])
        world.forloeb("mentorshoppen", start: start, first: start)
        let keys = world.keys(at)
        #expect(keys.contains("evaluation:100:mentor:\(period)"))
        #expect(keys.contains("evaluation:100:mentee:\(period)"))
    }

    @Test func aReminderOnlyToWhoeverHasNotAnswered() {
        var world = Fixture(presets: ["mentorshoppen"])
        world.forloeb("mentorshoppen", start: "2026-01-31", first: "2026-01-31")
        world.state.evaluations[100] = [Evaluation(relationshipID: 100, by: .mentor, date: LocalDate("2026-05-02")!)]
        world.sentEvaluations(["evaluation:100:mentor:2026-04-30", "evaluation:100:mentee:2026-04-30"])
        let keys = world.keys("2026-05-07T09:00").filter { $0.hasPrefix("evaluation") }
        // The requests went on every channel: neither is planned again, the mentee is reminded.
        #expect(keys == ["evaluation-reminder:100:mentee:2026-04-30"])
        #expect(world.keys("2026-05-06T19:59").filter { $0.hasPrefix("evaluation-reminder") }.isEmpty)
    }

    /// A request that went out is not planned again (its rows are in the outbox), unless a row of it
    /// still waits to go: a cycle withdraws a waiting row whose key it no longer plans.
    @Test func aRequestThatWentIsPlannedAgainOnlyWhileARowOfItWaits() {
        var world = Fixture(presets: ["mentorshoppen"])
        world.forloeb("mentorshoppen", start: "2026-01-31", first: "2026-01-31")
        let request = "evaluation:100:mentor:2026-04-30"
        #expect(world.keys("2026-05-01T10:00").contains(request))
        world.state.sentEvaluations.record(key: request, firstSent: 1_777_532_400, waiting: true)
        #expect(world.keys("2026-05-01T10:00").contains(request))
        world.state.sentEvaluations = SentEvaluations()
        world.state.sentEvaluations.record(key: request, firstSent: 1_777_532_400, waiting: false)
        #expect(!world.keys("2026-05-01T10:00").contains(request))
        #expect(world.keys("2026-05-01T10:00").contains("evaluation:100:mentee:2026-04-30"))
    }

    /// SPEC.md: a request stays worth sending until the next one falls due (the final one until
    /// 30 days after the end); its reminder goes a week after the request really went.
    @Test func aRequestStaysWorthSendingUntilTheNextAndItsReminderFollowsWhenItWent() {
        var world = Fixture(presets: ["mentorshoppen"])
        world.forloeb("mentorshoppen", start: "2026-01-31", first: "2026-01-31")
        let request = world.plan("2026-07-30T10:00").filter { $0.key.description == "evaluation:100:mentor:2026-04-30" }
        #expect(request.count == 1)
        #expect(world.iso(request.first?.expiresAt) == "2026-07-31T09:00:00+02:00")
        #expect(!world.keys("2026-07-31T09:00").contains("evaluation:100:mentor:2026-04-30"))
        #expect(world.keys("2026-07-31T09:00").contains("evaluation:100:mentor:2026-07-31"))
        // Sent a month late: the reminder a week after that, not a week after its date.
        world.sentEvaluations(["evaluation:100:mentor:2026-04-30"], at: "2026-05-30T15:00")
        #expect(!world.keys("2026-06-05T19:00").contains("evaluation-reminder:100:mentor:2026-04-30"))
        let reminder = world.plan("2026-06-06T09:00").filter { $0.rule == .evaluationReminder }
        #expect(reminder.map(\.key.description) == ["evaluation-reminder:100:mentor:2026-04-30"])
        #expect(world.iso(reminder.first?.expiresAt) == "2026-07-31T09:00:00+02:00")
    }

    @Test func theFinalRequestStaysWorthSendingThirtyDaysAfterTheEnd() {
        var world = Fixture(presets: ["djoef"])
        world.forloeb("djoef", start: "2026-03-02", end: "2026-06-02", first: "2026-03-05", last: "2026-06-01")
        let final = world.plan("2026-07-01T10:00").filter { $0.rule == .evaluation }
        #expect(final.count == 2 && final.allSatisfy { $0.allowedAfterEnd })
        #expect(final.allSatisfy { world.iso($0.expiresAt) == "2026-07-02T09:00:00+02:00" })
        #expect(world.keys("2026-07-02T09:00").filter { $0.hasPrefix("evaluation") }.isEmpty)
    }

    @Test func theFinalEvaluationComesAfterTheEndWithOneReminder() {
        var world = Fixture(presets: ["djoef"])
        world.forloeb("djoef", start: "2026-03-02", end: "2026-06-02", first: "2026-03-05", last: "2026-06-01")
        let atEnd = world.plan("2026-06-02T09:00")
        #expect(
            Set(atEnd.filter { $0.rule == .evaluation }.map(\.key.description)) == [
                "evaluation:100:mentor:2026-06-02", "evaluation:100:mentee:2026-06-02",
            ])
        #expect(
            atEnd.filter { $0.rule == .evaluation }.allSatisfy { $0.variables["final"] == "yes" && $0.allowedAfterEnd })
        world.sentEvaluations(atEnd.filter { $0.rule == .evaluation }.map(\.key.description))
        #expect(world.keys("2026-06-09T09:00").filter { $0.hasPrefix("evaluation-reminder") }.count == 2)
        #expect(world.keys("2026-07-20T09:00").filter { $0.hasPrefix("evaluation") }.isEmpty)
    }

    /// A reminder of a request that never went out (it failed, or went stale) reminds of nothing.
    @Test func noReminderWithoutTheEvaluationItRemindsOf() {
        var world = Fixture(presets: ["mentorshoppen"])
        world.forloeb("mentorshoppen", start: "2026-01-31", first: "2026-01-31")
        world.sentEvaluations(["evaluation:100:mentor:2026-04-30"])
        let keys = world.keys("2026-05-07T09:00").filter { $0.hasPrefix("evaluation-reminder") }
        #expect(keys == ["evaluation-reminder:100:mentor:2026-04-30"])
    }

    @Test func fkiHasNoEvaluation() {
        var world = Fixture(presets: ["fki"])
        world.forloeb("fki", start: "2026-03-02", first: "2026-03-05", last: "2026-09-01")
        #expect(world.keys("2026-09-02T09:00").filter { $0.hasPrefix("evaluation") }.isEmpty)
    }
}

@Suite struct EndOfForloebTests {
    @Test(arguments: [
        ("2026-07-02T12:00", false),
        ("2026-07-03T09:00", true),
        ("2026-07-20T09:00", true),
        ("2026-08-02T09:00", false),
    ])
    func noticeThirtyDaysBefore(at: String, due: Bool) {
        var world = Fixture(presets: ["symb"])
        world.forloeb(
            "symb", start: "2026-02-02", end: "2026-08-02", first: "2026-02-03", last: at.prefix(10).description)
        let notices = world.keys(at).filter { $0.hasPrefix("end-notice") }
        #expect(
            notices
                == (due
                    ? [
                        "end-notice:100:mentor:2026-08-02", "end-notice:100:mentee:2026-08-02",
                        "end-notice:100:leader:2026-08-02",
                    ] : []))
    }

    @Test func anExtensionMovesTheNotices() {
        var world = Fixture(presets: ["symb"])
        world.forloeb("symb", start: "2026-02-02", end: "2026-08-02", first: "2026-02-03", last: "2026-07-01")
        #expect(world.keys("2026-07-05T09:00").contains("end-notice:100:mentor:2026-08-02"))
        world.state.relationships[0].plannedEnd = LocalDate("2026-10-02")!
        #expect(!world.keys("2026-07-05T09:00").contains { $0.hasPrefix("end-notice") })
        #expect(world.keys("2026-09-02T09:00").contains("end-notice:100:mentor:2026-10-02"))
    }

    @Test func theClosingMessageAtTheEndAndNothingElseAfterIt() {
        var world = Fixture(presets: ["symb"])
        world.forloeb("symb", start: "2026-02-02", end: "2026-08-02", first: "2026-02-03", last: "2026-06-01")
        let keys = world.keys("2026-08-02T09:00")
        #expect(keys.contains("end:100:mentor:2026-08-02") && keys.contains("end:100:mentee:2026-08-02"))
        let rules = Set(world.plan("2026-08-05T09:00").map(\.rule))
        #expect(rules.isSubset(of: [.end, .evaluation, .evaluationReminder]))
    }

    @Test func anEarlyEndStopsEverythingButTheClosingAndFinalEvaluation() {
        var world = Fixture(presets: ["mentorshoppen"])
        world.forloeb("mentorshoppen", start: "2026-02-02", first: "2026-02-03", last: "2026-03-01")
        world.state.relationships[0].endedOn = LocalDate("2026-04-01")!
        // The leader's digest of March still lists the pair; nothing else goes to the pair.
        let rules = Set(world.plan("2026-04-02T10:00").map(\.rule))
        #expect(rules.isSubset(of: [.end, .evaluation, .evaluationReminder, .monthlyDigest]))
        #expect(rules.contains(.end))
        #expect(!rules.isEmpty)
    }
}

/// An end before the planned end: one evaluation request per person and one reminder, nothing after.
@Suite struct EarlyEndEvaluationTests {
    /// mentorshoppen asks every 3 months: 2026-05-02 for a forløb started 2026-02-02.
    func world(endedOn: String) -> Fixture {
        var world = Fixture(presets: ["mentorshoppen"])
        world.forloeb("mentorshoppen", start: "2026-02-02", first: "2026-02-03", last: "2026-04-20")
        world.state.relationships[0].endedOn = LocalDate(endedOn)!
        return world
    }

    func evaluationKeys(_ world: Fixture, _ at: String) -> Set<String> {
        world.keys(at).filter { $0.hasPrefix("evaluation") }
    }

    /// The periodic request went out three days before the end: it stands as the final one, and
    /// its one reminder follows the end.
    @Test func aPeriodicRequestJustSentIsTheFinalOne() {
        var world = world(endedOn: "2026-05-05")
        world.sentEvaluations(["evaluation:100:mentor:2026-05-02", "evaluation:100:mentee:2026-05-02"])
        #expect(evaluationKeys(world, "2026-05-05T09:00").isEmpty)
        let reminders = world.plan("2026-05-09T09:00").filter { $0.rule == .evaluationReminder }
        #expect(
            Set(reminders.map(\.key.description)) == [
                "evaluation-reminder:100:mentor:2026-05-02", "evaluation-reminder:100:mentee:2026-05-02",
            ])
        #expect(reminders.allSatisfy { $0.allowedAfterEnd && $0.variables["final"] == "yes" })
        // The plan repeats a follow-up until it expires (enqueueing is by key): nothing new comes.
        #expect(evaluationKeys(world, "2026-05-12T09:00") == Set(reminders.map(\.key.description)))
        #expect(evaluationKeys(world, "2026-06-10T09:00").isEmpty)
    }

    /// The periodic request standing as the final one went by email while its SMS still waits: it is
    /// still planned (a cycle withdraws a waiting row whose key it no longer plans).
    @Test func aPeriodicRequestStandingAsTheFinalOneStaysPlannedWhileARowWaits() {
        var world = world(endedOn: "2026-05-05")
        world.state.sentEvaluations.record(
            key: "evaluation:100:mentor:2026-05-02", firstSent: 1_777_705_200, waiting: true)
        world.sentEvaluations(["evaluation:100:mentee:2026-05-02"])
        #expect(evaluationKeys(world, "2026-05-05T09:00") == ["evaluation:100:mentor:2026-05-02"])
    }

    /// The end was recorded before the periodic date came: no periodic request three days before
    /// the end, one final request at the end, then its reminder.
    @Test func aPeriodicRequestDueJustBeforeTheEndGivesWayToTheFinalOne() {
        var world = world(endedOn: "2026-05-05")
        #expect(evaluationKeys(world, "2026-05-02T09:00").isEmpty)
        #expect(
            evaluationKeys(world, "2026-05-05T09:00") == [
                "evaluation:100:mentor:2026-05-05", "evaluation:100:mentee:2026-05-05",
            ])
        world.sentEvaluations(["evaluation:100:mentor:2026-05-05", "evaluation:100:mentee:2026-05-05"])
        #expect(
            Set(evaluationKeys(world, "2026-05-12T09:00").filter { $0.hasPrefix("evaluation-reminder") }) == [
                "evaluation-reminder:100:mentor:2026-05-05", "evaluation-reminder:100:mentee:2026-05-05",
            ])
    }

    /// A periodic request whose reminder came before the end is an evaluation of its own: the final
    /// one follows at the end as usual.
    @Test func aFinishedPeriodicRoundStandsApart() {
        var world = world(endedOn: "2026-06-01")
        world.sentEvaluations(["evaluation:100:mentor:2026-05-02", "evaluation:100:mentee:2026-05-02"])
        #expect(evaluationKeys(world, "2026-06-01T09:00").contains("evaluation:100:mentor:2026-06-01"))
    }
}

/// `attention`: the pure focus list, with the program's own thresholds.
@Suite struct AttentionTests {
    func items(_ world: Fixture, _ at: String, facts: AttentionFacts = AttentionFacts()) -> [AttentionItem] {
        Attention.items(
            world.state, facts: facts, settings: world.settings, now: world.zone.instant(LocalDateTime(at)!))
    }

    @Test func mostUrgentFirstEachWithSinceWhen() {
        var world = Fixture(presets: ["mentorshoppen"])
        world.forloeb("mentorshoppen", start: "2026-01-05", first: "2026-01-10", last: "2026-02-01")
        world.forloeb("mentorshoppen", start: "2026-03-02")
        world.state.minutesLastMonth = [100: 300]
        let facts = AttentionFacts(saidNo: [100: (.mentee, LocalDate("2026-03-10")!)])
        let found = items(world, "2026-03-20T10:00", facts: facts)
        #expect(found.map(\.reason) == [.saidNo, .firstMeetingNotHeld, .noContact])
        #expect(found.map(\.relationshipID) == [100, 101, 100])
        #expect(found[2].since == LocalDate("2026-02-01"))
        #expect(found[2].why == "no contact for 47 days")
    }

    /// The thresholds are the program's: changing its missed-contact days moves the line.
    @Test func theProgramsThresholdsDecide() {
        var world = Fixture(presets: ["symb"])
        world.forloeb("symb", start: "2026-01-05", first: "2026-01-10", last: "2026-03-01")
        #expect(items(world, "2026-03-20T10:00").isEmpty)
        world.programs[0].missedContactDays = 10
        #expect(items(world, "2026-03-20T10:00").map(\.reason) == [.noContact])
        world.programs[0].missedContactDays = nil
        #expect(items(world, "2026-03-20T10:00").isEmpty)
    }

    @Test func anEvaluationNotReturnedAndAnEndWithinTheNotice() {
        var world = Fixture(presets: ["symb"])
        world.forloeb("symb", start: "2026-02-02", end: "2026-08-02", first: "2026-02-03", last: "2026-07-20")
        world.sentEvaluations(["evaluation:100:mentor:2026-05-02", "evaluation:100:mentee:2026-05-02"])
        world.state.evaluations[100] = [Evaluation(relationshipID: 100, by: .mentor, date: LocalDate("2026-05-04")!)]
        let found = items(world, "2026-07-25T10:00")
        #expect(found.map(\.reason) == [.evaluationNotReturned, .endsSoon])
        #expect(found[0].role == .mentee)
        #expect(found[1].why == "ends 2026-08-02, in 8 days")
    }
}

extension AttentionTests {
    /// Opted out of the only channel: nothing reaches the mentee, since the day of the opt-out.
    @Test func nobodyReachableSinceTheOptOut() {
        var world = Fixture(presets: ["symb"])
        world.forloeb("symb", start: "2026-02-02", first: "2026-02-03", last: "2026-03-18")
        world.state.people[2]?.optedOut = [.email]
        let facts = AttentionFacts(optedOutOn: [2: LocalDate("2026-03-01")!])
        let found = items(world, "2026-03-20T10:00", facts: facts)
        #expect(found.map(\.reason) == [.unreachable])
        #expect(found.first?.role == .mentee && found.first?.since == LocalDate("2026-03-01"))
        #expect(found.first?.why == "nothing reaches the mentee: opted out of email")
    }
}
