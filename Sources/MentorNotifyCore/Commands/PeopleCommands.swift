import Foundation
import MentorModel
import MentorStore
import Notifier
import Transport

enum PeopleCommands {
    static func add(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(
            words, command: "person add",
            options: ["role", "name", "email", "phone", "birthdate", "certificate", "channels", "lang", "ref"])
        try args.noPositionals()
        let person = try PersonInput.parse(
            role: try args.required("role"), name: try args.required("name"), email: args.value("email"),
            phone: args.value("phone"), birthdate: args.value("birthdate"), certificate: args.value("certificate"),
            channels: args.value("channels"), language: args.value("lang"), ref: args.value("ref"),
            today: context.today)
        let store = try context.openStore()
        let id = try store.write { try store.addPerson(person) }
        context.logger.info("person-added", ["person": String(id), "role": person.role.rawValue])
        context.output.line(String(id))
    }

    /// Corrects a person: only what is given changes, with the checks of `person add`.
    static func edit(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(
            words, command: "person edit",
            options: ["name", "email", "phone", "birthdate", "certificate", "channels", "lang", "ref"],
            switches: ["no-email", "no-phone"])
        let id = try args.id("person")
        var update = try PersonInput.update(
            name: args.value("name"), email: args.value("email"), phone: args.value("phone"),
            birthdate: args.value("birthdate"), certificate: args.value("certificate"),
            channels: args.value("channels"), language: args.value("lang"), ref: args.value("ref"),
            today: context.today)
        for (field, clear) in [("email", \PersonUpdate.email), ("phone", \PersonUpdate.phone)] {
            guard args.flag("no-\(field)") else { continue }
            guard args.value(field) == nil else {
                throw CLIError(.usage, "person edit: --\(field) and --no-\(field) contradict each other; give one")
            }
            update[keyPath: clear] = .some(nil)
        }
        guard update != PersonUpdate() else {
            throw CLIError(
                .usage, "person edit: give at least one field to change; see `mentor-notify person edit --help`")
        }
        let store = try context.openStore()
        let changed = try store.updatePerson(id, update)
        context.logger.info(
            "person-edited", ["person": String(id), "changed": changed.isEmpty ? "-" : changed.joined(separator: ",")])
        context.output.line(
            changed.isEmpty
                ? "person \(id): nothing changed" : "person \(id): changed \(changed.joined(separator: ", "))")
        // A new address does not undo the person's own "stop": the leader says so, on purpose.
        let person = try store.person(id)
        for channel in Channel.allCases where changed.contains(channel == .email ? "email" : "phone") {
            let stopped =
                person.optedOut.contains(channel) || person.programOptOuts.contains { $0.channel == channel }
            if stopped && person.address(channel) != nil {
                context.output.error(
                    "mentor-notify: person \(id) had stopped \(channel.rawValue), and still gets none at the new "
                        + "address; `mentor-notify person opt-in \(id) --channel \(channel.rawValue)` if they want it again"
                )
            }
        }
    }

