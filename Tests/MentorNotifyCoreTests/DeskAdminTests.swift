import Desk
import Foundation
import HTTPServer
import MentorModel
import MentorStore
import Synchronization
import Testing

@testable import MentorNotifyCore

/// The café, reminder, failed-message, import, report and audit pages, and the upload's reader.
@Suite(.serialized) struct DeskAdminTests {
    // MARK: - Café evenings

    @Test func cafeEveningsAreListedAddedAndCancelledAfterAConfirmation() throws {
        let world = try DeskWorld()
        let page = world.get("cafes")
        try expectPage(page)
        #expect(page.text.contains("Huset"))
        let added = world.post(
            "cafes/new",
            [("program", "mentorshoppen"), ("date", "2026-12-20"), ("time", "17:00"), ("place", "Biblioteket")])
        #expect(added.status == 303 && added.location == "/desk/cafes?done=added", "\(added.text)")
        let evenings = try world.cli.json(["cafe", "list", "--program", "mentorshoppen", "--json"])
        #expect(
            evenings.contains { $0["at"] as? String == "2026-12-20T17:00" && $0["place"] as? String == "Biblioteket" })
        #expect(try world.lastAudit()["actor"] as? String == "desk:Louise")

        let first = try #require(evenings.first { $0["kind"] as? String == "recurring" }?["at"] as? String)
        let confirm = world.get("cafes/cancel", "program=mentorshoppen&at=\(first)")
        try expectPage(confirm)
        #expect(confirm.text.contains("class=\"danger\"") && confirm.text.contains(AdminPageParts.when(first)))
        let cancelled = world.post("cafes/cancel", [("program", "mentorshoppen"), ("at", first)])
        #expect(cancelled.status == 303, "\(cancelled.text)")
        let after = try world.cli.json(["cafe", "list", "--program", "mentorshoppen", "--json"])
        #expect(after.first { $0["at"] as? String == first }?["cancelled"] as? Bool == true)
        try expectPage(world.get("cafes", "done=cancelled"))
    }

    @Test func aRefusedCafeShowsTheCommandsErrorNextToTheDate() throws {
        let world = try DeskWorld()
        let expected = try world.error(["cafe", "add", "--program", "mentorshoppen", "--at", "2026-13-01T17:00"])
        let answer = world.post("cafes/new", [("program", "mentorshoppen"), ("date", "2026-13-01"), ("time", "17:00")])
        try expectPage(answer, status: 422)
        #expect(answer.text.contains("<p class=\"error\" id=\"e-date\">\(HTML.escape(expected))</p>"), "\(answer.text)")
    }

    @Test func anotherProgramsCafeIsNotFound() throws {
        let world = try DeskWorld()
        let before = try world.cli.databaseDump()
        #expect(
            world.post("cafes/new", [("program", "symb"), ("date", "2026-12-20"), ("time", "17:00")]).status == 404)
        #expect(world.get("cafes/cancel", "program=symb&at=2026-12-09T18:00").status == 404)
        #expect(world.post("cafes/cancel", [("program", "symb"), ("at", "2026-12-09T18:00")]).status == 404)
        #expect(try world.cli.databaseDump() == before)
    }

    // MARK: - Personal reminders

    @Test func remindersAreAddedPausedAndStopped() throws {
        let world = try DeskWorld()
        let person = String(world.ours.mentor)
        let form = world.get("reminders/new", "person=\(person)")
        try expectPage(form)
        #expect(form.text.contains("<option value=\"\(person)\" selected=\"selected\">Søren Mikkelsen</option>"))
        #expect(!form.text.contains("Henrik Holm"), "another program's person is no choice")
        let refused = world.post(
            "reminders/new", [("person", person), ("time", "25:00"), ("days", "mon"), ("text", "Husk mødet")])
        try expectPage(refused, status: 422)
        #expect(refused.text.contains("id=\"e-time\""), "\(refused.text)")
        let added = world.post(
            "reminders/new",
            [("person", person), ("time", "07:00"), ("days", "mon"), ("days", "thu"), ("text", "Husk mødet <i>&")])
        #expect(added.status == 303, "\(added.text)")
        let reminders = try world.cli.json(["reminder", "list", "--json"])
        let reminder = try #require(reminders.first)
        #expect(reminder["days"] as? String == "mon,thu" && reminder["text"] as? String == "Husk mødet <i>&")
        let id = try #require(reminder["id"] as? Int)
        let list = world.get("reminders")
        try expectPage(list)
        #expect(list.text.contains("Husk mødet &lt;i&gt;&amp;") && list.text.contains("man., tor."))

        try expectPage(world.get("reminders/\(id)/pause"))
        let paused = world.post("reminders/\(id)/pause", [("from", "2026-12-21"), ("until", "2027-01-03")])
        #expect(paused.status == 303, "\(paused.text)")
        #expect(try world.cli.json(["reminder", "list", "--json"]).first?["pausedFrom"] as? String == "2026-12-21")

        let confirm = world.get("reminders/\(id)/stop")
        try expectPage(confirm)
        #expect(confirm.text.contains("class=\"danger\""))
        #expect(world.post("reminders/\(id)/stop").status == 303)
        #expect(try world.cli.json(["reminder", "list", "--json"]).first?["status"] as? String == "stopped")
        #expect(try world.lastAudit()["command"] as? String == "reminder stop")
    }

    @Test func anotherProgramsRemindersAreNotFound() throws {
        let world = try DeskWorld()
        // A reminder needs a forløb running: Henrik gets a new mentee in symb from today.
        let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
        let mentee = try world.cli.create([
            "person", "add", "--role", "mentee", "--name", "Carl Dam", "--phone", "50607080", "--birthdate",
            "2004-03-10",
        ])
        _ = try world.cli.create([
            "match", "--mentor", String(world.theirs.mentor), "--mentee", String(mentee), "--program", "symb",
            "--start",
            today, "--force",
        ])
        let theirs = try world.cli.create([
            "reminder", "add", "--person", String(world.theirs.mentor), "--time", "07:00", "--days", "mon", "--text",
            "Karins påmindelse",
        ])
        #expect(!world.get("reminders").text.contains("Karins påmindelse"))
        let before = try world.cli.databaseDump()
        #expect(
            world.post(
                "reminders/new",
                [("person", String(world.theirs.mentor)), ("time", "07:00"), ("days", "mon"), ("text", "x")]
            ).status == 404)
        for path in ["reminders/\(theirs)/stop", "reminders/\(theirs)/pause"] {
            #expect(world.get(path).status == 404, "GET \(path)")
            #expect(world.post(path, [("from", "2026-12-21"), ("until", "2027-01-03")]).status == 404, "POST \(path)")
        }
        #expect(try world.cli.databaseDump() == before)
    }

    // MARK: - Failed messages

    /// Every message of the first cycle failed, for either program, still worth sending.
    func failedMessages(_ world: DeskWorld) throws -> [(id: Int64, program: String)] {
        #expect(try world.cli.run(["tick", "--at", "2026-03-09T10:00"]).code == 0)
        let database = try Database(path: world.cli.folder + "/test.db")
        _ = try database.run(
            "UPDATE outbox SET status = 'failed', reason = 'mailbox full', expires_at = NULL WHERE program IS NOT NULL")
        return try database.query("SELECT id, program FROM outbox WHERE status = 'failed' ORDER BY id") {
            ($0.int64(0), $0.string(1))
        }
    }

    @Test func failedMessagesOfTheLeadersProgramsAreSentAgain() throws {
        let world = try DeskWorld()
        let failed = try failedMessages(world)
        let ours = failed.filter { $0.program == "mentorshoppen" }
        let theirs = failed.filter { $0.program == "symb" }
        try #require(!ours.isEmpty && !theirs.isEmpty)
        let page = world.get("failed")
        try expectPage(page)
        #expect(page.text.contains("mailbox full") && page.text.contains("Amira Hansen"))
        #expect(!page.text.contains("Bodil Berg") && !page.text.contains("Henrik Holm"))

        // Another program's message, alone or among the leader's, is not theirs: 404, nothing re-queued.
        let before = try world.cli.databaseDump()
        #expect(world.post("failed/retry", [("id", String(theirs[0].id))]).status == 404)
        #expect(world.post("failed/retry", [("id", String(ours[0].id)), ("id", String(theirs[0].id))]).status == 404)
        #expect(world.post("failed/retry", [("program", "symb")]).status == 404)
        #expect(try world.cli.databaseDump() == before)

        let one = world.post("failed/retry", [("id", String(ours[0].id))])
        #expect(one.status == 303 && one.location == "/desk/failed?done=retried", "\(one.text)")
        let pending = try world.cli.json(["outbox", "--status", "pending", "--json"]).compactMap { $0["id"] as? Int }
        #expect(pending == [Int(ours[0].id)])
        #expect(try world.lastAudit()["command"] as? String == "outbox retry")
        #expect(world.post("failed/retry", [("program", "mentorshoppen")]).status == 303)
        let failedNow = try world.cli.json(["outbox", "--status", "failed", "--json"])
        #expect(failedNow.allSatisfy { $0["program"] as? String == "symb" } && failedNow.count == theirs.count)
        try expectPage(world.get("failed", "done=retried"))
    }

    // MARK: - Import

    static let people = Array("ref;rolle;navn;telefon\ne9;mentee;Ida Lund;30405060\n".utf8)

    /// The upload id the dry-run page's "Import" button carries.
    func uploadID(_ page: String) throws -> String {
        let marker = "name=\"upload\" value=\""
        let start = try #require(page.range(of: marker)?.upperBound)
        return String(page[start...].prefix { $0 != "\"" })
    }

    @Test func theImportShowsTheDryRunWritingNothingAndThenImports() throws {
        let world = try DeskWorld()
        try expectPage(world.get("import"))
        let before = try world.cli.databaseDump()
        let checked = world.post("import", [("kind", "people")], files: ["file": Self.people])
        try expectPage(checked)
        #expect(checked.text.contains("people.csv: 1 added"), "\(checked.text)")
        #expect(!checked.text.contains(NSTemporaryDirectory()), "the private folder is not shown")
        #expect(try world.cli.databaseDump() == before, "the dry run writes nothing")
        let id = try uploadID(checked.text)
        // Another leader cannot use the upload, and the hidden field carries nothing but the id.
        let karin = DeskLeader(name: "Karin", email: "karin@example.dk", language: .en, programs: ["symb"])
        try expectPage(world.request("POST", "import/confirm", fields: [("upload", id)], as: karin), status: 422)
        #expect(try world.cli.databaseDump() == before)
        let imported = world.post("import/confirm", [("upload", id)])
        try expectPage(imported)
        #expect(imported.text.contains("1 added"), "\(imported.text)")
        #expect(try world.cli.json(["person", "list", "--json"]).contains { $0["name"] as? String == "Ida Lund" })
        #expect(try world.lastAudit()["actor"] as? String == "desk:Louise")
        // Used once: the same id again finds nothing.
        try expectPage(world.post("import/confirm", [("upload", id)]), status: 422)
        #expect(
            try world.cli.json(["person", "list", "--json"]).filter { $0["name"] as? String == "Ida Lund" }.count == 1)
    }

    @Test func anImportOfAnotherProgramsRowsIsRefused() throws {
        let world = try DeskWorld()
        let before = try world.cli.databaseDump()
        let relationships = Array("mentor;mentee;program;start\nm1;e2;symb;2026-04-01\n".utf8)
        let refused = world.post("import", [("kind", "relationships")], files: ["file": relationships])
        try expectPage(refused, status: 422)
        #expect(refused.text.contains("programmet symb er ikke et af jeres"), "\(refused.text)")
        let person = Array("ref;navn\ne2;Bodil Ændret\n".utf8)
        let other = world.post("import", [("kind", "people")], files: ["file": person])
        try expectPage(other, status: 422)
        #expect(other.text.contains("e2 er en person i et program"), "\(other.text)")
        let contacts = Array("mentor;mentee;dato;minutter\nm2;e2;2026-03-10;60\n".utf8)
        try expectPage(world.post("import", [("kind", "contacts")], files: ["file": contacts]), status: 422)
        #expect(try world.cli.databaseDump() == before)
    }

    @Test func aBadFileShowsTheImportsOwnError() throws {
        let world = try DeskWorld()
        let bad = Array("ref;rolle;navn;telefon\ne9;mentee;Ida Lund;12\n".utf8)
        world.cli.write("people.csv", bytes: bad)
        let expected = try world.error(["import", "people", "people.csv", "--dry-run"])
        let answer = world.post("import", [("kind", "people")], files: ["file": bad])
        try expectPage(answer, status: 422)
        #expect(answer.text.contains(HTML.escape(expected)), "\(expected)\n\(answer.text)")
        try expectPage(world.post("import", [("kind", "people")]), status: 422)
    }

    @Test func anUploadWaitsFifteenMinutesForItsOwnLeaderOnly() {
        let now = Mutex(Date(timeIntervalSince1970: 1_796_000_000))
        let uploads = ImportPages.PendingUploads(clock: { now.withLock { $0 } })
        let pending = ImportPages.Pending(
            leader: "louise@example.dk", kind: "people", bytes: [1], expires: uploads.clock() + 15 * 60)
        let first = uploads.keep(pending)
        let second = uploads.keep(pending)
        #expect(first != second && first.count >= 16)
        #expect(uploads.take(first, leader: "karin@example.dk") == nil)
        now.withLock { $0 += 14 * 60 }
        #expect(uploads.take(first, leader: "louise@example.dk")?.bytes == [1])
        #expect(uploads.take(first, leader: "louise@example.dk") == nil, "used once")
        now.withLock { $0 += 2 * 60 }
        #expect(uploads.take(second, leader: "louise@example.dk") == nil, "expired")
    }

    // MARK: - Reports

    @Test func theReportsAreTablesAndTheCommandsCSV() throws {
        let world = try DeskWorld()
        _ = try world.cli.run(["contact", String(world.ours.forloeb), "--date", "2026-03-10", "--minutes", "90"])
        let page = world.get("reports", "year=2026&month=2026-03")
        try expectPage(page)
        #expect(page.text.contains("href=\"/desk/reports/year.csv?program=mentorshoppen&amp;year=2026\""))
        #expect(page.text.contains(">90<") && page.text.contains("Søren Mikkelsen"))
        #expect(page.text.contains(">Kontakttimer</td><td data-label=\"Værdi\">1,5<"), "the figures in Danish")
        #expect(!page.text.contains("Henrik Holm"))
        for (path, query, words) in [
            ("reports/year.csv", "program=mentorshoppen&year=2026", ["report", "year", "--year", "2026"]),
            ("reports/hours.csv", "program=mentorshoppen&month=2026-03", ["report", "hours", "--month", "2026-03"]),
        ] {
            let download = world.get(path, query)
            let cli = try world.cli.run(words + ["--program", "mentorshoppen", "--csv"])
            #expect(download.status == 200 && download.bytes == Array(cli.out.utf8), "\(path)")
            #expect(download.bytes.starts(with: [0xEF, 0xBB, 0xBF]), "UTF-8 with BOM")
            #expect(download.headers.contains { $0.0 == "Content-Disposition" && $0.1.hasPrefix("attachment") })
            #expect(world.get(path, query.replacingOccurrences(of: "mentorshoppen", with: "symb")).status == 404)
        }
    }

    // MARK: - Audit

    @Test func theAuditNamesTheLeaderAndShowsTheirRecordsByName() throws {
        let world = try DeskWorld()
        #expect(world.post("people/\(world.ours.mentee)/opt-out", [("channel", "email")]).status == 303)
        let karin = DeskLeader(name: "Karin", email: "karin@example.dk", language: .en, programs: ["symb"])
        #expect(
            world.request("POST", "people/\(world.theirs.mentee)/opt-out", fields: [("channel", "email")], as: karin)
                .status == 303)
        let page = world.get("audit")
        try expectPage(page)
        #expect(
            page.text.contains("Louise (via mentorskrivebordet)")
                && page.text.contains("stoppede beskeder til en person"))
        #expect(page.text.contains("<a href=\"/desk/people/\(world.ours.mentee)\">Amira Hansen</a>"))
        #expect(page.text.contains("<a href=\"/desk/pairs/\(world.ours.forloeb)\">Søren Mikkelsen og Amira Hansen</a>"))
        #expect(!page.text.contains("Karin") && !page.text.contains("Bodil Berg"), "another program's change")
        let theirs = world.request("GET", "audit", as: karin)
        #expect(theirs.text.contains("Karin (via the mentor desk)") && !theirs.text.contains("Louise"))
    }

    /// Every command the audit records is said in words on the page, in both languages.
    @Test func everyAuditedCommandHasItsWords() throws {
        let words = try DeskWords.load(directory: CLIHarness.repository.appendingPathComponent("templates").path)
        for (name, effect) in AuditLog.effects where effect != .none {
            #expect(AuditPages.commandsInWords.contains(name), "\(name) has no words on the audit page")
            for language in Language.allCases {
                let said = words("audit", "command-" + name.replacingOccurrences(of: " ", with: "-"), language)
                #expect(!said.contains("⟦"), "\(name) in \(language)")
            }
        }
    }

    @Test func everyPageReadsInEnglishToo() throws {
        let world = try DeskWorld()
        let english = DeskLeader(name: "Louise", email: "louise@example.dk", language: .en, programs: ["mentorshoppen"])
        for path in [
            "people", "people/\(world.ours.mentor)", "people/\(world.ours.mentor)/edit", "people/new", "cafes",
            "reminders", "reminders/new", "failed", "import", "reports", "audit",
        ] {
            try expectPage(world.request("GET", path, as: english))
        }
    }

    // MARK: - The upload's reader

    static let boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"

    static func body(_ file: [UInt8]) -> [UInt8] {
        Array(
            ("--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntoken-1\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\npeople\r\n"
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ark.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n").utf8) + file + Array("\r\n--\(boundary)--\r\n".utf8)
    }

    @Test func theEndpointReadsAnUploadIntoFieldsAndFiles() throws {
        let file = Self.people + [0x0D, 0x0A, 0x2D, 0x2D]  // a CRLF and dashes inside the file stay in it
        let request = HTTPRequest(
            method: "POST", path: "/desk/import",
            headers: [("content-type", "multipart/form-data; boundary=\(Self.boundary)")], body: Self.body(file))
        let (form, files) = try DeskEndpoint.form(of: request, method: "POST", upload: true)
        #expect(form["csrf"] == "token-1" && form["kind"] == "people")
        #expect(files["file"] == file)
        // A route that takes no upload reads its body as urlencoded: no file, no field of the upload.
        let (plain, none) = try DeskEndpoint.form(of: request, method: "POST", upload: false)
        #expect(none.isEmpty && plain["kind"] == nil && plain["csrf"] == nil)
    }

    @Test func anUploadIsRefusedClearly() throws {
        #expect(throws: Multipart.Refusal.noBoundary) { try Multipart.boundary(contentType: "multipart/form-data") }
        #expect(throws: Multipart.Refusal.noBoundary) {
            try Multipart.boundary(contentType: "application/x-www-form-urlencoded; boundary=x")
        }
        #expect(throws: Multipart.Refusal.noBoundary) {
            try Multipart.boundary(contentType: "multipart/form-data; boundary=" + String(repeating: "b", count: 71))
        }
        #expect(try Multipart.boundary(contentType: "Multipart/Form-Data; boundary=\"a b\"") == Array("a b".utf8))
        let boundary = Array(Self.boundary.utf8)
        let whole = Self.body(Self.people)
        #expect(throws: Multipart.Refusal.tooLarge) {
            try Multipart.parse(Self.body(Array(repeating: 0x41, count: Multipart.maxBytes)), boundary: boundary)
        }
        for cut in [whole.count - 4, whole.count / 2, 10] {
            #expect(throws: Multipart.Refusal.truncated, "cut at \(cut)") {
                try Multipart.parse(Array(whole.prefix(cut)), boundary: boundary)
            }
        }
        #expect(throws: Multipart.Refusal.badHeaders) {
            try Multipart.parse(
                Array("--x\r\nContent-Type: text/plain\r\n\r\nv\r\n--x--".utf8), boundary: Array("x".utf8))
        }
        let many = (0...Multipart.maxParts).map {
            "--x\r\nContent-Disposition: form-data; name=\"f\($0)\"\r\n\r\nv\r\n"
        }
        #expect(throws: Multipart.Refusal.tooManyParts) {
            try Multipart.parse(Array((many.joined() + "--x--").utf8), boundary: Array("x".utf8))
        }
        #expect(throws: Multipart.Refusal.notUTF8) {
            try Multipart.parse(
                Array("--x\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n".utf8) + [0xFF]
                    + Array("\r\n--x--".utf8), boundary: Array("x".utf8)
            ).fields()
        }
        let parsed = try Multipart.parse(whole, boundary: boundary)
        #expect(parsed.parts.map(\.name) == ["csrf", "kind", "file"] && parsed.parts[2].filename == "ark.csv")
    }
}
