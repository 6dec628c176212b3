import MentorModel
import MentorStore

/// `person show ID [--json]`: everything held about one person (GDPR art. 15), for the person to
/// read. The text and `--json` are written from the same fields, so they hold the same.
enum PersonShow {
    static func run(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "person show", options: [], switches: ["json"])
        let id = try args.id("person")
        let store = try context.openStore()
        let record = try store.personRecord(id)
        let sections = self.sections(record, zone: context.config.zone)
        if args.flag("json") {
            context.output.json(.object(sections.map { ($0.key, $0.value) }))
            return
        }
        var lines: [String] = []
        for (key, value) in sections {
            lines.append(headings[key] ?? key)
            switch value {
            case .array(let items) where items.isEmpty: lines.append("  (none)")
            case .array(let items): for item in items { lines += text(item, indent: "  ") }
            default: lines += text(value, indent: "  ")
            }
            lines.append("")
        }
        context.logger.info("person-shown", ["person": String(id)])
        context.output.write(lines.joined(separator: "\n"))
    }

    static let headings = [
        "person": "Personal data", "forloeb": "Forløb (mentorships)", "messages": "Messages to them",
        "replies": "Replies acted on (what was done; what they wrote is never kept)",
        "optOuts": "Opt-outs and opt-ins", "cafeAnswers": "Café evening answers", "reminders": "Personal reminders",
    ]

    static func sections(_ record: PersonRecord, zone: Zone) -> [(key: String, value: JSON)] {
        let time = { (seconds: Int64?) -> JSON in seconds.map { .string(zone.local($0).description) } ?? .null }
        return [
            ("person", personSection(record)),
            ("forloeb", .array(record.forloeb.map(forloebSection))),
            ("messages", .array(record.messages.map { messageSection($0, time: time) })),
            (
                "replies",
                .array(
                    record.replies.map {
                        .object([
                            ("date", time($0.receivedAt)), ("channel", .string($0.channel.rawValue)),
                            ("action", .string($0.action.rawValue)),
                        ])
                    })
            ),
            (
                "optOuts",
                .array(
                    record.optOutEvents.map {
                        .object([
                            ("date", time($0.at)), ("channel", .string($0.channel.rawValue)),
                            ("program", .optional($0.program)), ("optedOut", .bool($0.optedOut)),
                            ("via", .string($0.via.rawValue)),
                        ])
                    })
            ),
            (
                "cafeAnswers",
                .array(
                    record.cafeAnswers.map {
                        .object([
                            ("program", .string($0.program)), ("at", .string($0.at)), ("yes", .bool($0.yes)),
                            ("answered", time($0.answeredAt)),
                        ])
                    })
            ),
            ("reminders", .array(record.reminders.map(reminderSection))),
        ]
    }

    private static func date(_ value: LocalDate?) -> JSON { .optional(value?.description) }

    private static func personSection(_ record: PersonRecord) -> JSON {
        let person = record.person
        let unsubscribed = person.programOptOuts.sorted { ($0.program, $0.channel) < ($1.program, $1.channel) }
        return .object([
            ("id", .int(person.id)), ("ref", .optional(person.ref)), ("role", .string(person.role.rawValue)),
            ("name", .optional(person.name)),
            ("formerNames", .array(record.formerNames.map { .string($0) })),
            ("email", .optional(person.email)),
            ("phone", .optional(person.phone)), ("birthdate", date(person.birthdate)),
            ("certificate", date(person.certificate)),
            ("channels", .array(person.channels.sorted().map { .string($0.rawValue) })),
            ("lang", .string(person.language.rawValue)),
            ("optedOut", .array(person.optedOut.sorted().map { .string($0.rawValue) })),
            ("unsubscribed", .array(unsubscribed.map { .string("\($0.channel.rawValue) from \($0.program)") })),
            ("forgotten", .bool(person.forgotten)),
        ])
    }

    private static func forloebSection(_ forloeb: PersonRecord.Forloeb) -> JSON {
        let relationship = forloeb.relationship
        return .object([
            ("id", .int(relationship.id)), ("program", .string(relationship.program)),
            ("role", .string(forloeb.role.rawValue)),
            (forloeb.role == .mentor ? "mentee" : "mentor", .optional(forloeb.otherName)),
            ("start", date(relationship.start)), ("plannedEnd", date(relationship.plannedEnd)),
            ("endedOn", date(relationship.endedOn)),
            ("endReason", .optional(relationship.endReason?.rawValue)),
            (
                "contacts",
                .array(
                    forloeb.contacts.map {
                        .object([
                            ("id", .int($0.id)), ("date", date($0.contact.date)),
                            ("minutes", .int(Int64($0.contact.minutes))), ("kind", .string($0.contact.kind.rawValue)),
                        ])
                    })
            ),
            (
                "meetings",
                .array(
                    forloeb.meetings.map {
                        .object([
                            ("id", .int($0.id)), ("at", .string($0.at.description)),
                            ("place", .optional($0.place)), ("cancelled", JSON.bool($0.cancelled)),
                        ])
                    })
            ),
            (
                "evaluations",
                .array(forloeb.evaluations.map { .object([("date", date($0.date)), ("by", .string($0.by.rawValue))]) })
            ),
            (
                "answers",
                .array(forloeb.answers.map { .object([("question", .string($0.question)), ("yes", .bool($0.yes))]) })
            ),
        ])
    }

    private static func messageSection(_ row: OutboxRow, time: (Int64?) -> JSON) -> JSON {
        .object([
            ("id", .int(row.id)), ("written", time(row.createdAt)), ("sent", time(row.sentAt)),
            ("rule", .string(row.rule.rawValue)), ("program", .optional(row.program)),
            ("channel", .string(row.channel.rawValue)),
            ("status", .string(row.status.rawValue)), ("subject", .optional(row.subject)),
            ("text", .optional(row.body)),
        ])
    }

    private static func reminderSection(_ reminder: PersonRecord.Reminder) -> JSON {
        .object([
            ("id", .int(reminder.id)), ("time", .string(reminder.time)), ("days", .string(reminder.days)),
            ("until", .optional(reminder.until)), ("stopped", JSON.bool(reminder.stopped)),
            ("pausedFrom", .optional(reminder.pausedFrom)), ("pausedUntil", .optional(reminder.pausedUntil)),
            ("text", .optional(reminder.text)),
        ])
    }

    /// One value as lines a person reads: an object's plain fields on one line (`label: value; …`),
    /// a text of several lines below it, and its lists as indented items.
    static func text(_ value: JSON, indent: String) -> [String] {
        guard case .object(let fields) = value else { return [indent + plain(value)] }
        var line: [String] = []
        var below: [String] = []
        for (key, field) in fields {
            switch field {
            case .null: continue
            case .array(let items) where items.contains(where: { if case .object = $0 { true } else { false } }):
                below.append(indent + "  " + label(key) + ":")
                for item in items { below += text(item, indent: indent + "    ") }
            case .array(let items) where items.isEmpty: line.append("\(label(key)): -")
            case .string(let text) where text.contains("\n"):
                below.append(indent + "  " + label(key) + ":")
                below += text.split(separator: "\n", omittingEmptySubsequences: false).map { indent + "    | " + $0 }
            default: line.append("\(label(key)): \(plain(field))")
            }
        }
        return [indent + "- " + line.joined(separator: "; ")] + below
    }

    static func plain(_ value: JSON) -> String {
        switch value {
        case .null: "-"
        case .bool(let flag): flag ? "yes" : "no"
        case .int(let number): String(number)
        case .number(let number): String(number)
        case .string(let text): text
        case .array(let items): items.map(plain).joined(separator: ", ")
        case .object(let fields): fields.map { "\(label($0.0)): \(plain($0.1))" }.joined(separator: "; ")
        }
    }

    /// `plannedEnd` → `planned end`.
    static func label(_ key: String) -> String {
        var result = ""
        for character in key {
            if character.isUppercase { result += " " + character.lowercased() } else { result.append(character) }
        }
        return result
    }
}
