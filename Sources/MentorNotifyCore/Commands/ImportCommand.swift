import Foundation
import MentorModel
import MentorStore
import Scheduler

/// A bad row: `FILE:LINE: reason` (exit 65).
public struct ImportError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int
    public var reason: String

    public var description: String { "\(file):\(line): \(reason)" }
}

enum ImportCommand {
    static func run(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "import", options: [], switches: ["force"])
        guard args.positionals.count == 2, let kind = Importer.Kind(rawValue: args.positionals[0]) else {
            throw CLIError(
                .usage, "import: give people, relationships or contacts and a FILE; see `mentor-notify import --help`")
        }
        let file = args.positionals[1]
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CLIError(.noInput, "import: cannot read \(file); check the path")
        }
        let store = try context.openStore()
        let importer = Importer(store: store, config: context.config, force: args.flag("force"), today: context.today)
        let result = try importer.run(kind, bytes: [UInt8](data), file: file)
        if result.windows1252 {
            context.output.error("mentor-notify: \(file) is not UTF-8; read it as Windows-1252 (Danish Excel CSV)")
        }
        context.logger.info(
            "import", ["kind": kind.rawValue, "rows": String(result.rows), "already": String(result.already)])
        context.output.line(
            "imported \(result.rows) \(kind.rawValue) from \(file)"
                + (result.already > 0 ? " (\(result.already) already there, left as they were)" : ""))
    }
}

/// Imports a CSV file in one transaction: every row, or none.
struct Importer {
    enum Kind: String {
        case people, relationships, contacts
    }

    let store: Store
    let config: Config
    let force: Bool
    /// What has happened is on or before today: birthdates, contacts.
    let today: LocalDate

    /// Imports; `rows` counts what was added, `already` the contacts that were there before (a file
    /// imported twice adds nothing the second time).
    func run(_ kind: Kind, bytes: [UInt8], file: String) throws -> (rows: Int, already: Int, windows1252: Bool) {
        let csv: CSVFile
        do {
            csv = try CSVFile(bytes: bytes)
        } catch {
            throw ImportError(file: file, line: error.line, reason: error.reason)
        }
        let (rows, already): (Int, Int) = try store.write {
            switch kind {
            case .people: return (try people(csv, file), 0)
            case .relationships: return (try relationships(csv, file), 0)
            case .contacts: return try contacts(csv, file)
            }
        }
        return (rows, already, csv.readAsWindows1252)
    }

    /// Runs `body` for each record with a field accessor; any error becomes `FILE:LINE: reason`.
    private func each(
        _ csv: CSVFile, _ file: String, required: [String], optional: [String],
        _ body: (_ field: (String) -> String?) throws -> Void
    ) throws -> Int {
        let columns: [String: Int]
        do {
            columns = try csv.columns(required: required, optional: optional)
        } catch {
            throw ImportError(file: file, line: error.line, reason: error.reason)
        }
        for record in csv.records {
            guard record.fields.count <= csv.header.count else {
                throw ImportError(
                    file: file, line: record.line,
                    reason: "\(record.fields.count) fields but the header has \(csv.header.count); check the separators"
                )
            }
            let field: (String) -> String? = { name in
                guard let index = columns[name], index < record.fields.count else { return nil }
                let value = record.fields[index].trimmingSpaces()
                return value.isEmpty ? nil : value
            }
            for name in required where field(name) == nil {
                throw ImportError(file: file, line: record.line, reason: "\(name) is empty")
            }
            do {
                try body(field)
            } catch let error as InputError {
                throw ImportError(file: file, line: record.line, reason: error.description)
            } catch let error as StoreError where error.code != .busy && error.code != .io {
                throw ImportError(file: file, line: record.line, reason: error.message)
            } catch let error as ConfigError {
                throw ImportError(file: file, line: record.line, reason: error.message)
            }
        }
        return csv.records.count
    }

    private func people(_ csv: CSVFile, _ file: String) throws -> Int {
        var seen = Set<String>()
        return try each(
            csv, file, required: ["ref", "role", "name"],
            optional: ["email", "phone", "birthdate", "channels", "lang", "certificate"]
        ) { field in
            let person = try PersonInput.parse(
                role: field("role") ?? "", name: field("name") ?? "", email: field("email"), phone: field("phone"),
                birthdate: field("birthdate"), certificate: field("certificate"), channels: field("channels"),
                language: field("lang"), ref: field("ref"), today: today)
            if let ref = person.ref, !seen.insert(ref).inserted {
                throw InputError("ref", "'\(ref)' appears twice in the file")
            }
            try store.addPerson(person)
        }
    }

    private func lookup(_ ref: String, field: String) throws -> Person {
        guard let id = try store.personID(ref: ref) else {
            throw InputError(field, "no person with ref '\(ref)'; import the people first")
        }
        return try store.person(id)
    }

    private func relationships(_ csv: CSVFile, _ file: String) throws -> Int {
        try each(csv, file, required: ["mentor_ref", "mentee_ref", "program", "start"], optional: ["end"]) { field in
            let programID = field("program") ?? ""
            guard let program = config.programs.first(where: { $0.id == programID }) else {
                throw InputError(
                    "program",
                    "'\(programID)' is not a program; the programs are \(config.programs.map(\.id).joined(separator: ", "))"
                )
            }
            let mentor = try lookup(field("mentor_ref") ?? "", field: "mentor_ref")
            let mentee = try lookup(field("mentee_ref") ?? "", field: "mentee_ref")
            let start = try Validate.date(field("start") ?? "", field: "start")
            let end =
                try field("end").map { raw throws(InputError) in try Validate.date(raw, field: "end") }
                ?? start.adding(months: program.durationMonths)
            try ForloebCommands.checkEligibility(
                program, mentor: mentor, mentee: mentee, start: start, force: force, context: nil)
            try store.addRelationship(
                mentor: mentor.id, mentee: mentee.id, program: program.id, start: start, plannedEnd: end)
        }
    }

    /// Contacts are facts, not events to count twice: a row the database already holds (same forløb,
    /// date, minutes and kind) is left out, as many times as it is there, so importing the same file
    /// again adds nothing while two identical meetings in one file both count.
    private func contacts(_ csv: CSVFile, _ file: String) throws -> (added: Int, already: Int) {
        var occurrences: [Contact: Int] = [:]
        var inserted: [Contact: Int] = [:]
        var already = 0
        let rows = try each(csv, file, required: ["mentor_ref", "mentee_ref", "date", "minutes"], optional: ["kind"]) {
            field in
            let mentorRef = field("mentor_ref") ?? ""
            let menteeRef = field("mentee_ref") ?? ""
            guard let relationship = try store.relationshipID(mentorRef: mentorRef, menteeRef: menteeRef) else {
                throw InputError(
                    "mentor_ref", "no forløb between '\(mentorRef)' and '\(menteeRef)'; import the relationships first")
            }
            let date = try Validate.pastDate(field("date") ?? "", field: "date", today: today)
            let minutes = try Validate.minutes(field("minutes") ?? "")
            let kind = try ForloebCommands.parseKind(field("kind"))
            let contact = Contact(relationshipID: relationship, date: date, minutes: minutes, kind: kind)
            occurrences[contact, default: 0] += 1
            let before = try store.contactCount(contact) - inserted[contact, default: 0]
            if occurrences[contact, default: 0] <= before {
                already += 1
                return
            }
            try store.addContact(contact)
            inserted[contact, default: 0] += 1
        }
        return (rows - already, already)
    }
}
