import MentorModel
import Testing

@testable import Scheduler

@Suite struct CafeInviteTests {
    func world() -> Fixture {
        var world = Fixture(presets: ["mentorshoppen"])
        world.programs[0].cafe = CafeSchedule(
            weekday: 3, time: LocalTime("18:00")!, everyWeeks: 2, from: LocalDate("2026-01-07")!, place: "Mentorshoppen"
        )
        world.forloeb("mentorshoppen", start: "2026-10-01", first: "2026-10-02", last: "2026-11-20")
        return world
    }

    @Test(arguments: [
        // 2026-11-25 is a café Wednesday (every other week from 2026-01-07); the invite is due Sunday the 22nd.
        ("2026-11-21T12:00", [String]()),
        ("2026-11-22T09:00", ["cafe-invite:mentorshoppen:mentee-2:2026-11-25T18:00"]),
        ("2026-11-25T17:59", ["cafe-invite:mentorshoppen:mentee-2:2026-11-25T18:00"]),
        ("2026-11-25T18:00", []),
        ("2026-11-29T09:00", []),
    ])
    func threeDaysBeforeAndWorthlessAfterTheStart(at: String, expected: [String]) throws {
        let invites = world().plan(at).filter { $0.rule == .cafeInvite }
        #expect(Set(invites.map(\.key.description)) == Set(expected))
        if let invite = invites.first {
            #expect(world().iso(invite.expiresAt) == "2026-11-25T18:00:00+01:00")
            #expect(invite.event?.place == "Mentorshoppen")
        }
    }

    @Test func oneOffEveningsToo() {
        var world = world()
        world.state.cafes = [
            CafeEvening(id: 1, program: "mentorshoppen", at: LocalDateTime("2026-12-03T17:00")!, place: "Have")
        ]
        #expect(world.keys("2026-11-30T09:00").contains("cafe-invite:mentorshoppen:mentee-2:2026-12-03T17:00"))
    }

    @Test func menteesOfEndedForloebAreNotInvited() {
        var world = world()
        world.state.relationships[0].endedOn = LocalDate("2026-11-21")!
        #expect(world.plan("2026-11-22T10:00").filter { $0.rule == .cafeInvite }.isEmpty)
    }
}

@Suite struct MeetingReminderTests {
    @Test(arguments: [
        // Meeting on the spring DST day: the day before is 23 real hours earlier.
        ("2026-03-29T10:00", "2026-03-28T10:00:00+01:00", 23),
        // On the autumn DST day: 25 real hours.
        ("2026-10-25T10:00", "2026-10-24T10:00:00+02:00", 25),
        ("2026-06-10T10:00", "2026-06-09T10:00:00+02:00", 24),
    ])
    func theSameLocalTimeTheDayBefore(meeting: String, reminder: String, hours: Int64) throws {
        var world = Fixture(presets: ["djoef"])
        world.forloeb(
            "djoef", start: "2026-01-05", end: "2026-12-31", first: "2026-01-06", last: String(meeting.prefix(10)))
        world.state.meetings = [Meeting(id: 7, relationshipID: 100, at: LocalDateTime(meeting)!, place: "Café Ø")]
        let reminderLocal = try #require(LocalDateTime(String(reminder.prefix(16))))
        let due = world.plan(reminderLocal.description).filter { $0.rule == .meetingReminder }
        #expect(due.count == 2)
        let first = try #require(due.first)
        #expect(world.iso(first.notBefore) == reminder)
        #expect((try #require(first.expiresAt) - first.notBefore) / 3600 == hours)
        // A minute earlier it is not yet due.
        let before = world.zone.local(world.zone.instant(reminderLocal) - 60)
        #expect(world.plan(before.description).filter { $0.rule == .meetingReminder }.isEmpty)
    }

    @Test func anEveningMeetingsReminderWaitsForTheWindow() throws {
        var world = Fixture(presets: ["symb"])
        world.forloeb("symb", start: "2026-01-05", first: "2026-01-06", last: "2026-03-01")
        world.state.meetings = [Meeting(id: 7, relationshipID: 100, at: LocalDateTime("2026-03-11T21:00")!)]
        let reminder = try #require(world.plan("2026-03-10T21:30").first { $0.rule == .meetingReminder })
        #expect(world.iso(reminder.notBefore) == "2026-03-11T09:00:00+01:00")
    }

    @Test func theAgendaReminderTwoDaysBeforeForDjoefAndFki() {
        var world = Fixture(presets: ["fki"])
        world.forloeb("fki", start: "2026-01-05", first: "2026-01-06", last: "2026-03-01")
        world.state.meetings = [Meeting(id: 7, relationshipID: 100, at: LocalDateTime("2026-03-11T14:00")!)]
        #expect(world.keys("2026-03-09T14:00").contains("agenda-reminder:100:mentee:2026-03-11T14:00"))
        #expect(!world.keys("2026-03-09T13:59").contains("agenda-reminder:100:mentee:2026-03-11T14:00"))
    }

