import Desk
import Foundation
import MentorModel
import MentorStore
import Synchronization

/// The import as an upload: the file is checked by `import KIND FILE --dry-run` and the result
/// shown; "Import" then runs `import KIND FILE` on the same bytes, which stayed here (never in a
/// hidden field) under a random id bound to the leader, for 15 minutes. The file is written to a
/// private temporary folder only while a command reads it. Every row must be the leader's: a
/// forløb of their programs, people they may see.
enum ImportPages {
    static let routes = [
        DeskRoute("GET", "import", form),
        DeskRoute("POST", "import", upload: true, check),
        DeskRoute("POST", "import/confirm", confirm),
    ]

    static let kinds = ["people", "relationships", "contacts"]

    /// The columns each kind of file may have (`import --help`), for the check of whose rows they are.
    static let columns: [String: [String]] = [
        "people": ["ref", "role", "name", "email", "phone", "birthdate", "channels", "lang", "certificate"],
        "relationships": ["mentor_ref", "mentee_ref", "program", "start", "end"],
        "contacts": ["mentor_ref", "mentee_ref", "date", "minutes", "kind"],
    ]

    /// An uploaded file waiting for "Import".
    struct Pending: Sendable {
        var leader: String
        var kind: String
        var bytes: [UInt8]
        var expires: Date
    }

    /// The files waiting; at most `maxPending` (each at most the upload limit), expired ones dropped.
    final class PendingUploads: Sendable {
        static let lifetime: TimeInterval = 15 * 60
        static let maxPending = 50
        private let waiting = Mutex<[String: Pending]>([:])
        let clock: @Sendable () -> Date

        init(clock: @escaping @Sendable () -> Date = { Date() }) {
            self.clock = clock
        }

        func keep(_ pending: Pending) -> String {
            var generator = SystemRandomNumberGenerator()
            let id = (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined(separator: "-")
            let now = clock()
            waiting.withLock { waiting in
                waiting = waiting.filter { $0.value.expires > now }
                if waiting.count >= PendingUploads.maxPending,
                    let oldest = waiting.min(by: { $0.value.expires < $1.value.expires })
                {
                    waiting[oldest.key] = nil
                }
                waiting[id] = pending
            }
            return id
        }

        /// The file kept under `id` for `leader`, taken out; nil when unknown, expired or another's.
        func take(_ id: String, leader: String) -> Pending? {
            let now = clock()
            return waiting.withLock { waiting in
                guard let pending = waiting[id], pending.leader == leader, pending.expires > now else { return nil }
                waiting[id] = nil
                return pending
            }
        }
    }

    static let pending = PendingUploads()

    static func form(_ call: DeskCall) throws -> DeskResult {
        page(call, error: nil, status: 200)
    }

    static func page(_ call: DeskCall, error: String?, status: Int) -> DeskResult {
        var body = AdminPageParts.paragraph(call.word("import", "intro"))
        body.append(
            AdminPageParts.paragraph(call.word("import", "limit", ["kib": String(Multipart.maxBytes / 1024 - 1)])))
        body.append(AdminPageParts.problem(error))
        body.open(
            "form", [("method", "post"), ("action", "/desk/import"), ("enctype", "multipart/form-data")])
        body.raw("\n" + FormMarkup.csrf(call.request.csrfToken))
        body.append(
            FormMarkup.select(
                "kind", label: call.word("import", "kind"),
                options: kinds.map { ($0, call.word("import", "kind-" + $0)) }, selected: call.form["kind"]))
        body.raw("<div class=\"field\">\n<label for=\"f-file\">")
        body.text(call.word("import", "file"))
        body.raw(
            "</label>\n<input type=\"file\" id=\"f-file\" name=\"file\" accept=\".csv,text/csv\" required>\n</div>\n")
        body.raw("<button type=\"submit\">")
        body.text(call.word("import", "check-button"))
        body.raw("</button>\n</form>\n")
        return .page(DeskPage(title: call.word("import", "title"), body: body, status: status, section: "import"))
    }

    /// The dry run of the uploaded file, and the button that imports it.
    static func check(_ call: DeskCall) throws -> DeskResult {
        guard let kind = call.form["kind"], kinds.contains(kind) else {
            return page(call, error: call.word("import", "no-kind"), status: 422)
        }
        guard let bytes = call.request.files["file"], !bytes.isEmpty else {
            return page(call, error: call.word("import", "no-file"), status: 422)
        }
        if let refusal = try notTheLeaders(call, kind: kind, bytes: bytes) {
            return page(call, error: refusal, status: 422)
        }
        let outcome = try run(call, kind: kind, bytes: bytes, dryRun: true)
        guard outcome.succeeded else { return page(call, error: outcome.error, status: 422) }
        let id = pending.keep(
            Pending(
                leader: call.leader.email, kind: kind, bytes: bytes, expires: pending.clock() + PendingUploads.lifetime)
        )
        var body = AdminPageParts.paragraph(call.word("import", "dry-run-intro"))
        body.append(result(outcome))
        body.append(
            AdminPageParts.button(
                action: "/desk/import/confirm", csrfToken: call.request.csrfToken,
                button: call.word("import", "import-button"), values: [("upload", id)]))
        body.raw("<p>")
        body.append(AdminPageParts.link("/desk/import", call.word("import", "another")))
        body.raw("</p>\n")
        return .page(DeskPage(title: call.word("import", "dry-run-title"), body: body, section: "import"))
    }

