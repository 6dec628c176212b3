import MentorModel
import MentorStore

/// Logged contacts seen and corrected: `contact list`, `contact fix`, `contact remove`.
enum ContactCommands {
    /// More than a working day in one contact is most often a typo (900 for 90): asked for on purpose.
    static let longContactMinutes = 8 * 60

    /// Why a contact is refused: over 8 hours and `yes` does not say it is meant; nil otherwise.
    /// The one check of `contact`, `contact fix` and `import contacts`.
    static func lengthProblem(_ minutes: Int, yes: Bool) -> String? {
        guard minutes > longContactMinutes, !yes else { return nil }
        return "\(minutes) minutes is over 8 hours; check the number, or add --yes if it is right"
    }

    /// Refuses a contact over 8 hours unless `--yes` says it is meant (`contact` and `contact fix`).
    static func checkLength(_ minutes: Int, _ args: Arguments) throws(CLIError) {
        guard let problem = lengthProblem(minutes, yes: args.flag("yes")) else { return }
        throw CLIError(.dataError, "\(args.command): \(problem)")
    }

    static func list(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "contact list", options: [], switches: ["json"])
        let id = try args.id("forløb")
        let store = try context.openStore()
        let contacts = try store.contacts(relationship: id)
        if args.flag("json") {
            context.output.json(
                array: contacts.map { logged in
                    .object([
                        ("date", .string(logged.contact.date.description)), ("id", .int(logged.id)),
                        ("kind", .string(logged.contact.kind.rawValue)),
                        ("minutes", .int(Int64(logged.contact.minutes))),
                        ("relationship", .int(logged.contact.relationshipID)),
                    ])
                })
            return
        }
        context.output.table(
            ["ID", "DATE", "MINUTES", "KIND"],
            contacts.map {
                [String($0.id), $0.contact.date.description, String($0.contact.minutes), $0.contact.kind.rawValue]
            })
    }

    static func fix(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(
            words, command: "contact fix", options: ["date", "minutes", "kind"], switches: ["yes"])
        let id = try args.id("contact")
        let update = ContactUpdate(
            date: try args.value("date").map { try Validate.pastDate($0, field: "date", today: context.today) },
            minutes: try args.value("minutes").map { try Validate.minutes($0) },
            kind: try args.value("kind").map { try ForloebCommands.parseKind($0) })
        guard update != ContactUpdate() else {
            throw CLIError(
                .usage, "contact fix: give --date, --minutes or --kind; see `mentor-notify contact fix --help`")
        }
        if let minutes = update.minutes { try checkLength(minutes, args) }
        let store = try context.openStore()
        let fixed = try store.fixContact(id, update)
        context.logger.info(
            "contact-fixed", ["contact": String(id), "relationship": String(fixed.contact.relationshipID)])
        context.output.line(
            "contact \(id) of forløb \(fixed.contact.relationshipID) is now \(fixed.contact.minutes) minutes "
                + "(\(fixed.contact.kind.rawValue)) on \(fixed.contact.date)")
    }

    static func remove(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "contact remove", options: [])
        let id = try args.id("contact")
        let store = try context.openStore()
        let removed = try store.removeContact(id)
        context.logger.info(
            "contact-removed", ["contact": String(id), "relationship": String(removed.contact.relationshipID)])
        context.output.line(
            "removed contact \(id): \(removed.contact.minutes) minutes on \(removed.contact.date) "
                + "for forløb \(removed.contact.relationshipID)")
    }
}
