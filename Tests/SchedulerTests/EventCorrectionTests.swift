import MentorModel
import Testing

@testable import Scheduler

@Suite struct DanishHolidaysTests {
    @Test(arguments: [
        (2019, "2019-04-21"), (2023, "2023-04-09"), (2024, "2024-03-31"), (2025, "2025-04-20"),
        (2026, "2026-04-05"), (2027, "2027-03-28"), (2038, "2038-04-25"), (2285, "2285-03-22"),
    ])
    func easterSunday(year: Int, expected: String) {
        #expect(DanishHolidays.easter(year).description == expected)
    }

    @Test(arguments: [
        // 2026
        ("2026-01-01", "nytårsdag"), ("2026-04-02", "skærtorsdag"), ("2026-04-03", "langfredag"),
        ("2026-04-05", "påskedag"), ("2026-04-06", "2. påskedag"), ("2026-05-14", "Kristi himmelfartsdag"),
        ("2026-05-24", "pinsedag"), ("2026-05-25", "2. pinsedag"), ("2026-12-24", "juleaftensdag"),
        ("2026-12-25", "juledag"), ("2026-12-26", "2. juledag"), ("2026-12-31", "nytårsaftensdag"),
        // 2025
        ("2025-04-17", "skærtorsdag"), ("2025-04-18", "langfredag"), ("2025-04-21", "2. påskedag"),
        ("2025-05-29", "Kristi himmelfartsdag"), ("2025-06-09", "2. pinsedag"),
        // 2024
        ("2024-03-28", "skærtorsdag"), ("2024-05-09", "Kristi himmelfartsdag"), ("2024-05-20", "2. pinsedag"),
        // 2023 still had store bededag (the fourth Friday after Easter).
        ("2023-05-05", "store bededag"), ("2022-05-13", "store bededag"),
    ])
    func holidays(date: String, name: String) throws {
        #expect(DanishHolidays.dayOff(try #require(LocalDate(date))) == name)
    }

    @Test(arguments: [
        // Store bededag is abolished from 2024.
        "2024-04-26", "2025-05-16", "2026-05-01", "2027-04-23",
        // Ordinary days, and the evenings before those that are not closed.
        "2026-04-01", "2026-04-04", "2026-05-13", "2026-06-05", "2026-12-23", "2026-12-30", "2027-01-02",
    ])
    func ordinaryDays(date: String) throws {
        #expect(DanishHolidays.dayOff(try #require(LocalDate(date))) == nil)
    }

    /// `dayOff`, the quick question a cycle asks per reminder and day, agrees with the full calendar.
    @Test func theQuickAnswerAgreesWithTheYearsCalendar() {
        var day = LocalDate("2000-01-01")!
        while day.year <= 2100 {
            let expected =
                day.month == 12 && day.day == 24
                ? "juleaftensdag"
                : day.month == 12 && day.day == 31 ? "nytårsaftensdag" : DanishHolidays.holidays(day.year)[day]
            #expect(DanishHolidays.dayOff(day) == expected, "\(day)")
            day = day.adding(days: 1)
        }
    }

    @Test func everyYearHasItsTenHolidaysAndStoreBededagOnlyUntil2023() {
        for year in 2000...2100 {
            let days = DanishHolidays.holidays(year)
            #expect(days.count == (year < 2024 ? 11 : 10), "\(year)")
            #expect(days.keys.allSatisfy { $0.year == year })
            #expect(days.values.contains("store bededag") == (year < 2024))
            // Easter is a Sunday, Pentecost too; Ascension a Thursday.
            #expect(DanishHolidays.easter(year).weekday == 7)
        }
    }
}

@Suite struct PersonalReminderCorrectionTests {
    func world(onHolidays: Bool = false) -> Fixture {
        var world = Fixture(presets: ["lab"])
        world.forloeb("lab", start: "2026-01-05", end: "2026-12-31", first: "2026-01-06", last: "2026-03-01")
        world.state.reminders = [
            PersonalReminder(
                id: 3, personID: 2, time: LocalTime("07:00")!, weekdays: [1, 2, 3, 4, 5], text: "Godmorgen!",
                until: LocalDate("2026-12-30"), onHolidays: onHolidays)
        ]
        return world
    }

    func sends(_ world: Fixture, _ day: String) -> Bool {
        world.plan("\(day)T07:05").contains { $0.rule == .recurring && $0.key.description.hasSuffix(":\(day)") }
    }

    @Test func holidaysAreSkippedUnlessAskedFor() {
        // Wednesday before Easter, skærtorsdag, langfredag, 2. påskedag, the Tuesday after.
        let days = ["2026-04-01", "2026-04-02", "2026-04-03", "2026-04-06", "2026-04-07", "2026-12-24"]
        #expect(days.map { sends(world(), $0) } == [true, false, false, false, true, false])
        #expect(days.map { sends(world(onHolidays: true), $0) } == [true, true, true, true, true, true])
    }

