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
    /// The largest file read: far beyond any program's spreadsheet (10,000 people are about 1 MB),
    /// small enough that a wrong file given by mistake is refused, not read into memory.
    static let maxBytes = 64 << 20

    static func run(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "import", options: [], switches: ["force", "dry-run", "yes"])
        guard args.positionals.count == 2, let kind = Importer.Kind(rawValue: args.positionals[0]) else {
            throw CLIError(
                .usage, "import: give people, relationships or contacts and a FILE; see `mentor-notify import --help`")
        }
        let file = args.positionals[1]
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? nil
        if let size, size > maxBytes {
            throw ImportError(
                file: file, line: 1, reason: "the file has \(size >> 20) MiB; a CSV file to import has at most 64 MiB")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CLIError(.noInput, "import: cannot read \(file); check the path")
        }
        let store = try context.openStore()
        let importer = Importer(
            store: store, config: context.config, force: args.flag("force"), yes: args.flag("yes"), today: context.today
        )
        let dryRun = args.flag("dry-run")
        let result = try importer.run(kind, bytes: [UInt8](data), file: file, dryRun: dryRun)
        if result.windows1252 {
            context.output.error("mentor-notify: \(file) is not UTF-8; read it as Windows-1252 (Danish Excel CSV)")
        }
        for override in result.overrides {
            context.output.error("mentor-notify: \(override) (--force)")
        }
        for row in result.forgotten {
            context.output.error(
                "mentor-notify: \(file):\(row.line): \(ImportResult.refs(row.refs)) belonged to a person who was "
                    + "forgotten; row skipped, remove it from the sheet")
        }
        if !dryRun { AuditLog.recorder?.note(ids: result.touched, keys: [kind.rawValue]) }
        context.logger.info(
            "import",
            [
                "kind": kind.rawValue, "added": String(result.added), "changed": String(result.changed),
                "unchanged": String(result.unchanged), "forgotten": String(result.forgotten.count),
                "dry_run": String(dryRun),
            ])
        context.output.line("\(file): \(result.summary)" + (dryRun ? " (dry run: nothing written)" : ""))
        if !result.notInFileNames.isEmpty {
            let shown = result.notInFileNames.prefix(20).joined(separator: ", ")
            let more = result.notInFileNames.count > 20 ? " and \(result.notInFileNames.count - 20) more" : ""
            context.output.line("in the database but not in the file: \(shown)\(more)")
        }
    }
}

/// What an import did (or, in a dry run, would do).
struct ImportResult {
    var added = 0
    /// Rows that changed something, and how often each column changed (in the order first seen).
    var changed = 0
    var changedColumns: [(column: String, count: Int)] = []
    var unchanged = 0
    var notInFile = 0
    /// What is in the database but not in the file, by ref or id (people and forløb).
    var notInFileNames: [String] = []
    /// `FILE:LINE: rule` for each eligibility rule `--force` overrode.
    var overrides: [String] = []
    /// Rows skipped because they name the ref of a forgotten person: their line and those refs.
    var forgotten: [(line: Int, refs: [String])] = []
    var windows1252 = false
    /// The ids of what was added or changed (people, forløb or contacts, as imported), for the audit.
    var touched: [Int64] = []

    mutating func add(_ id: Int64) {
        added += 1
        touched.append(id)
    }

    mutating func record(_ id: Int64, changes columns: [String]) {
        guard !columns.isEmpty else {
            unchanged += 1
            return
        }
        changed += 1
        touched.append(id)
        for column in columns {
            if let index = changedColumns.firstIndex(where: { $0.column == column }) {
                changedColumns[index].count += 1
            } else {
                changedColumns.append((column, 1))
            }
        }
    }

    /// `3 added, 2 changed: phone ×1, email ×1; 7 unchanged; 1 in the database but not in the file`
    var summary: String {
        let columns = changedColumns.map { "\($0.column) ×\($0.count)" }.joined(separator: ", ")
        var summary =
            "\(added) added, \(changed) changed\(columns.isEmpty ? "" : ": " + columns); \(unchanged) unchanged; "
            + "\(notInFile) in the database but not in the file"
        if !forgotten.isEmpty {
            let refs = ImportResult.refs(Array(Set(forgotten.flatMap(\.refs))).sorted())
            let rows = forgotten.count == 1 ? "the row" : "the rows"
            summary += "; \(forgotten.count) forgotten (skipped: \(refs) — remove \(rows) from the sheet)"
        }
        return summary
    }