    static func confirm(_ call: DeskCall) throws -> DeskResult {
        guard let id = call.form["upload"], let upload = pending.take(id, leader: call.leader.email) else {
            return page(call, error: call.word("import", "expired"), status: 422)
        }
        // Checked again: the database may have changed in the 15 minutes.
        if let refusal = try notTheLeaders(call, kind: upload.kind, bytes: upload.bytes) {
            return page(call, error: refusal, status: 422)
        }
        let outcome = try run(call, kind: upload.kind, bytes: upload.bytes, dryRun: false)
        guard outcome.succeeded else { return page(call, error: outcome.error, status: 422) }
        var body = AdminPageParts.paragraph(call.word("import", "done"), class: "notice")
        body.append(result(outcome))
        body.raw("<p>")
        body.append(AdminPageParts.link("/desk/import", call.word("import", "another")))
        body.raw("</p>\n")
        return .page(DeskPage(title: call.word("import", "done-title"), body: body, section: "import"))
    }

    /// What the command printed: its summary and its warnings (forgotten rows skipped, a file read
    /// as Windows-1252). The list of what is in the database but not in the file is left out: it
    /// names every program's people.
    static func result(_ outcome: DeskActions.Outcome) -> Markup {
        var body = Markup()
        body.raw("<ul class=\"card\">\n")
        for line in (outcome.output + outcome.warnings).split(separator: "\n")
        where !line.hasPrefix("in the database but not in the file:") {
            body.element("li", text: line.hasPrefix("mentor-notify: ") ? String(line.dropFirst(15)) : String(line))
            body.raw("\n")
        }
        body.raw("</ul>\n")
        return body
    }

    /// `import KIND FILE [--dry-run]` on the bytes, written for the command to a file only this
    /// user can read (0600 in a 0700 folder), removed afterwards. The file is named after its
    /// kind, and its folder is left out of what the command says.
    static func run(_ call: DeskCall, kind: String, bytes: [UInt8], dryRun: Bool) throws -> DeskActions.Outcome {
        let folder = NSTemporaryDirectory() + "mentor-notify-desk-import-" + UUID().uuidString
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/" + kind + ".csv"
        guard
            FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
        else { throw DeskFailure.command(call.word("import", "not-written")) }
        var outcome = call.run(["import", kind, path] + (dryRun ? ["--dry-run"] : []))
        outcome.output = outcome.output.replacingOccurrences(of: folder + "/", with: "")
        outcome.error = outcome.error.replacingOccurrences(of: folder + "/", with: "")
        outcome.warnings = outcome.warnings.replacingOccurrences(of: folder + "/", with: "")
        return outcome
    }

    /// Why the file is not the leader's to import, or nil: a forløb of another program, a person
    /// they may not see (by ref), contacts of another program's forløb. A file the command cannot
    /// read passes here, and the command says what is wrong with it.
    static func notTheLeaders(_ call: DeskCall, kind: String, bytes: [UInt8]) throws -> String? {
        guard let csv = try? CSVFile(bytes: bytes),
            let position = try? csv.columns(required: [], optional: columns[kind] ?? [])
        else { return nil }
        let programs = Set(call.leader.programs)
        let visible = try AdminPageParts.visiblePeople(call)
        return try call.actions.withStore { store -> String? in
            let refs = Dictionary(
                try store.people().compactMap { person in person.ref.map { ($0, person.id) } },
                uniquingKeysWith: { first, _ in first })
            let programOf = Dictionary(
                try store.relationships().map { ($0.id, $0.program) }, uniquingKeysWith: { first, _ in first })
            for record in csv.records {
                func field(_ name: String) -> String? {
                    guard let index = position[name], index < record.fields.count else { return nil }
                    let value = record.fields[index].trimmingSpaces()
                    return value.isEmpty ? nil : value
                }
                let line = ["line": String(record.line)]
                if kind == "relationships", let program = field("program"), !programs.contains(program) {
                    return call.word(
                        "import", "other-program", line.merging(["program": program]) { first, _ in first })
                }
                for column in ["ref", "mentor_ref", "mentee_ref"] {
                    guard let ref = field(column), let id = refs[ref], !visible.contains(id) else { continue }
                    return call.word("import", "other-person", line.merging(["ref": ref]) { first, _ in first })
                }
                if kind == "contacts", let mentor = field("mentor_ref"), let mentee = field("mentee_ref"),
                    let pair = try store.relationshipID(mentorRef: mentor, menteeRef: mentee),
                    let program = programOf[pair], !programs.contains(program)
                {
                    return call.word("import", "other-pair", line)
                }
            }
            return nil
        }
    }
}
