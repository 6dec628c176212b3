import Desk
import Foundation
import HTTPServer
import MentorModel
import MentorStore
import Testing

@testable import MentorNotifyCore

/// A desk on a test database: two programs, a pair in each, Louise leads `mentorshoppen` only.
/// Requests go straight to the routes (`DeskEndpoint.serve`), as after sign-in.
final class DeskWorld {
    let cli = CLIHarness()
    let endpoint: DeskEndpoint
    let leader = DeskLeader(name: "Louise", email: "louise@example.dk", language: .da, programs: ["mentorshoppen"])
    let ours: (mentor: Int64, mentee: Int64, forloeb: Int64)
    let theirs: (mentor: Int64, mentee: Int64, forloeb: Int64)

    init(language: Language = .da) throws {
        cli.write(
            "config.json",
            """
            { "programs": [
                { "id": "mentorshoppen", "preset": "mentorshoppen",
                  "cafe": { "weekday": "wednesday", "time": "18:00", "from": "2026-03-04", "place": "Huset" },
                  "leaders": [ { "name": "Louise", "email": "louise@example.dk" } ] },
                { "id": "symb", "preset": "symb", "leaders": [ { "name": "Karin", "email": "karin@example.dk" } ] } ] }
            """)
        ours = try cli.forloeb(
            mentor: [
                "--name", "Søren Mikkelsen", "--email", "soren@example.dk", "--phone", "20 30 40 50", "--ref", "m1",
            ],
            mentee: ["--name", "Amira Hansen", "--email", "amira@example.dk", "--ref", "e1"])
        let otherMentor = try cli.create([
            "person", "add", "--role", "mentor", "--name", "Henrik Holm", "--email", "henrik@example.dk", "--phone",
            "40 50 60 70", "--birthdate",
            "1970-01-01", "--certificate", "2026-01-10", "--ref", "m2",
        ])
        let otherMentee = try cli.create([
            "person", "add", "--role", "mentee", "--name", "Bodil Berg", "--email", "bodil@example.dk", "--birthdate",
            "2004-03-10", "--ref", "e2",
        ])
        let otherPair = try cli.create([
            "match", "--mentor", String(otherMentor), "--mentee", String(otherMentee), "--program", "symb", "--start",
            "2026-03-02", "--force",
        ])
        theirs = (otherMentor, otherMentee, otherPair)
        let config = try Config.load(path: cli.folder + "/config.json")
        let logger = Logger(level: .error, sink: { _ in })
        endpoint = DeskEndpoint(
            actions: DeskActions(
                config: config, configPath: nil, databasePath: cli.folder + "/test.db", logger: logger),
            words: try DeskWords.load(directory: CLIHarness.repository.appendingPathComponent("templates").path),
            signIn: DeskSignIn(config: config, databasePath: cli.folder + "/test.db", mailer: nil, logger: logger),
            logger: logger)
    }

    struct Answer {
        var status: Int
        var text: String
        var bytes: [UInt8]
        var location: String?
        var headers: [(String, String)]
    }

    /// `GET /desk/PATH?QUERY` or `POST` with `fields` (and `files`), as the signed-in leader.
    func request(
        _ method: String, _ path: String, query: String = "", fields: [(String, String)] = [],
        files: [String: [UInt8]] = [:], as leader: DeskLeader? = nil
    ) -> Answer {
        let segments = path.split(separator: "/").map(String.init)
        let form = method == "GET" ? (try? Form.parse(Array(query.utf8))) ?? Form() : Form(fields.map { ($0.0, $0.1) })
        let request = DeskRequest(
            leader: leader ?? self.leader, method: method, segments: segments, form: form, csrfToken: "token-1",
            files: files)
        let response: HTTPResponse
        if let (route, parameters) = endpoint.routes.lazy.compactMap({ route in
            route.match(method, segments).map { (route, $0) }
        }).first {
            response = endpoint.serve(route, request, parameters: parameters)
        } else {
            response = endpoint.notFound(request.leader)
        }
        return Answer(
            status: response.status, text: String(decoding: response.body, as: UTF8.self), bytes: response.body,
            location: response.headers.first { $0.0 == "Location" }?.1, headers: response.headers)
    }

    func get(_ path: String, _ query: String = "") -> Answer { request("GET", path, query: query) }
    func post(_ path: String, _ fields: [(String, String)] = [], files: [String: [UInt8]] = [:]) -> Answer {
        request("POST", path, fields: fields, files: files)
    }

    /// A command's JSON, read through the CLI as a user would.
    func object(_ arguments: [String]) throws -> [String: Any] {
        let result = try cli.run(arguments)
        #expect(result.code == 0, "\(arguments): \(result.err)")
        return (try? JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]) ?? [:]
    }

    func person(_ id: Int64) throws -> [String: Any] {
        try object(["person", "show", String(id), "--json"])["person"] as? [String: Any] ?? [:]
    }

    /// The command's error line as the desk shows it (without the program's name).
    func error(_ arguments: [String]) throws -> String {
        let result = try cli.run(arguments)
        #expect(result.code != 0)
        let line = result.err.split(separator: "\n").last.map(String.init) ?? ""
        return line.hasPrefix("mentor-notify: ") ? String(line.dropFirst(15)) : line
    }

    /// The newest audit entry.
    func lastAudit() throws -> [String: Any] {
        (try cli.json(["audit", "--json"])).last ?? [:]
    }
}