    static func list(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "person list", options: [], switches: ["json"])
        try args.noPositionals()
        let store = try context.openStore()
        let people = try store.people()
        if args.flag("json") {
            context.output.json(
                array: people.map { person in
                    .object([
                        ("birthdate", .optional(person.birthdate?.description)),
                        ("certificate", .optional(person.certificate?.description)),
                        ("channels", .array(person.channels.sorted().map { .string($0.rawValue) })),
                        ("email", .optional(person.email)), ("forgotten", .bool(person.forgotten)),
                        ("id", .int(person.id)),
                        ("lang", .string(person.language.rawValue)), ("name", .optional(person.name)),
                        ("optedOut", .array(person.optedOut.sorted().map { .string($0.rawValue) })),
                        (
                            "unsubscribed",
                            .array(
                                person.programOptOuts.sorted { ($0.program, $0.channel) < ($1.program, $1.channel) }.map
                                {
                                    .object([
                                        ("channel", .string($0.channel.rawValue)), ("program", .string($0.program)),
                                    ])
                                })
                        ),
                        ("phone", .optional(person.phone)), ("ref", .optional(person.ref)),
                        ("role", .string(person.role.rawValue)),
                    ])
                })
            return
        }
        context.output.table(
            ["ID", "REF", "ROLE", "NAME", "EMAIL", "PHONE", "CHANNELS"],
            people.map { person in
                let channels = person.channels.sorted().map { channel in
                    if person.optedOut.contains(channel) { return "\(channel.rawValue)(off)" }
                    // Unsubscribed from some programs by the link in an email.
                    let programs = person.programOptOuts.filter { $0.channel == channel }.map(\.program).sorted()
                    return programs.isEmpty
                        ? channel.rawValue : "\(channel.rawValue)(off for \(programs.joined(separator: " ")))"
                }
                return [
                    String(person.id), person.ref ?? "", person.role.rawValue,
                    person.forgotten ? "(forgotten)" : person.name ?? "", person.email ?? "", person.phone ?? "",
                    channels.joined(separator: ","),
                ]
            })
    }

    static func optOut(_ context: Context, _ words: [String]) throws {
        try changeOptOut(context, words, optedOut: true)
    }

    /// Undoes an opt-out, an unsubscribe or a complaint on the channel: the leader's word.
    static func optIn(_ context: Context, _ words: [String]) throws {
        try changeOptOut(context, words, optedOut: false)
    }

    private static func changeOptOut(_ context: Context, _ words: [String], optedOut: Bool) throws {
        let command = optedOut ? "person opt-out" : "person opt-in"
        let args = try Arguments(words, command: command, options: ["channel", "at"])
        let id = try args.id("person")
        guard let channel = Channel(rawValue: try args.required("channel")) else {
            throw CLIError(.dataError, "\(command): --channel must be email or sms")
        }
        let now = try CycleCommands.now(args, context.config)
        let store = try context.openStore()
        let changed = try ReplyCore.leaderOptOut(id, channel: channel, optedOut: optedOut, store: store, now: now)
        context.logger.info(
            optedOut ? "person-opted-out" : "person-opted-in",
            ["person": String(id), "channel": channel.rawValue, "result": changed ? "changed" : "unchanged"])
        switch (optedOut, changed) {
        case (true, true): context.output.line("person \(id) gets no more \(channel.rawValue)")
        case (true, false): context.output.line("person \(id) already gets no \(channel.rawValue)")
        case (false, true): context.output.line("person \(id) gets \(channel.rawValue) again")
        case (false, false): context.output.line("person \(id) was not opted out of \(channel.rawValue)")
        }
    }

    static func forget(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "forget", options: [])
        let id = try args.id("person")
        let store = try context.openStore()
        let forgotten = try store.forget(id)
        // The spool holds sent messages as files: theirs go, and others' that named them are
        // written again from the scrubbed text.
        let config = context.config
        let spool = SpoolTransport(directory: config.spool)
        for path in SpoolTransport.files(in: config.spool, outboxIDs: forgotten.rowsToThePerson) { unlink(path) }
        let rows = try store.outbox().filter { forgotten.rowsScrubbed.contains($0.id) }
        let people = try store.people(ids: rows.compactMap(\.recipient))
        for row in rows {
            let address =
                row.role == .leader ? row.leaderAddress : row.recipient.flatMap { people[$0]?.address(row.channel) }
            guard let address else { continue }
            do {
                try spool.rewrite(row, to: address, from: config.email?.from ?? Cycle.spoolFrom, now: row.sentAt ?? 0)
            } catch {
                throw CLIError(
                    .ioError, "forget: a spool file naming the person could not be rewritten: \(error.reason)")
            }
        }
        context.logger.info("person-forgotten", ["person": String(id), "texts_scrubbed": String(rows.count)])
        context.output.line(
            "person \(id) is forgotten: personal data, messages to them and their name in \(rows.count) other "
                + "messages erased")
        let backups = ForgottenInBackups(person: id, settings: config.backup ?? BackupSettings())
        for line in backups.lines(person: id, today: context.today, zone: config.zone) { context.output.line(line) }
    }
}

/// Turns the text of a command line or a CSV row into a checked `NewPerson` or `PersonUpdate`.
enum PersonInput {
    static func parse(
        role: String, name: String, email: String?, phone: String?, birthdate: String?, certificate: String?,
        channels: String?, language: String?, ref: String?, today: LocalDate
    ) throws -> NewPerson {
        guard let role = Role(rawValue: role.trimmingSpaces().lowercased()) else {
            throw InputError("role", "'\(role)' is not a role; use mentor or mentee")
        }
        return NewPerson(
            ref: try present(ref).map { try Validate.ref($0) }, role: role, name: try Validate.name(name),
            email: try present(email).map { try Validate.email($0) },
            phone: try present(phone).map { try Validate.phone($0) },
            birthdate: try present(birthdate).map { try date($0, "birthdate", today) },
            certificate: try present(certificate).map { try date($0, "certificate", today) },
            channels: try present(channels).map { try Channel.parseList($0) },
            language: try present(language).map { try parseLanguage($0) } ?? .da)
    }

    /// What `person edit` gives: only the values given, with the checks of `parse`.
    static func update(
        name: String?, email: String?, phone: String?, birthdate: String?, certificate: String?, channels: String?,
        language: String?, ref: String?, today: LocalDate
    ) throws -> PersonUpdate {
        PersonUpdate(
            ref: try ref.map { try Validate.ref($0) }, name: try name.map { try Validate.name($0) },
            email: try email.map { try Validate.email($0) }, phone: try phone.map { try Validate.phone($0) },
            birthdate: try birthdate.map { try date($0, "birthdate", today) },
            certificate: try certificate.map { try date($0, "certificate", today) },
            channels: try channels.map { try Channel.parseList($0) },
            language: try language.map { try parseLanguage($0) })
    }

    private static func present(_ value: String?) -> String? {
        guard let value, !value.trimmingSpaces().isEmpty else { return nil }
        return value
    }

    private static func date(_ raw: String, _ field: String, _ today: LocalDate) throws -> LocalDate {
        try Validate.pastDate(raw, field: field, today: today)
    }

    private static func parseLanguage(_ raw: String) throws -> Language {
        guard let value = Language(rawValue: raw.trimmingSpaces().lowercased()) else {
            throw InputError("lang", "'\(raw)' is not a language; use da or en")
        }
        return value
    }
}
