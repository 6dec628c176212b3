import Desk
import Foundation
import MentorModel
import MentorStore
import Scheduler

/// A new pair: `match --mentor ID --mentee ID --program P --start D [--end D] [--force]`, mentor
/// and mentee chosen by name among the people the leader sees. A match the program's rules refuse
/// shows the command's refusal and offers the override (`--force`), naming each rule it overrides.
enum NewPairPages {
    static let routes = [DeskRoute("GET", "pairs/new", form), DeskRoute("POST", "pairs/new", match)]

    static func form(_ call: DeskCall) throws -> DeskResult {
        try page(call, refusal: nil, overridden: [])
    }

    static func match(_ call: DeskCall) throws -> DeskResult {
        let mentor = call.form.given("mentor") ?? ""
        let mentee = call.form.given("mentee") ?? ""
        let program = call.form.given("program") ?? ""
        // Someone or a program the leader does not see is answered as if it were not there.
        for person in [mentor, mentee] {
            if let id = Int64(person), !call.actions.sees(person: id, call.leader) { return .notFound }
        }
        guard program.isEmpty || call.leader.programs.contains(program) else { return .notFound }
        var words = ["match", "--mentor", mentor, "--mentee", mentee, "--program", program]
        words += ["--start", call.form.given("start") ?? ""] + call.form.option("end")
        if call.form["force"] == "1" { words.append("--force") }
        let outcome = call.run(words)
        guard outcome.succeeded, let id = outcome.output.split(separator: "\n").last.flatMap({ Int64($0) }) else {
            let refusal = Refusal(outcome.error, fields: ["mentor", "mentee", "program", "start", "end"])
            return try page(call, refusal: refusal, overridden: violations(call))
        }
        return .redirect("/desk/pairs/\(id)?done=" + (outcome.warnings.isEmpty ? "matched" : "matched-forced"))
    }

    /// The program's rules this match breaks, by the check `match` makes: what `--force` overrides.
    static func violations(_ call: DeskCall) -> [String] {
        guard let mentorID = call.form.given("mentor").flatMap({ Int64($0) }),
            let menteeID = call.form.given("mentee").flatMap({ Int64($0) }),
            let program = try? call.actions.config.program(call.form.given("program") ?? ""),
            let start = call.form.given("start").flatMap({ LocalDate($0) }),
            let (mentor, mentee) = try? call.actions.withStore({ store in
                (try store.person(mentorID), try store.person(menteeID))
            })
        else { return [] }
        return program.eligibility.violations(mentor: mentor, mentee: mentee, start: start)
    }

    static func page(_ call: DeskCall, refusal: Refusal?, overridden: [String]) throws -> DeskResult {
        let (mentors, mentees) = try people(call)
        var fields = Markup()
        fields.append(
            FormMarkup.select(
                "mentor", label: call.word("match", "mentor"),
                options: [("", call.word("match", "choose"))] + mentors, selected: call.form["mentor"],
                error: refusal?.error("mentor")))
        fields.append(
            FormMarkup.select(
                "mentee", label: call.word("match", "mentee"),
                options: [("", call.word("match", "choose"))] + mentees, selected: call.form["mentee"],
                error: refusal?.error("mentee")))
        fields.append(
            FormMarkup.select(
                "program", label: call.word("match", "program"),
                options: call.leader.programs.map { ($0, PairPages.programName(call, $0)) },
                selected: call.form["program"], error: refusal?.error("program")))
        fields.append(
            FormMarkup.field(
                "start", label: call.word("match", "start"), value: call.form["start"] ?? "", type: "date",
                error: refusal?.error("start"), required: true))
        fields.append(
            FormMarkup.field(
                "end", label: call.word("match", "end"), value: call.form["end"] ?? "", type: "date",
                error: refusal?.error("end"), hint: call.word("match", "end-hint")))
        if refusal != nil, !overridden.isEmpty {
            fields.raw("<fieldset class=\"override\">\n<legend>")
            fields.text(call.word("match", "override-legend"))
            fields.raw("</legend>\n<p>")
            fields.text(call.word("match", "override-intro"))
            fields.raw("</p>\n<ul>\n")
            for reason in overridden { fields.element("li", text: reason) }
            fields.raw("\n</ul>\n<label class=\"check\">")
            fields.open("input", [("type", "checkbox"), ("name", "force"), ("value", "1")])
            fields.raw(" ")
            fields.text(call.word("match", "override"))
            fields.raw("</label>\n</fieldset>\n")
        }
        var body = Markup()
        if mentors.isEmpty || mentees.isEmpty {
            body.paragraph(call.word("match", "nobody"), class: "notice")
        }
        body.append(Refusal.formProblem(refusal))
        body.append(
            FormMarkup.form(
                action: "/desk/pairs/new", csrfToken: call.request.csrfToken, button: call.word("match", "button"),
                content: fields))
        body.append(PairPages.backLink(call, "/desk/pairs"))
        return .page(
            DeskPage(
                title: call.word("match", "title"), body: body, status: refusal == nil ? 200 : 422, section: "pairs"))
    }

    /// The mentors and mentees the leader may match, by name: those in a forløb of one of their
    /// programs and those in none yet (the rule of `DeskActions.sees(person:)`, for everyone at once).
    static func people(_ call: DeskCall) throws -> (
        mentors: [(value: String, text: String)], mentees: [(value: String, text: String)]
    ) {
        var programsOf: [Int64: Set<String>] = [:]
        for pair in try call.json(["forloeb", "list", "--all", "--json"]).array {
            for key in ["mentorId", "menteeId"] {
                if let id = pair[key].int { programsOf[id, default: []].insert(pair["program"].text) }
            }
        }
        var mentors: [(id: Int64, name: String, tell: String)] = []
        var mentees: [(id: Int64, name: String, tell: String)] = []
        for person in try call.json(["person", "list", "--json"]).array {
            guard let id = person["id"].int, person["forgotten"].bool != true, let name = person["name"].string else {
                continue
            }
            let programs = programsOf[id] ?? []
            guard programs.isEmpty || !programs.isDisjoint(with: call.leader.programs) else { continue }
            // Two of one name are told apart by the year of birth, else the address.
            let tell =
                person["birthdate"].string.map { call.word("match", "born", ["year": String($0.prefix(4))]) }
                ?? person["email"].text
            if person["role"].text == "mentor" {
                mentors.append((id, name, tell))
            } else {
                mentees.append((id, name, tell))
            }
        }
        return (options(mentors), options(mentees))
    }

    /// The choices by name, sorted as people sort names.
    static func options(_ people: [(id: Int64, name: String, tell: String)]) -> [(value: String, text: String)] {
        let named = Dictionary(grouping: people, by: \.name)
        return people.map { person in
            let same = (named[person.name]?.count ?? 0) > 1 && !person.tell.isEmpty
            return (String(person.id), same ? "\(person.name) (\(person.tell))" : person.name)
        }.sorted { $0.text.localizedStandardCompare($1.text) == .orderedAscending }
    }
}