    @Test func aPastMeetingIsNeverReminded() {
        var world = Fixture(presets: ["symb"])
        world.forloeb("symb", start: "2026-01-05", first: "2026-01-06", last: "2026-03-01")
        world.state.meetings = [Meeting(id: 7, relationshipID: 100, at: LocalDateTime("2026-03-11T10:00")!)]
        #expect(world.plan("2026-03-11T10:00").filter { $0.rule == .meetingReminder }.isEmpty)
    }
}

@Suite struct PersonalReminderTests {
    func world() -> Fixture {
        var world = Fixture(presets: ["lab"])
        world.forloeb("lab", start: "2026-01-05", first: "2026-01-06", last: "2026-03-01")
        world.state.reminders = [
            PersonalReminder(
                id: 3, personID: 2, time: LocalTime("07:00")!, weekdays: [1, 2, 3, 4, 5], text: "Godmorgen!",
                until: LocalDate("2026-03-31"))
        ]
        return world
    }

    @Test(arguments: [
        ("2026-03-10T06:59", false), ("2026-03-10T07:00", true), ("2026-03-10T07:59", true),
        ("2026-03-10T08:00", false),
        ("2026-03-14T07:00", false), ("2026-04-01T07:00", false),
    ])
    func atItsOwnTimeOutsideTheWindow(at: String, due: Bool) throws {
        let reminders = world().plan(at).filter { $0.rule == .recurring }
        #expect(!reminders.isEmpty == due)
        if let reminder = reminders.first {
            #expect(!reminder.inWindow)
            #expect(reminder.role == .person && reminder.recipient == 2)
            #expect(world().iso(reminder.notBefore) == "2026-03-10T07:00:00+01:00")
        }
    }

    /// A wake-up SMS belongs to the forløb: ended early, it stops, whatever its own last day says.
    @Test func aReminderStopsWhenItsForloebEndsEarly() throws {
        var world = world()
        #expect(world.plan("2026-03-10T07:00").contains { $0.rule == .recurring })
        world.state.relationships[0].endedOn = LocalDate("2026-03-06")
        #expect(!world.plan("2026-03-10T07:00").contains { $0.rule == .recurring })
    }
}

@Suite struct WindowAndCatchUpTests {
    /// A busy world: every preset, forløb in all phases, meetings and a café series.
    func world() -> Fixture {
        var world = Fixture()
        world.programs[0].cafe = CafeSchedule(
            weekday: 3, time: LocalTime("18:00")!, everyWeeks: 2, from: LocalDate("2026-01-07")!)
        for (index, program) in ProgramSettings.presetNames.enumerated() {
            world.forloeb(program, start: "2026-0\(index + 1)-15", first: "2026-0\(index + 1)-20", last: "2026-05-01")
            world.forloeb(program, start: "2026-0\(index + 2)-03")
        }
        world.state.meetings = (0..<10).map { index in
            Meeting(id: Int64(index), relationshipID: 100 + Int64(index), at: LocalDateTime("2026-06-1\(index)T07:30")!)
        }
        return world
    }

    @Test func everythingButPersonalRemindersWaitsForTheSendWindow() {
        let world = world()
        var checked = 0
        var day = LocalDate("2026-01-01")!
        while day < LocalDate("2026-12-31")! {
            for hour in [2, 8, 13, 21] {
                for followUp in world.plan(LocalDateTime(day, LocalTime(hour: hour, minute: 0)!).description)
                where followUp.inWindow {
                    let local = world.zone.local(followUp.notBefore)
                    #expect(
                        local.time >= LocalTime("09:00")! && local.time < LocalTime("20:00")!,
                        "\(followUp.key) at \(local)")
                    checked += 1
                }
            }
            day = day.adding(days: 3)
        }
        #expect(checked > 100)
    }

    @Test func afterAWeekDownOnlyWhatIsStillUsefulIsDue() {
        var world = Fixture(presets: ["mentorshoppen"])
        world.programs[0].cafe = CafeSchedule(
            weekday: 3, time: LocalTime("18:00")!, everyWeeks: 2, from: LocalDate("2026-01-07")!)
        world.forloeb("mentorshoppen", start: "2026-09-01", first: "2026-09-02", last: "2026-10-10")
        world.state.meetings = [Meeting(id: 1, relationshipID: 100, at: LocalDateTime("2026-11-12T16:00")!)]
        // Down from 2026-11-09 to 2026-11-16: the café evening of the 11th and the meeting of the 12th passed.
        let rules = Set(world.plan("2026-11-16T10:00").map(\.rule))
        #expect(!rules.contains(.cafeInvite))
        #expect(!rules.contains(.meetingReminder))
        #expect(rules.contains(.missedContact))
        #expect(rules.contains(.contactNudge))
    }

    @Test func optedOutChannelsStayInThePlanForTheOutboxToSuppress() {
        var world = Fixture(presets: ["symb"])
        world.forloeb("symb", start: "2026-03-02")
        world.state.people[2]?.optedOut = [.email]
        let mentee = world.plan("2026-03-09T10:00").first { $0.role == .mentee }
        #expect(mentee?.channels == [.email])
    }
}

