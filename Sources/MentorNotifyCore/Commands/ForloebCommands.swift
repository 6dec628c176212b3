import Foundation
import MentorModel
import MentorStore
import Scheduler

enum ForloebCommands {
    static func match(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(
            words, command: "match", options: ["mentor", "mentee", "program", "start", "end"], switches: ["force"])
        try args.noPositionals()
        let program = try context.config.program(try args.required("program"))
        let start = try Validate.date(try args.required("start"), field: "start")
        let end =
            try args.value("end").map { raw throws(InputError) in try Validate.date(raw, field: "end") }
            ?? start.adding(months: program.durationMonths)
        let store = try context.openStore()
        let id: Int64 = try store.write {
            let mentor = try store.person(try args.number("mentor"))
            let mentee = try store.person(try args.number("mentee"))
            try checkEligibility(
                program, mentor: mentor, mentee: mentee, start: start, force: args.flag("force"), context: context)
            return try store.addRelationship(
                mentor: mentor.id, mentee: mentee.id, program: program.id, start: start, plannedEnd: end)
        }
        context.logger.info("forloeb-matched", ["relationship": String(id), "program": program.id])
        context.output.line(String(id))
    }

    /// Refuses a match that breaks the program's rules, unless forced (then it says which rule).
    static func checkEligibility(
        _ program: ProgramSettings, mentor: Person, mentee: Person, start: LocalDate, force: Bool, context: Context?
    ) throws {
        let reasons = program.eligibility.violations(mentor: mentor, mentee: mentee, start: start)
        guard !reasons.isEmpty else { return }
        if force {
            context?.output.error(
                "mentor-notify: matched despite \(program.id)'s rules (--force): \(reasons.joined(separator: "; "))")
            return
        }
        throw InputError(
            "match",
            "\(program.id) does not allow this match: \(reasons.joined(separator: "; ")). Use --force to match anyway")
    }

    static func extend(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "extend", options: ["until"])
        let id = try args.id("forløb")
        let until = try Validate.date(try args.required("until"), field: "until")
        let store = try context.openStore()
        try store.extend(id, until: until, now: Int64(Date().timeIntervalSince1970))
        context.logger.info("forloeb-extended", ["relationship": String(id), "until": until.description])
        context.output.line("forløb \(id) now ends \(until)")
    }

    static func end(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "end", options: ["date", "reason"])
        let id = try args.id("forløb")
        let date = try Validate.date(try args.required("date"), field: "date")
        // Without --reason: `other`, the category that says nothing about anyone.
        let reason = try args.value("reason").map { raw throws(InputError) in try EndReason.parse(raw) } ?? .other
        let store = try context.openStore()
        try store.end(id, on: date, reason: reason, now: Int64(Date().timeIntervalSince1970))
        context.logger.info(
            "forloeb-ended", ["relationship": String(id), "date": date.description, "reason": reason.rawValue])
        context.output.line("forløb \(id) ended \(date) (\(reason.rawValue))")
    }

    static func contact(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "contact", options: ["date", "minutes", "kind"], switches: ["yes"])
        let id = try args.id("forløb")
        let date = try Validate.pastDate(try args.required("date"), field: "date", today: context.today)
        let minutes = try Validate.minutes(try args.required("minutes"))
        try ContactCommands.checkLength(minutes, args)
        let kind = try parseKind(args.value("kind"))
        let store = try context.openStore()
        let contactID = try store.write {
            try store.addContact(Contact(relationshipID: id, date: date, minutes: minutes, kind: kind))
        }
        context.logger.info(
            "contact-logged", ["relationship": String(id), "contact": String(contactID), "date": date.description])
        // The new id alone last, as every command that creates something (`contact fix ID` takes it).
        context.output.line("logged \(minutes) minutes on \(date) for forløb \(id)")
        context.output.line(String(contactID))
    }

    static func parseKind(_ raw: String?) throws(InputError) -> ContactKind {
        guard let raw, !raw.trimmingSpaces().isEmpty else { return .meeting }
        guard let kind = ContactKind(rawValue: raw.trimmingSpaces().lowercased()) else {
            throw InputError("kind", "'\(raw)' is not a kind of contact; use meeting, phone, video or other")
        }
        return kind
    }

    static func meeting(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "meeting", options: ["at", "place"])
        let id = try args.id("forløb")
        let at = try Validate.dateTime(try args.required("at"))
        let place = try args.value("place").map { raw throws(InputError) in
            try Validate.place(raw)
        }
        let store = try context.openStore()
        let meetingID = try store.write { try store.addMeeting(relationship: id, at: at, place: place) }
        context.output.line(String(meetingID))
    }

    static func evaluated(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "evaluated", options: ["by", "date"])
        let id = try args.id("forløb")
        guard let role = Role(rawValue: try args.required("by")) else {
            throw CLIError(.dataError, "evaluated: --by must be mentor or mentee")
        }
        let date =
            try args.value("date").map { raw throws(InputError) in try Validate.date(raw) }
            ?? context.config.zone.local(Date()).date
        let store = try context.openStore()
        let evaluationID = try store.write {
            try store.addEvaluation(Evaluation(relationshipID: id, by: role, date: date))
        }
        context.output.line(String(evaluationID))
    }

    static func cafeAdd(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "cafe add", options: ["program", "at", "place"])
        try args.noPositionals()
        let program = try context.config.program(try args.required("program"))
        let at = try Validate.dateTime(try args.required("at"))
        let place = try args.value("place").map { raw throws(InputError) in
            try Validate.place(raw)
        }
        let store = try context.openStore()
        let id = try store.write { try store.addCafe(program: program.id, at: at, place: place) }
        context.output.line(String(id))
    }

    static func reminderAdd(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(
            words, command: "reminder add", options: ["person", "time", "days", "text", "until"],
            switches: ["on-holidays"])
        try args.noPositionals()
        let person = try args.number("person")
        let time = try Validate.time(try args.required("time"))
        let days = try PersonalReminder.parseWeekdays(try args.required("days"))
        let text = try Validate.smsText(try args.required("text"), field: "text", maxLength: 300)
        guard !text.trimmingSpaces().isEmpty else { throw InputError("text", "is empty") }
        let until = try args.value("until").map { raw throws(InputError) in try Validate.date(raw, field: "until") }
        let store = try context.openStore()
        let (id, ends) = try store.write {
            try store.addReminder(
                person: person, time: time, weekdays: days, text: text, until: until, today: context.today,
                onHolidays: args.flag("on-holidays"))
        }
        if until == nil {
            context.output.error("mentor-notify: the reminder stops when the forløb ends, \(ends)")
        }
        context.output.line(String(id))
    }
}