    @Test func aStoppedReminderSendsNothingAndAPausedOneNothingInItsPause() {
        var stopped = world()
        stopped.state.reminders[0].stopped = true
        #expect(!sends(stopped, "2026-03-10"))
        var paused = world()
        paused.state.reminders[0].pausedFrom = LocalDate("2026-03-09")
        paused.state.reminders[0].pausedUntil = LocalDate("2026-03-11")
        #expect(
            ["2026-03-06", "2026-03-09", "2026-03-11", "2026-03-12"].map { sends(paused, $0) } == [
                true, false, false, true,
            ])
    }
}

@Suite struct MeetingCorrectionTests {
    let token = "0123456789abcdef0123456789abcdef"

    /// A djoef pair (mentor 1, mentee 2) whose meeting 7 at 16:00 on 2026-03-24 was invited to.
    func world(moved: String? = nil, cancelled: Bool = false) -> Fixture {
        var world = Fixture(presets: ["djoef"])
        world.forloeb("djoef", start: "2026-03-02", first: "2026-03-03", last: "2026-03-20")
        world.state.meetings = [
            Meeting(
                id: 7, relationshipID: 100, at: LocalDateTime(moved ?? "2026-03-24T16:00")!, place: "Café Ø",
                sequence: (moved == nil ? 0 : 1) + (cancelled ? 1 : 0), cancelled: cancelled)
        ]
        world.state.invitations["meeting-7@mentor-notify"] = [
            SentInvitation(recipient: 1, role: .mentor, token: token, sequence: 0),
            SentInvitation(recipient: 2, role: .mentee, token: "f" + token.dropFirst(), sequence: 0),
        ]
        return world
    }