    /// `ref m3`, `refs m3, m7`
    static func refs(_ refs: [String]) -> String {
        (refs.count == 1 ? "ref " : "refs ") + refs.joined(separator: ", ")
    }
}

/// Imports a CSV file in one transaction: every row, or none. The file is the master copy: a row
/// the database holds already is brought in line with it (a person by `ref`, a forløb by mentor,
/// mentee, program and start), a new row is added, and nothing is deleted.
struct Importer {
    enum Kind: String {
        case people, relationships, contacts
    }

    let store: Store
    let config: Config
    let force: Bool
    /// Contacts over 8 hours are meant (`--yes`), as with `contact`.
    let yes: Bool
    /// What has happened is on or before today: birthdates, contacts.
    let today: LocalDate

    /// Thrown out of the transaction to roll a dry run back, carrying what it would have done.
    private struct DryRun: Error {
        var result: ImportResult
    }

    func run(_ kind: Kind, bytes: [UInt8], file: String, dryRun: Bool = false) throws -> ImportResult {
        let csv: CSVFile
        do {
            csv = try CSVFile(bytes: bytes)
        } catch {
            throw ImportError(file: file, line: error.line, reason: error.reason)
        }
        var result: ImportResult
        do {
            result = try store.write {
                var result = ImportResult()
                switch kind {
                case .people: try people(csv, file, into: &result)
                case .relationships: try relationships(csv, file, into: &result)
                case .contacts: try contacts(csv, file, into: &result)
                }
                // Everything ran and was checked; a dry run now undoes it all.
                if dryRun { throw DryRun(result: result) }
                return result
            }
        } catch let stop as DryRun {
            result = stop.result
        }
        result.windows1252 = csv.readAsWindows1252
        return result
    }

    /// One row: its line and its fields by the name the program uses (nil when empty or absent).
    struct Row {
        let line: Int
        let field: (String) -> String?
    }

    /// The columns of a file: each one's position and the name its header gives it, by the name the
    /// program uses.
    struct Columns {
        let position: [String: Int]
        let written: [String: String]
        let required: [String]

        func has(_ name: String) -> Bool { position[name] != nil }
    }

    private func columns(_ csv: CSVFile, _ file: String, required: [String], optional: [String]) throws -> Columns {
        do {
            let position = try csv.columns(required: required, optional: optional)
            return Columns(position: position, written: position.mapValues { csv.header[$0] }, required: required)
        } catch {
            throw ImportError(file: file, line: error.line, reason: error.reason)
        }
    }

    /// Runs `body` for each record; any error becomes `FILE:LINE: reason`.
    private func each(_ csv: CSVFile, _ file: String, _ columns: Columns, _ body: (Row) throws -> Void) throws {
        for record in csv.records {
            if let stray = csv.unnamedValue(in: record) {
                throw ImportError(
                    file: file, line: record.line,
                    reason: stray >= csv.header.count
                        ? "\(record.fields.count) fields but the header has \(csv.header.count); check the separators"
                        : "a value in column \(stray + 1), which has no name in the header; name the column or clear it"
                )
            }
            let field: (String) -> String? = { name in
                guard let index = columns.position[name], index < record.fields.count else { return nil }
                let value = record.fields[index].trimmingSpaces()
                return value.isEmpty ? nil : value
            }
            for name in columns.required where field(name) == nil {
                throw ImportError(file: file, line: record.line, reason: "\(columns.written[name] ?? name) is empty")
            }
            do {
                try body(Row(line: record.line, field: field))
            } catch let error as InputError {
                throw ImportError(file: file, line: record.line, reason: error.description)
            } catch let error as StoreError where error.code != .busy && error.code != .io {
                throw ImportError(file: file, line: record.line, reason: error.message)
            } catch let error as ConfigError {
                throw ImportError(file: file, line: record.line, reason: error.message)
            }
        }
    }

