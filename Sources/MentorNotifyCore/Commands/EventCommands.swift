import Foundation
import MentorModel
import MentorStore
import Scheduler

/// Meetings, café evenings and personal reminders listed, corrected and undone. What was already
/// sent is put right by the next cycle (EventRules): an update or a cancellation to those an
/// invitation reached, and nothing for an old time, a cancelled event or a stopped reminder.
enum EventCommands {
    static func meetingList(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "meeting list", options: [], switches: ["json"])
        let id = try args.id("forløb")
        let store = try context.openStore()
        let (relationship, meetings, people) = try store.read {
            let relationship = try store.relationship(id)
            return (
                relationship, try store.meetings(relationship: id),
                try store.people(ids: [relationship.mentorID, relationship.menteeID])
            )
        }
        let mentor = displayName(people[relationship.mentorID])
        let mentee = displayName(people[relationship.menteeID])
        if args.flag("json") {
            context.output.json(
                array: meetings.map { meeting in
                    .object([
                        ("at", .string(meeting.at.description)), ("id", .int(meeting.id)),
                        ("mentee", .string(mentee)), ("mentor", .string(mentor)),
                        ("place", .optional(meeting.place)), ("relationship", .int(relationship.id)),
                        ("sequence", .int(Int64(meeting.sequence))), ("status", .string(status(meeting))),
                    ])
                })
            return
        }
        context.output.line("forløb \(relationship.id) (\(relationship.program)): \(mentor) and \(mentee)")
        context.output.table(
            ["ID", "AT", "PLACE", "STATUS"],
            meetings.map { [String($0.id), $0.at.description, $0.place ?? "", status($0)] })
    }

    static func status(_ meeting: Meeting) -> String {
        meeting.cancelled ? "cancelled" : meeting.sequence > 0 ? "moved" : "planned"
    }

    static func meetingMove(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "meeting move", options: ["at", "place"])
        let id = try args.id("meeting")
        let at = try Validate.dateTime(try args.required("at"))
        let place = try args.value("place").map { raw throws(InputError) in try Validate.place(raw) }
        let store = try context.openStore()
        let meeting = try store.write { try store.moveMeeting(id, to: at, place: place) }
        context.logger.info("meeting-moved", ["meeting": String(id), "sequence": String(meeting.sequence)])
        context.output.line(
            "meeting \(id) moved to \(meeting.at)\(meeting.place.map { ", \($0)" } ?? ""); "
                + "those invited get the new time at the next cycle")
    }

    static func meetingCancel(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "meeting cancel", options: [])
        let id = try args.id("meeting")
        let store = try context.openStore()
        let meeting = try store.write { try store.cancelMeeting(id, now: Int64(Date().timeIntervalSince1970)) }
        context.logger.info("meeting-cancelled", ["meeting": String(id)])
        context.output.line(
            "meeting \(id) on \(meeting.at) cancelled; those invited get the cancellation at the next cycle")
    }

    /// How far ahead `cafe list` looks (from today, or `--from`).
    static let cafeListDays = 90

    /// The coming café evenings of a program: its rhythm's and its one-off ones, each once.
    static func cafeEvenings(
        _ program: ProgramSettings, oneOff: [CafeEvening], from today: LocalDate, days: Int
    ) -> [(at: LocalDateTime, place: String?, oneOff: Bool)] {
        var evenings: [LocalDateTime: (place: String?, oneOff: Bool)] = [:]
        if let cafe = program.cafe {
            for offset in 0...days where cafe.hasEvening(on: today.adding(days: offset)) {
                evenings[LocalDateTime(today.adding(days: offset), cafe.time)] = (cafe.place, false)
            }
        }
        for evening in oneOff where evening.program == program.id && evenings[evening.at] == nil {
            evenings[evening.at] = (evening.place, true)
        }
        return evenings.sorted { $0.key < $1.key }.map { ($0.key, $0.value.place, $0.value.oneOff) }
    }

    static func cafeList(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "cafe list", options: ["program", "from"], switches: ["json"])
        try args.noPositionals()
        let programs = try args.value("program").map { [try context.config.program($0)] } ?? context.config.programs
        let today =
            try args.value("from").map { raw throws(InputError) in try Validate.date(raw, field: "from") }
            ?? context.today
        let store = try context.openStore()
        let start = LocalDateTime(today, .midnight)
        let (oneOff, cancelled) = try store.read {
            (try store.cafes(from: start), try store.cafeCancellations(from: start))
        }
        let cancelledKeys = Set(cancelled.map { CafeAnswers.key(program: $0.program, at: $0.at) })
        var rows: [(program: String, at: LocalDateTime, place: String?, oneOff: Bool, cancelled: Bool)] = []
        for program in programs.sorted(by: { $0.id < $1.id }) {
            for evening in cafeEvenings(program, oneOff: oneOff, from: today, days: cafeListDays) {
                let key = CafeAnswers.key(program: program.id, at: evening.at)
                rows.append((program.id, evening.at, evening.place, evening.oneOff, cancelledKeys.contains(key)))
            }
        }
        rows.sort { ($0.at, $0.program) < ($1.at, $1.program) }
        if args.flag("json") {
            context.output.json(
                array: rows.map { row in
                    .object([
                        ("at", .string(row.at.description)), ("cancelled", .bool(row.cancelled)),
                        ("kind", .string(row.oneOff ? "one-off" : "recurring")), ("place", .optional(row.place)),
                        ("program", .string(row.program)),
                    ])
                })
            return
        }
        context.output.table(
            ["PROGRAM", "AT", "PLACE", "KIND", "STATUS"],
            rows.map { row in
                [
                    row.program, row.at.description, row.place ?? "", row.oneOff ? "one-off" : "recurring",
                    row.cancelled ? "cancelled" : "planned",
                ]
            })
    }

    static func cafeCancel(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "cafe cancel", options: ["program", "at"])
        try args.noPositionals()
        let program = try context.config.program(try args.required("program"))
        let at = try Validate.dateTime(try args.required("at"))
        let store = try context.openStore()
        try store.write {
            let oneOff = try store.cafes(from: at, program: program.id)
            let known = cafeEvenings(program, oneOff: oneOff, from: at.date, days: 0).contains { $0.at == at }
            guard known else {
                throw InputError(
                    "at",
                    "\(program.id) has no café evening at \(at); see `mentor-notify cafe list --program \(program.id)`")
            }
            guard try store.cancelCafe(program: program.id, at: at, now: Int64(Date().timeIntervalSince1970)) else {
                throw InputError("at", "the café evening of \(program.id) at \(at) is already cancelled")
            }
        }
        AuditLog.recorder?.note(ids: [], keys: [program.id, at.description])
        context.logger.info("cafe-cancelled", ["program": program.id, "at": at.description])
        context.output.line(
            "café evening of \(program.id) at \(at) cancelled; those invited get the cancellation at the next cycle")
    }

    static func reminderList(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "reminder list", options: ["person"], switches: ["json"])
        try args.noPositionals()
        let person = try args.value("person").map { _ in try args.number("person") }
        let store = try context.openStore()
        let today = context.today
        let (reminders, people) = try store.read {
            let reminders = try store.reminders(person: person)
            return (reminders, try store.people(ids: Array(Set(reminders.map(\.personID)))))
        }
        func state(_ reminder: PersonalReminder) -> String {
            if reminder.stopped { return "stopped" }
            if let until = reminder.until, until < today { return "ended" }
            if let from = reminder.pausedFrom, let until = reminder.pausedUntil, until >= today {
                return from <= today ? "paused until \(until)" : "pause \(from) to \(until)"
            }
            return "active"
        }
        if args.flag("json") {
            context.output.json(
                array: reminders.map { reminder in
                    .object([
                        ("days", .string(PersonalReminder.formatWeekdays(reminder.weekdays))),
                        ("id", .int(reminder.id)), ("name", .string(displayName(people[reminder.personID]))),
                        ("onHolidays", .bool(reminder.onHolidays)),
                        ("pausedFrom", .optional(reminder.pausedFrom?.description)),
                        ("pausedUntil", .optional(reminder.pausedUntil?.description)),
                        ("person", .int(reminder.personID)), ("status", .string(state(reminder))),
                        ("text", .string(reminder.text)), ("time", .string(reminder.time.description)),
                        ("until", .optional(reminder.until?.description)),
                    ])
                })
            return
        }
        context.output.table(
            ["ID", "PERSON", "NAME", "TIME", "DAYS", "UNTIL", "HOLIDAYS", "STATUS", "TEXT"],
            reminders.map { reminder in
                [
                    String(reminder.id), String(reminder.personID), displayName(people[reminder.personID]),
                    reminder.time.description, PersonalReminder.formatWeekdays(reminder.weekdays),
                    reminder.until?.description ?? "", reminder.onHolidays ? "yes" : "no", state(reminder),
                    reminder.text,
                ]
            })
    }

    static func reminderStop(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "reminder stop", options: [])
        let id = try args.id("reminder")
        let store = try context.openStore()
        try store.write { try store.stopReminder(id, now: Int64(Date().timeIntervalSince1970)) }
        context.logger.info("reminder-stopped", ["reminder": String(id)])
        context.output.line("reminder \(id) stopped; nothing more is sent")
    }

    static func reminderPause(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "reminder pause", options: ["from", "until"])
        let id = try args.id("reminder")
        let from = try Validate.date(try args.required("from"), field: "from")
        let until = try Validate.date(try args.required("until"), field: "until")
        let store = try context.openStore()
        try store.write { try store.pauseReminder(id, from: from, until: until) }
        context.logger.info("reminder-paused", ["reminder": String(id), "from": from.description])
        context.output.line("reminder \(id) paused from \(from) through \(until)")
    }

    /// A person as a leader reads them: the name, or `(forgotten)` once it is erased.
    static func displayName(_ person: Person?) -> String {
        guard let person, !person.forgotten, let name = person.name else { return "(forgotten)" }
        return name
    }
}
