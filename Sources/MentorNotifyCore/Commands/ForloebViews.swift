import Foundation
import MentorModel
import MentorStore
import Scheduler

/// `forloeb list` and `forloeb show`: the pairs as a leader looks at them, by name.
enum ForloebViews {
    /// Where a forløb stands on `today`.
    static func status(_ relationship: Relationship, today: LocalDate) -> String {
        if relationship.start > today { return "starting" }
        if relationship.isActive(on: today) { return "running" }
        return "ended"
    }

    /// The fields every view of a forløb has, in list and show alike.
    static func fields(_ relationship: Relationship, names: Names, today: LocalDate) -> [(String, JSON)] {
        [
            ("endReason", .optional(relationship.endReason?.rawValue)),
            ("endedOn", .optional(relationship.endedOn.map { $0.description })), ("id", .int(relationship.id)),
            ("lastContact", .optional(relationship.lastContact.map { $0.description })),
            ("mentee", .string(names.person(relationship.menteeID))), ("menteeId", .int(relationship.menteeID)),
            ("mentor", .string(names.person(relationship.mentorID))), ("mentorId", .int(relationship.mentorID)),
            ("plannedEnd", .string(relationship.plannedEnd.description)), ("program", .string(relationship.program)),
            ("start", .string(relationship.start.description)),
            ("status", .string(status(relationship, today: today))),
        ]
    }

    static func loadNames(_ store: Store, _ context: Context) throws -> Names {
        Names(people: try store.peopleForScheduling(), programs: context.config.schedulerSettings.programs)
    }