    /// Whether the row names a ref of a forgotten person, recorded to be skipped: the sheet is behind
    /// the database, not wrong, so the import goes on without bringing the person back.
    private func skipsForgotten(_ row: Row, _ fields: [String], into result: inout ImportResult) throws -> Bool {
        let refs = try fields.compactMap(row.field).filter { try store.isForgotten(ref: $0) }
        guard !refs.isEmpty else { return false }
        result.forgotten.append((row.line, refs))
        return true
    }

    /// A date written as ISO or as Danish Excel writes it, as ISO for the checks of `person add`.
    private func isoDate(_ raw: String?, field: String) throws(InputError) -> String? {
        try raw.map { raw throws(InputError) in try Validate.spreadsheetDate(raw, field: field).description }
    }

    private func people(_ csv: CSVFile, _ file: String, into result: inout ImportResult) throws {
        var seen = Set<String>()
        let present = try columns(
            csv, file, required: ["ref", "role", "name"],
            optional: ["email", "phone", "birthdate", "channels", "lang", "certificate"])
        try each(csv, file, present) { row in
            if try skipsForgotten(row, ["ref"], into: &result) { return }
            let field = row.field
            let person = try PersonInput.parse(
                role: field("role") ?? "", name: field("name") ?? "", email: field("email"), phone: field("phone"),
                birthdate: try isoDate(field("birthdate"), field: "birthdate"),
                certificate: try isoDate(field("certificate"), field: "certificate"),
                // A Danish sheet writes the channel as it writes the column: "e-mail".
                channels: field("channels")?.lowercased().replacingOccurrences(of: "e-mail", with: "email"),
                language: field("lang"), ref: field("ref"), today: today)
            guard let ref = person.ref else { throw InputError("ref", "is empty") }
            guard seen.insert(ref).inserted else {
                throw InputError("ref", "'\(ref)' appears twice in the file")
            }
            guard let id = try store.personID(ref: ref) else {
                result.add(try store.addPerson(person))
                return
            }
            // A column in the file sets its value (an empty cell clears it); a column not there leaves it.
            var update = PersonUpdate(role: person.role, name: person.name)
            if present.has("email") { update.email = .some(person.email) }
            if present.has("phone") { update.phone = .some(person.phone) }
            if present.has("birthdate") { update.birthdate = .some(person.birthdate) }
            if present.has("certificate") { update.certificate = .some(person.certificate) }
            if present.has("lang") { update.language = person.language }
            if present.has("channels") {
                // An empty cell: the default for the addresses the person ends up with.
                let current = try store.person(id)
                update.channels =
                    person.channels
                    ?? Person.defaultChannels(
                        email: update.email ?? current.email, phone: update.phone ?? current.phone)
            }
            result.record(id, changes: try store.updatePerson(id, update).map { present.written[$0] ?? $0 })
        }
        let missing = try store.peopleNotIn(refs: seen)
        result.notInFile = missing.count
        result.notInFileNames = missing.map { $0.ref ?? "person \($0.id)" }
    }

    private func lookup(_ ref: String, field: String) throws -> Person {
        guard let id = try store.personID(ref: ref) else {
            throw InputError(field, "no person with ref '\(ref)'; import the people first")
        }
        return try store.person(id)
    }