    @Test func aMovedMeetingIsUpdatedUnderTheUIDTheCalendarKnowsAndRemindedOnlyAtItsNewTime() throws {
        let world = world(moved: "2026-03-26T10:00")
        let due = world.plan("2026-03-23T16:30")
        let updates = due.filter { $0.rule == .meetingUpdate }
        #expect(
            Set(updates.map(\.key.description)) == ["meeting-update:100:mentor:7.1", "meeting-update:100:mentee:7.1"])
        let mentor = try #require(updates.first { $0.recipient == 1 })
        #expect(mentor.channels == [.email])
        #expect(mentor.event?.uid == "meeting-7@mentor-notify")
        #expect(mentor.event?.sequence == 1)
        #expect(mentor.event?.token == token)
        #expect(mentor.event?.start == LocalDateTime("2026-03-26T10:00"))
        #expect(mentor.variables["date"] == "2026-03-26" && mentor.variables["time"] == "10:00")
        // No reminder for the old time; the one for the new time keeps the UID and the SEQUENCE.
        #expect(!due.contains { $0.rule == .meetingReminder })
        let reminders = world.plan("2026-03-25T10:00").filter { $0.rule == .meetingReminder }
        #expect(
            Set(reminders.map(\.key.description)) == [
                "meeting-reminder:100:mentor:2026-03-26T10:00", "meeting-reminder:100:mentee:2026-03-26T10:00",
            ])
        #expect(reminders.first { $0.recipient == 1 }?.event?.token == token)
        #expect(reminders.allSatisfy { $0.event?.sequence == 1 })
    }

    @Test func whoAlreadyHoldsTheNewSequenceGetsNoUpdate() {
        var world = world(moved: "2026-03-26T10:00")
        world.state.invitations["meeting-7@mentor-notify"]?.append(
            SentInvitation(recipient: 2, role: .mentee, token: nil, sequence: 1))
        #expect(
            world.keys("2026-03-23T16:30").filter { $0.hasPrefix("meeting-update") } == [
                "meeting-update:100:mentor:7.1"
            ])
    }

    @Test func aCancelledMeetingGetsNoReminderAndThoseInvitedACancellation() throws {
        let world = world(cancelled: true)
        let due = world.plan("2026-03-23T16:30")
        #expect(!due.contains { $0.rule == .meetingReminder || $0.rule == .agendaReminder })
        let cancels = due.filter { $0.rule == .meetingCancel }
        #expect(cancels.count == 2)
        #expect(cancels.allSatisfy { $0.event?.cancels == true && $0.event?.sequence == 1 })
        #expect(cancels.first { $0.recipient == 2 }?.event?.token == "f" + token.dropFirst())
        // Worthless once the meeting would have started.
        #expect(!world.plan("2026-03-24T16:00").contains { $0.rule == .meetingCancel })
    }

    /// The mentee (2) reads SMS only, and got the SMS reminder of 16:00 on 2026-03-24.
    func smsMentee(_ world: inout Fixture, reminded: Bool = true) {
        world.state.people[2]?.channels = [.sms]
        world.state.invitations["meeting-7@mentor-notify"]?.removeAll { $0.recipient == 2 }
        world.state.sentBySMS = reminded ? ["meeting-reminder:100:mentee:2026-03-24T16:00"] : []
    }

    @Test func whoGotTheReminderBySMSGetsTheCancellationBySMSAndNobodyElseBySMS() throws {
        var world = world(cancelled: true)
        smsMentee(&world)
        let cancels = world.plan("2026-03-23T16:30").filter { $0.rule == .meetingCancel }
        #expect(
            cancels.map(\.key.description).sorted() == [
                "meeting-cancel:100:mentee:7.1", "meeting-cancel:100:mentor:7.1",
            ])
        let mentee = try #require(cancels.first { $0.recipient == 2 })
        #expect(mentee.channels == [.sms])
        #expect(mentee.variables["date"] == "2026-03-24" && mentee.variables["time"] == "16:00")
        // The mentor was invited by email only: no SMS, even with a number.
        world.state.people[1]?.channels = [.email, .sms]
        #expect(
            world.plan("2026-03-23T16:30").first { $0.recipient == 1 && $0.rule == .meetingCancel }?.channels == [
                .email
            ])
        // In the send window like every message to a mentee.
        let night = try #require(
            world.plan("2026-03-23T23:30").first { $0.recipient == 2 && $0.rule == .meetingCancel })
        #expect(night.notBefore == world.zone.instant(LocalDateTime("2026-03-24T09:00")!))
        // Told nothing, hears nothing.
        smsMentee(&world, reminded: false)
        #expect(!world.plan("2026-03-23T16:30").contains { $0.recipient == 2 })
    }

    @Test func anAgendaReminderBySMSCountsAsTold() {
        var world = world(cancelled: true)
        smsMentee(&world, reminded: false)
        world.state.sentBySMS = ["agenda-reminder:100:mentee:2026-03-24T16:00"]
        #expect(world.keys("2026-03-23T16:30").contains("meeting-cancel:100:mentee:7.1"))
    }

    @Test func aMoveNamesTheOldTimeAndReachesWhoWasToldBySMSOnce() throws {
        var world = world(moved: "2026-03-26T10:00")
        world.state.meetings[0].movedFrom = [1: LocalDateTime("2026-03-24T16:00")!]
        smsMentee(&world)
        let updates = world.plan("2026-03-23T16:30").filter { $0.rule == .meetingUpdate }
        let mentee = try #require(updates.first { $0.recipient == 2 })
        #expect(mentee.key.description == "meeting-update:100:mentee:7.1" && mentee.channels == [.sms])
        for update in updates {
            #expect(update.variables["oldDate"] == "2026-03-24" && update.variables["oldTime"] == "16:00")
            #expect(update.variables["date"] == "2026-03-26" && update.variables["time"] == "10:00")
        }
        // Once: the update that went out by SMS tells them the new time.
        world.state.sentBySMS.insert("meeting-update:100:mentee:7.1")
        #expect(!world.plan("2026-03-23T16:40").contains { $0.recipient == 2 && $0.rule == .meetingUpdate })
        // Moved again: the old time is the one the update told them.
        world.state.meetings[0].at = LocalDateTime("2026-03-27T12:00")!
        world.state.meetings[0].sequence = 2
        world.state.meetings[0].movedFrom[2] = LocalDateTime("2026-03-26T10:00")!
        let again = try #require(
            world.plan("2026-03-23T17:00").first { $0.recipient == 2 && $0.rule == .meetingUpdate })
        #expect(again.key.description == "meeting-update:100:mentee:7.2")
        #expect(again.variables["oldDate"] == "2026-03-26" && again.variables["oldTime"] == "10:00")
    }

    @Test func aTimeAtEachSequence() {
        var meeting = Meeting(id: 7, relationshipID: 100, at: LocalDateTime("2026-03-27T12:00")!, sequence: 3)
        meeting.movedFrom = [1: LocalDateTime("2026-03-24T16:00")!, 3: LocalDateTime("2026-03-26T10:00")!]
        // Sequence 2 was a cancellation-free step that kept the time of the first move.
        #expect(
            (0...4).map { meeting.time(atSequence: $0).description } == [
                "2026-03-24T16:00", "2026-03-26T10:00", "2026-03-26T10:00", "2026-03-27T12:00", "2026-03-27T12:00",
            ])
    }

    /// The forløb ended early (the end cancels the meetings after it, or the leader cancels one
    /// after the end): those invited still get the cancellation, and a moved one no reminder.
    @Test(arguments: [true, false])
    func aForloebEndedEarlyStillCancelsWhatItAnnounced(cancelled: Bool) throws {
        var world = world(moved: cancelled ? nil : "2026-03-26T10:00", cancelled: cancelled)
        world.state.relationships[0].endedOn = LocalDate("2026-03-23")
        world.state.relationships[0].endReason = .mentorLeft
        let due = world.plan("2026-03-23T16:30")
        #expect(!due.contains { [.meetingReminder, .agendaReminder, .meetingUpdate].contains($0.rule) })
        let cancels = due.filter { $0.rule == .meetingCancel }
        #expect(cancels.count == (cancelled ? 2 : 0))
        #expect(cancels.allSatisfy { $0.allowedAfterEnd && $0.event?.cancels == true })
        #expect(!world.plan("2026-03-24T16:00").contains { $0.rule == .meetingCancel })
    }

    @Test func aMeetingNobodyWasInvitedToIsCancelledSilently() {
        var world = world(cancelled: true)
        world.state.invitations = [:]
        #expect(
            world.plan("2026-03-23T16:30").filter { $0.rule == .meetingCancel || $0.rule == .meetingReminder }.isEmpty)
    }
}

