import Foundation
import MentorModel
import Testing

@testable import MentorStore

/// What `meeting move|cancel`, `cafe cancel` and `reminder stop|pause` record, and the invitations
/// their corrections go to.
@Suite struct EventStoreTests {
    /// 010-events keeps each sent invitation's event `UID` beside the row, from the calendar text
    /// that retention erases later: invitations sent before the upgrade can be updated too.
    @Test func invitationsSentBeforeTheUpgradeKeepTheirUID() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("old.db")
        do {
            let database = try Database(path: path)
            try Schema.migrator.migrate(database, upTo: "009-unreadable-mail")
            try database.execute(
                """
                INSERT INTO person (id, role, name, channels) VALUES (1, 'mentee', 'B', 'email');
                INSERT INTO outbox (key, channel, rule, role, recipient, calendar, status, not_before, created_at,
                    updated_at, invitation_token)
                    VALUES ('k', 'email', 'meeting-reminder', 'mentee', 1,
                        '{"minutes":90,"start":"2026-03-12T16:00","summary":"M","timeZone":"Europe/Copenhagen","uid":"meeting-7@mentor-notify"}',
                        'sent', 0, 0, 0, 'aaaa');
                """)
        }
        let store = try Store(path: path)
        // Retention erases the text; the UID stays.
        try store.database.execute("UPDATE outbox SET calendar = NULL")
        #expect(
            try store.sentInvitations(uids: ["meeting-7@mentor-notify"]) == [
                "meeting-7@mentor-notify": [SentInvitation(recipient: 1, role: .mentee, token: "aaaa", sequence: 0)]
            ])
    }

    @Test func aMoveAndACancellationCountTheSequenceAndAStoppedReminderIsNotScheduled() throws {
        let folder = TemporaryDirectory()
        let store = try Store(path: folder.file("test.db"))
        let mentor = try store.addPerson(NewPerson(role: .mentor, name: "A", email: "a@example.dk"))
        let mentee = try store.addPerson(NewPerson(role: .mentee, name: "B", email: "b@example.dk"))
        let forloeb = try store.addRelationship(
            mentor: mentor, mentee: mentee, program: "p", start: LocalDate("2026-03-02")!,
            plannedEnd: LocalDate("2026-09-02")!)
        let id = try store.addMeeting(relationship: forloeb, at: LocalDateTime("2026-03-12T16:00")!, place: "Huset")
        let moved = try store.moveMeeting(id, to: LocalDateTime("2026-03-13T10:00")!, place: nil)
        #expect(moved.sequence == 1 && moved.place == "Huset" && !moved.cancelled)
        #expect(moved.movedFrom == [1: LocalDateTime("2026-03-12T16:00")!])
        // A move that changes only the place keeps no earlier time.
        let again = try store.moveMeeting(id, to: LocalDateTime("2026-03-13T10:00")!, place: "Biblioteket")
        #expect(again.sequence == 2 && again.movedFrom == moved.movedFrom)
        let thrice = try store.moveMeeting(id, to: LocalDateTime("2026-03-14T09:00")!, place: nil)
        #expect(thrice.movedFrom == [1: LocalDateTime("2026-03-12T16:00")!, 3: LocalDateTime("2026-03-13T10:00")!])
        #expect(try store.meetings(from: LocalDateTime("2026-03-01T00:00")!).map(\.movedFrom) == [thrice.movedFrom])
        let cancelled = try store.cancelMeeting(id, now: 1)
        #expect(cancelled.sequence == 4 && cancelled.cancelled && cancelled.movedFrom == thrice.movedFrom)
        #expect(throws: InputError.self) { try store.cancelMeeting(id, now: 2) }
        #expect(try store.meetings(relationship: forloeb).map(\.id) == [id])

        // What went out by SMS, among the keys asked about.
        try store.database.execute(
            """
            INSERT INTO outbox (key, channel, rule, role, recipient, status, not_before, created_at, updated_at)
                VALUES ('r', 'sms', 'meeting-reminder', 'mentee', \(mentee), 'sent', 0, 0, 0),
                    ('r', 'email', 'meeting-reminder', 'mentee', \(mentee), 'sent', 0, 0, 0),
                    ('q', 'sms', 'meeting-reminder', 'mentee', \(mentee), 'pending', 0, 0, 0),
                    ('e', 'email', 'meeting-reminder', 'mentee', \(mentee), 'sent', 0, 0, 0);
            """)
        #expect(try store.sentKeys(["r", "q", "e", "x"], channel: .sms) == ["r"])

        #expect(try store.cancelCafe(program: "p", at: LocalDateTime("2026-04-01T18:00")!, now: 1))
        #expect(!(try store.cancelCafe(program: "p", at: LocalDateTime("2026-04-01T18:00")!, now: 2)))
        #expect(
            try store.cafeCancellations(from: LocalDateTime("2026-03-01T00:00")!).map(\.at.description) == [
                "2026-04-01T18:00"
            ])

        let (reminder, _) = try store.addReminder(
            person: mentee, time: LocalTime("07:00")!, weekdays: [1], text: "Op", until: nil,
            today: LocalDate("2026-03-02")!, onHolidays: true)
        try store.pauseReminder(reminder, from: LocalDate("2026-05-01")!, until: LocalDate("2026-05-10")!)
        let paused = try store.reminder(reminder)
        #expect(paused.onHolidays && paused.pausedFrom == LocalDate("2026-05-01"))
        #expect(try store.reminders(activeOn: LocalDate("2026-03-02")!).map(\.id) == [reminder])
        try store.stopReminder(reminder, now: 5)
        #expect(try store.reminders(activeOn: LocalDate("2026-03-02")!).isEmpty)
        #expect(try store.reminders(person: mentee).map(\.stopped) == [true])
    }
}