    private func relationships(_ csv: CSVFile, _ file: String, into result: inout ImportResult) throws {
        var seen = Set<Int64>()
        let present = try columns(
            csv, file, required: ["mentor_ref", "mentee_ref", "program", "start"], optional: ["end"])
        try each(csv, file, present) { row in
            if try skipsForgotten(row, ["mentor_ref", "mentee_ref"], into: &result) { return }
            let field = row.field
            let programID = field("program") ?? ""
            guard let program = config.programs.first(where: { $0.id == programID }) else {
                throw InputError(
                    "program",
                    "'\(programID)' is not a program; the programs are \(config.programs.map(\.id).joined(separator: ", "))"
                )
            }
            let mentor = try lookup(field("mentor_ref") ?? "", field: "mentor_ref")
            let mentee = try lookup(field("mentee_ref") ?? "", field: "mentee_ref")
            let start = try Validate.spreadsheetDate(field("start") ?? "", field: "start")
            let end = try field("end").map { raw throws(InputError) in try Validate.spreadsheetDate(raw, field: "end") }
            if let id = try store.relationshipID(
                mentor: mentor.id, mentee: mentee.id, program: program.id, start: start)
            {
                guard seen.insert(id).inserted else {
                    throw InputError(
                        "start",
                        "this forløb (\(mentor.ref ?? "") and \(mentee.ref ?? "") from \(start)) appears twice in the file"
                    )
                }
                // An empty end says nothing: the planned end stays as it is (an `extend` included).
                let now = Int64(Date().timeIntervalSince1970)
                let moved = try end.map { try store.followPlannedEnd(id, to: $0, now: now) } ?? false
                result.record(id, changes: moved ? [present.written["end"] ?? "end"] : [])
                return
            }
            let reasons = program.eligibility.violations(mentor: mentor, mentee: mentee, start: start)
            if !reasons.isEmpty {
                guard force else {
                    try ForloebCommands.checkEligibility(
                        program, mentor: mentor, mentee: mentee, start: start, force: false, context: nil)
                    return
                }
                result.overrides.append(
                    "\(file):\(row.line): matched despite \(program.id)'s rules: \(reasons.joined(separator: "; "))")
            }
            let id = try store.addRelationship(
                mentor: mentor.id, mentee: mentee.id, program: program.id, start: start,
                plannedEnd: end ?? start.adding(months: program.durationMonths))
            seen.insert(id)
            result.add(id)
        }
        // A forgotten person's forløb stays (its counts do), but no row can name it any more.
        let forgotten = Set(try store.people().filter(\.forgotten).map(\.id))
        let missing = try store.relationships().filter {
            !seen.contains($0.id) && !forgotten.contains($0.mentorID) && !forgotten.contains($0.menteeID)
        }
        result.notInFile = missing.count
        result.notInFileNames = missing.map { "forløb \($0.id)" }
    }

    /// Contacts are facts, not events to count twice: a row the database already holds (same forløb,
    /// date, minutes and kind) is left out, as many times as it is there, so importing the same file
    /// again adds nothing while two identical meetings in one file both count.
    private func contacts(_ csv: CSVFile, _ file: String, into result: inout ImportResult) throws {
        var occurrences: [Contact: Int] = [:]
        var inserted: [Contact: Int] = [:]
        var rows = 0
        let present = try columns(
            csv, file, required: ["mentor_ref", "mentee_ref", "date", "minutes"], optional: ["kind"])
        try each(csv, file, present) { row in
            if try skipsForgotten(row, ["mentor_ref", "mentee_ref"], into: &result) { return }
            let field = row.field
            let mentorRef = field("mentor_ref") ?? ""
            let menteeRef = field("mentee_ref") ?? ""
            guard let relationship = try store.relationshipID(mentorRef: mentorRef, menteeRef: menteeRef) else {
                throw InputError(
                    "mentor_ref", "no forløb between '\(mentorRef)' and '\(menteeRef)'; import the relationships first")
            }
            let date = try Validate.pastSpreadsheetDate(field("date") ?? "", field: "date", today: today)
            let minutes = try Validate.minutes(field("minutes") ?? "")
            if let problem = ContactCommands.lengthProblem(minutes, yes: yes) { throw InputError("minutes", problem) }
            let kind = try ForloebCommands.parseKind(field("kind"))
            let contact = Contact(relationshipID: relationship, date: date, minutes: minutes, kind: kind)
            rows += 1
            occurrences[contact, default: 0] += 1
            let before = try store.contactCount(contact) - inserted[contact, default: 0]
            if occurrences[contact, default: 0] <= before {
                result.unchanged += 1
                return
            }
            result.add(try store.addContact(contact))
            inserted[contact, default: 0] += 1
        }
        // Each row is one contact in the database (found or added); the rest are not in the file.
        result.notInFile = try store.contactTotal() - rows
    }
}