/// Whether the page passes a WHATWG parser strictly (html5lib); the parser's complaint, or nil.
func strictHTMLProblem(_ html: String) throws -> String? {
    let process = Process()
    // The python3 on PATH: the one scripts/deps.sh installed html5lib for.
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
        "python3", "-c",
        "import sys, html5lib\ntry:\n html5lib.HTMLParser(strict=True).parse(sys.stdin.buffer.read())\n"
            + "except Exception as e:\n print(repr(e)); sys.exit(1)",
    ]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(html.utf8))
    try input.fileHandleForWriting.close()
    let said = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return process.terminationStatus == 0 ? nil : String(decoding: said, as: UTF8.self)
}

/// A page is whole: 200 (or `status`), every word found, strict HTML.
func expectPage(_ answer: DeskWorld.Answer, status: Int = 200, sourceLocation: SourceLocation = #_sourceLocation) throws
{
    #expect(answer.status == status, "\(answer.text)", sourceLocation: sourceLocation)
    #expect(!answer.text.contains("⟦"), "a word is missing: \(answer.text)", sourceLocation: sourceLocation)
    let problem = try strictHTMLProblem(answer.text)
    #expect(problem == nil, "\(problem ?? "")\n\(answer.text)", sourceLocation: sourceLocation)
}

@Suite(.serialized) struct DeskPeopleTests {
    @Test func theListShowsTheLeadersPeopleAndThoseInNoForloebOnly() throws {
        let world = try DeskWorld()
        let waiting = try world.cli.create([
            "person", "add", "--role", "mentee", "--name", "Ida Lund", "--phone", "30405060",
        ])
        let page = world.get("people")
        try expectPage(page)
        for name in ["Søren Mikkelsen", "Amira Hansen", "Ida Lund"] { #expect(page.text.contains(name)) }
        for name in ["Henrik Holm", "Bodil Berg"] { #expect(!page.text.contains(name), "another program's person") }
        #expect(page.text.contains("href=\"/desk/people/\(waiting)\""))
        #expect(page.text.contains("data-label=\"Navn\""))
    }

    @Test func anotherProgramsPersonIsNotFoundOnEveryRoute() throws {
        let world = try DeskWorld()
        let id = String(world.theirs.mentee)
        for path in ["people/\(id)", "people/\(id)/edit", "people/\(id)/forget"] {
            #expect(world.get(path).status == 404, "GET \(path)")
        }
        let before = try world.cli.databaseDump()
        for (path, fields) in [
            ("people/\(id)/edit", [("name", "Changed"), ("phone", "11223344")]),
            ("people/\(id)/opt-in", [("channel", "email")]), ("people/\(id)/opt-out", [("channel", "email")]),
            ("people/\(id)/forget", []),
        ] {
            #expect(world.post(path, fields).status == 404, "POST \(path)")
        }
        #expect(try world.cli.databaseDump() == before, "nothing of theirs changed")
        #expect(world.get("people/999999").status == 404)
        #expect(world.get("people/abc").status == 404)
    }

    @Test func thePersonPageShowsWhatPersonShowHolds() throws {
        let world = try DeskWorld()
        let page = world.get("people/\(world.ours.mentor)")
        try expectPage(page)
        let person = try world.person(world.ours.mentor)
        for key in ["name", "email", "phone", "birthdate", "certificate", "ref"] {
            let value = try #require(person[key] as? String)
            #expect(page.text.contains(HTML.escape(value)), "\(key) \(value)")
        }
        // The forløb, by the other person's name, linked; another program's forløb is not shown.
        #expect(page.text.contains("href=\"/desk/pairs/\(world.ours.forloeb)\">Amira Hansen</a>"))
        #expect(page.text.contains("action=\"/desk/people/\(world.ours.mentor)/opt-out\""))
    }

    @Test func valuesAreEscaped() throws {
        let world = try DeskWorld()
        let id = try world.cli.create([
            "person", "add", "--role", "mentee", "--name", "<b>\"x'&", "--phone", "30405060",
        ])
        for path in ["people", "people/\(id)", "people/\(id)/edit", "people/\(id)/forget"] {
            let page = world.get(path)
            try expectPage(page)
            #expect(page.text.contains("&lt;b&gt;&quot;x&#39;&amp;"), "\(path)")
            #expect(!page.text.contains("<b>\"x"), "\(path)")
        }
    }

    @Test func editChangesOnlyWhatChangedAndTheAuditNamesTheLeader() throws {
        let world = try DeskWorld()
        let id = world.ours.mentor
        let form = world.get("people/\(id)/edit")
        try expectPage(form)
        #expect(form.text.contains("value=\"20 30 40 50\"") || form.text.contains("value=\"+45"), "current values")
        let before = try world.person(id)
        let answer = world.post(
            "people/\(id)/edit",
            [
                ("name", "Søren Mikkelsen"), ("email", "soren@example.dk"), ("phone", "+45 40 41 42 43"),
                ("birthdate", "1970-01-01"), ("certificate", "2026-01-10"), ("channels", "email"), ("lang", "da"),
                ("ref", "m1"),
            ])
        #expect(answer.status == 303 && answer.location == "/desk/people/\(id)?done=edited", "\(answer.text)")
        let after = try world.person(id)
        #expect(after["phone"] as? String != before["phone"] as? String)
        #expect(after["name"] as? String == "Søren Mikkelsen" && after["email"] as? String == "soren@example.dk")
        let audit = try world.lastAudit()
        #expect(audit["actor"] as? String == "desk:Louise" && audit["command"] as? String == "person edit")
        let shown = world.get("people/\(id)", "done=edited")
        try expectPage(shown)
        #expect(shown.text.contains("class=\"notice\""))
    }

    @Test func aRefusedEditShowsTheCommandsErrorNextToTheField() throws {
        let world = try DeskWorld()
        let id = world.ours.mentor
        let expected = try world.error(["person", "edit", String(id), "--phone", "12"])
        let before = try world.cli.databaseDump()
        let answer = world.post(
            "people/\(id)/edit", [("name", "Søren Mikkelsen"), ("phone", "12"), ("channels", "email"), ("lang", "da")])
        try expectPage(answer, status: 422)
        #expect(
            answer.text.contains("<p class=\"error\" id=\"e-phone\">\(HTML.escape(expected))</p>"), "\(answer.text)")
        #expect(answer.text.contains("value=\"12\""), "the value typed is kept")
        #expect(try world.cli.databaseDump() == before)
    }

    @Test func removingTheEmailIsAnExplicitChoice() throws {
        let world = try DeskWorld()
        let id = world.ours.mentor
        let answer = world.post(
            "people/\(id)/edit",
            [("name", "Søren Mikkelsen"), ("email", "soren@example.dk"), ("no-email", "yes"), ("channels", "sms")])
        #expect(answer.status == 303, "\(answer.text)")
        let person = try world.person(id)
        #expect(person["email"] is NSNull && person["channels"] as? [String] == ["sms"], "\(person)")
    }

    @Test func optOutAndOptInAreTheCommands() throws {
        let world = try DeskWorld()
        let id = world.ours.mentee
        #expect(world.post("people/\(id)/opt-out", [("channel", "email")]).status == 303)
        #expect(try world.person(id)["optedOut"] as? [String] == ["email"])
        let page = world.get("people/\(id)")
        try expectPage(page)
        #expect(page.text.contains("action=\"/desk/people/\(id)/opt-in\""))
        #expect(world.post("people/\(id)/opt-in", [("channel", "email")]).status == 303)
        #expect(try world.person(id)["optedOut"] as? [String] == [])
        #expect(try world.lastAudit()["command"] as? String == "person opt-in")
    }

    @Test func forgetAsksFirstAndNamesWhatIsErased() throws {
        let world = try DeskWorld()
        let id = world.ours.mentee
        let confirm = world.get("people/\(id)/forget")
        try expectPage(confirm)
        #expect(confirm.text.contains("Amira Hansen") && confirm.text.contains("e-mailadresse"))
        #expect(confirm.text.contains("class=\"danger\""))
        #expect(try world.person(id)["forgotten"] as? Bool == false, "the confirmation changes nothing")
        let answer = world.post("people/\(id)/forget")
        #expect(answer.status == 303 && answer.location == "/desk/people?done=forgotten")
        #expect(try world.person(id)["forgotten"] as? Bool == true)
        #expect(try world.lastAudit()["actor"] as? String == "desk:Louise")
        try expectPage(world.get("people", "done=forgotten"))
    }

    @Test func addingAPersonRunsPersonAdd() throws {
        let world = try DeskWorld()
        try expectPage(world.get("people/new"))
        let refused = world.post(
            "people/new", [("role", "mentee"), ("name", "Ida Lund"), ("phone", "12"), ("lang", "da")])
        try expectPage(refused, status: 422)
        #expect(refused.text.contains("id=\"e-phone\""), "\(refused.text)")
        let answer = world.post(
            "people/new", [("role", "mentee"), ("name", "Ida Lund"), ("phone", "30 40 50 60"), ("lang", "en")])
        #expect(answer.status == 303, "\(answer.text)")
        let id = try #require(
            answer.location.flatMap { Int64($0.split(separator: "/").last?.split(separator: "?").first ?? "") })
        let person = try world.person(id)
        #expect(person["name"] as? String == "Ida Lund" && person["lang"] as? String == "en")
        #expect(try world.lastAudit()["command"] as? String == "person add")
    }
}