@Suite struct CafeCancellationTests {
    func world() -> Fixture {
        var world = Fixture(presets: ["mentorshoppen"])
        world.programs[0].cafe = CafeSchedule(
            weekday: 3, time: LocalTime("18:00")!, everyWeeks: 2, from: LocalDate("2026-01-07")!, place: "Mentorshoppen"
        )
        world.forloeb("mentorshoppen", start: "2026-10-01", first: "2026-10-02", last: "2026-11-20")
        world.state.cancelledCafes = [
            CafeEvening(id: 0, program: "mentorshoppen", at: LocalDateTime("2026-11-25T18:00")!)
        ]
        return world
    }

    @Test func aCancelledEveningGetsNoInvitationNoListAndTheInvitedACancellation() throws {
        var world = world()
        #expect(!world.plan("2026-11-22T09:00").contains { $0.rule == .cafeInvite })
        var settings = world.settings
        settings.repliesRead = true
        func rsvp(_ at: String) -> Bool {
            Scheduler(settings: settings).plan(world.state, now: world.zone.instant(LocalDateTime(at)!)).contains {
                $0.rule == .cafeRsvp
            }
        }
        #expect(rsvp("2026-11-11T12:00"))
        #expect(!rsvp("2026-11-25T12:00"))
        // The one before it is still invited to.
        #expect(world.keys("2026-11-08T09:00").contains("cafe-invite:mentorshoppen:mentee-2:2026-11-11T18:00"))
        #expect(!world.plan("2026-11-22T09:00").contains { $0.rule == .cafeCancel })
        world.state.invitations["cafe-mentorshoppen-2026-11-25T18:00@mentor-notify"] = [
            SentInvitation(recipient: 2, role: .mentee, token: "abc", sequence: 0)
        ]
        let cancel = try #require(world.plan("2026-11-23T09:00").first { $0.rule == .cafeCancel })
        #expect(cancel.key.description == "cafe-cancel:mentorshoppen:mentee-2:2026-11-25T18:00")
        #expect(cancel.channels == [.email])
        #expect(cancel.event?.cancels == true && cancel.event?.token == "abc")
        #expect(cancel.event?.uid == "cafe-mentorshoppen-2026-11-25T18:00@mentor-notify")
    }

    @Test func whoWasInvitedBySMSGetsTheCancellationBySMS() throws {
        var world = world()
        world.state.people[2]?.channels = [.sms]
        #expect(!world.plan("2026-11-23T09:00").contains { $0.rule == .cafeCancel })
        world.state.sentBySMS = ["cafe-invite:mentorshoppen:mentee-2:2026-11-25T18:00"]
        let cancel = try #require(world.plan("2026-11-23T09:00").first { $0.rule == .cafeCancel })
        #expect(cancel.key.description == "cafe-cancel:mentorshoppen:mentee-2:2026-11-25T18:00")
        #expect(cancel.channels == [.sms])
        // Invited on both: cancelled on both.
        world.state.people[2]?.channels = [.sms, .email]
        world.state.invitations["cafe-mentorshoppen-2026-11-25T18:00@mentor-notify"] = [
            SentInvitation(recipient: 2, role: .mentee, token: "abc", sequence: 0)
        ]
        #expect(world.plan("2026-11-23T09:00").first { $0.rule == .cafeCancel }?.channels == [.email, .sms])
    }
}