    static func list(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "forloeb list", options: ["program"], switches: ["all", "json"])
        try args.noPositionals()
        let program = try args.value("program").map { try context.config.program($0).id }
        let today = context.today
        let store = try context.openStore()
        let (relationships, names) = try store.read { (try store.relationships(), try loadNames(store, context)) }
        let shown = relationships.filter { relationship in
            (program == nil || relationship.program == program)
                && (args.flag("all") || relationship.effectiveEnd > today)
        }
        if args.flag("json") {
            context.output.json(array: shown.map { .object(fields($0, names: names, today: today)) })
            return
        }
        context.output.table(
            ["ID", "PROGRAM", "MENTOR", "MENTEE", "START", "PLANNED END", "LAST CONTACT", "STATUS"],
            shown.map { relationship in
                var status = status(relationship, today: today)
                if status == "ended" {
                    status += " \(relationship.effectiveEnd)"
                    if let reason = relationship.endReason { status += " (\(reason.rawValue))" }
                }
                return [
                    String(relationship.id), relationship.program,
                    "\(names.person(relationship.mentorID)) (\(relationship.mentorID))",
                    "\(names.person(relationship.menteeID)) (\(relationship.menteeID))",
                    relationship.start.description, relationship.plannedEnd.description,
                    relationship.lastContact?.description ?? "-", status,
                ]
            })
    }

    /// One event of a pair's timeline: when, what kind, and what (never a person's words).
    struct Event {
        var at: String
        var kind: String
        var what: String
        var json: [(String, JSON)]
    }

    static func show(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "forloeb show", options: [], switches: ["json"])
        let id = try args.id("forløb")
        let today = context.today
        let zone = context.config.zone
        let store = try context.openStore()
        let (relationship, names, events) = try store.read {
            let relationship = try store.relationship(id)
            let names = try loadNames(store, context)
            return (relationship, names, try timeline(relationship, store: store, names: names, zone: zone))
        }
        if args.flag("json") {
            var object = fields(relationship, names: names, today: today)
            object.append(
                (
                    "timeline",
                    .array(
                        events.map { event in
                            .object([("at", .string(event.at)), ("kind", .string(event.kind))] + event.json)
                        })
                ))
            context.output.json(.object(object.sorted { $0.0 < $1.0 }))
            return
        }
        context.output.line(
            "forløb \(relationship.id) (\(relationship.program)): mentor \(names.person(relationship.mentorID)) "
                + "(\(relationship.mentorID)), mentee \(names.person(relationship.menteeID)) (\(relationship.menteeID))"
        )
        var dates = "start \(relationship.start), planned end \(relationship.plannedEnd)"
        if let ended = relationship.endedOn {
            dates += ", ended \(ended) (\(relationship.endReason?.rawValue ?? EndReason.other.rawValue))"
        }
        context.output.line(dates + ", \(status(relationship, today: today))")
        context.output.table(["WHEN", "WHAT", "DETAIL"], events.map { [$0.at, $0.kind, $0.what] })
    }

    /// Contacts, meetings, evaluations, messages and answers, in the order they happened.
    static func timeline(_ relationship: Relationship, store: Store, names: Names, zone: Zone) throws -> [Event] {
        let people = [relationship.mentorID, relationship.menteeID]
        func role(_ person: Int64?) -> String {
            person == relationship.mentorID ? "mentor" : person == relationship.menteeID ? "mentee" : "person"
        }
        func moment(_ seconds: Int64) -> String { String(zone.iso8601(seconds).prefix(16)) }
        var events = activityEvents(try store.activity(relationship: relationship.id))
        for message in try store.messages(relationship: relationship.id, people: people) {
            let to = message.role == .leader ? "leader" : role(message.recipient)
            events.append(
                Event(
                    at: moment(message.at), kind: "message",
                    what: "\(message.rule.rawValue) to \(to) by \(message.channel.rawValue): \(message.status.rawValue)"
                        + (message.reason.map { " (\($0))" } ?? ""),
                    json: [
                        ("channel", .string(message.channel.rawValue)), ("id", .int(message.id)),
                        ("reason", .optional(message.reason)), ("role", .string(to)),
                        ("rule", .string(message.rule.rawValue)), ("status", .string(message.status.rawValue)),
                    ]))
        }
        for answer in try store.forloebAnswers(ids: [relationship.id]) {
            events.append(
                Event(
                    at: moment(answer.at), kind: "answer",
                    what: "\(answer.by.rawValue): \(answer.yes ? "yes" : "no") to \(answer.question)",
                    json: [
                        ("by", .string(answer.by.rawValue)), ("question", .string(answer.question)),
                        ("yes", .bool(answer.yes)),
                    ]))
        }
        for answer in try store.cafeAnswers(person: relationship.menteeID) {
            events.append(
                Event(
                    at: moment(answer.at), kind: "cafe-answer",
                    what: "mentee: \(answer.yes ? "yes" : "no") to the café evening \(answer.evening)",
                    json: [
                        ("by", .string("mentee")), ("evening", .string(answer.evening)),
                        ("program", .string(answer.program)), ("yes", .bool(answer.yes)),
                    ]))
        }
        for record in try store.inbound(people: people) {
            let who = role(record.personID)
            events.append(
                Event(
                    at: moment(record.receivedAt), kind: "reply",
                    what: "\(who) by \(record.channel.rawValue): \(record.action.rawValue)"
                        + (record.detail.map { " (\($0))" } ?? ""),
                    json: [
                        ("action", .string(record.action.rawValue)), ("by", .string(who)),
                        ("channel", .string(record.channel.rawValue)), ("detail", .optional(record.detail)),
                    ]))
        }
        // A stable sort: events of one moment keep the order of their kinds above.
        return events.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

    /// The pair's own records: contacts, meetings and evaluations.
    private static func activityEvents(
        _ activity: (contacts: [(id: Int64, contact: Contact)], meetings: [Meeting], evaluations: [Evaluation])
    ) -> [Event] {
        var events: [Event] = []
        for (id, contact) in activity.contacts {
            events.append(
                Event(
                    at: contact.date.description, kind: "contact",
                    what: "#\(id) \(contact.minutes) minutes, \(contact.kind.rawValue)",
                    json: [
                        ("id", .int(id)), ("minutes", .int(Int64(contact.minutes))),
                        ("type", .string(contact.kind.rawValue)),
                    ]))
        }
        for meeting in activity.meetings {
            events.append(
                Event(
                    at: meeting.at.description, kind: "meeting",
                    what: "#\(meeting.id)" + (meeting.place.map { " at \($0)" } ?? ""),
                    json: [
                        ("id", .int(meeting.id)), ("place", .optional(meeting.place)),
                        ("status", .string(EventCommands.status(meeting))),
                    ]))
        }
        for evaluation in activity.evaluations {
            events.append(
                Event(
                    at: evaluation.date.description, kind: "evaluation",
                    what: "returned by the \(evaluation.by.rawValue)", json: [("by", .string(evaluation.by.rawValue))]))
        }
        return events
    }
}