/// After downtime, what fell due and went stale meanwhile is reported, not silently dropped.
@Suite struct CatchUpTests {
    @Test func aMeetingThatPassedWhileDownIsReportedStale() throws {
        var world = Fixture(presets: ["djoef"])
        let id = world.forloeb("djoef", start: "2026-03-02", first: "2026-03-03", last: "2026-03-20")
        world.state.meetings = [
            Meeting(id: 7, relationshipID: id, at: LocalDateTime("2026-03-24T16:00")!, place: nil)
        ]
        world.state.lastCycle = world.zone.instant(LocalDateTime("2026-03-21T10:00")!)
        let (due, stale) = Scheduler(settings: world.settings).planWithStale(
            world.state, now: world.zone.instant(LocalDateTime("2026-03-26T10:00")!))
        #expect(!due.contains { $0.rule == .meetingReminder || $0.rule == .agendaReminder })
        #expect(
            Set(stale.map(\.key.description)) == [
                "meeting-reminder:\(id):mentor:2026-03-24T16:00", "meeting-reminder:\(id):mentee:2026-03-24T16:00",
                "agenda-reminder:\(id):mentee:2026-03-24T16:00",
            ])
        // Without a last cycle (the first one ever) nothing is claimed.
        world.state.lastCycle = nil
        #expect(
            Scheduler(settings: world.settings).planWithStale(
                world.state, now: world.zone.instant(LocalDateTime("2026-03-26T10:00")!)
            ).stale.isEmpty)
    }

    @Test func lastMonthsHoursReminderIsReportedAcrossTheMonthsEnd() throws {
        var world = Fixture(presets: ["mentorshoppen"])
        let id = world.forloeb("mentorshoppen", start: "2026-02-02", first: "2026-02-03", last: "2026-03-02")
        world.state.lastCycle = world.zone.instant(LocalDateTime("2026-03-19T12:00")!)
        let (_, stale) = Scheduler(settings: world.settings).planWithStale(
            world.state, now: world.zone.instant(LocalDateTime("2026-04-02T10:00")!))
        #expect(stale.contains { $0.key.description == "monthly-hours:\(id):mentor:2026-03" })
    }
}

/// Opt-outs reach the leaders in the monthly digest of the month after: a link's to its program's
/// leaders, a reply's (the whole channel) to the leaders of every program the person is in.
@Suite struct OptOutDigestTests {
    @Test func theDigestOnTheFirstListsLastMonthsOptOutsPerProgram() throws {
        var world = Fixture(presets: ["djoef", "symb"])
        let id = world.forloeb("djoef", start: "2026-03-02", first: "2026-03-03", last: "2026-04-20")
        let mentee = try #require(world.state.relationships.first { $0.id == id }?.menteeID)
        let mentor = try #require(world.state.relationships.first { $0.id == id }?.mentorID)
        world.state.relationships.append(
            Relationship(
                id: 500, mentorID: mentor, menteeID: mentee, program: "symb", start: LocalDate("2026-03-02")!,
                plannedEnd: LocalDate("2026-09-02")!, firstContact: nil, lastContact: nil))
        let at = world.zone.instant(LocalDateTime("2026-04-10T12:00")!)
        world.state.optOutsLastMonth = [
            OptOutEvent(personID: mentee, program: "djoef", channel: .email, optedOut: true, via: .link, at: at),
            OptOutEvent(personID: mentee, program: "djoef", channel: .sms, optedOut: true, via: .reply, at: at + 60),
        ]
        let digests = world.plan("2026-05-01T09:00").filter { $0.rule == .monthlyDigest }
        let djoef = try #require(digests.first { $0.program == "djoef" })
        let symb = try #require(digests.first { $0.program == "symb" })
        #expect(TextLines.records(djoef.variables["optOuts"] ?? "").count == 2)
        #expect(
            TextLines.records(symb.variables["optOuts"] ?? "")
                == [["Amira", "mentee", "sms", "stop", "reply", "2026-04-10"]])
        // A digest of opt-outs alone says nothing of hours.
        #expect(symb.variables["lines"] == nil && symb.variables["count"] == nil)
        world.state.optOutsLastMonth = []
        #expect(!world.plan("2026-05-01T09:00").contains { $0.rule == .monthlyDigest && $0.program == "symb" })
    }

    @Test func aLinkStopsOneProgramsEmailOnly() {
        var person = Person(
            id: 1, role: .mentee, name: "Amira", email: "a@example.dk", phone: "+4512256664", channels: [.email, .sms])
        person.programOptOuts = [ProgramOptOut(program: "djoef", channel: .email)]
        #expect(
            MessagePolicy.unreachable(person, on: .email, rule: .cafeInvite, program: "djoef")
                == "unsubscribed from djoef email")
        #expect(MessagePolicy.unreachable(person, on: .email, rule: .cafeInvite, program: "symb") == nil)
        #expect(MessagePolicy.unreachable(person, on: .sms, rule: .cafeInvite, program: "djoef") == nil)
        // The answer to what the person just wrote still goes.
        #expect(MessagePolicy.unreachable(person, on: .email, rule: .replyConfirmation, program: "djoef") == nil)
    }
}
