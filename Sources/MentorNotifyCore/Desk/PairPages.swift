import Desk
import MentorModel
import Scheduler

/// The pairs: `forloeb list` (`/desk/pairs`), `forloeb show` (`/desk/pairs/ID`) with the pair's
/// actions, and the forms of one command each: `evaluated`, `extend`, `end`.
enum PairPages {
    static let routes =
        NewPairPages.routes + [
            DeskRoute("GET", "pairs", list), DeskRoute("GET", "pairs/:id", show),
            DeskRoute("GET", "pairs/:id/evaluation") { try shown($0, evaluationPage) },
            DeskRoute("POST", "pairs/:id/evaluation", evaluated),
            DeskRoute("GET", "pairs/:id/extend") { try shown($0, extendPage) },
            DeskRoute("POST", "pairs/:id/extend", extend),
            DeskRoute("GET", "pairs/:id/end") { try shown($0, endPage) }, DeskRoute("POST", "pairs/:id/end", end),
        ]

    // MARK: The list

    static func list(_ call: DeskCall) throws -> DeskResult {
        let all = call.form["all"] == "1"
        let pairs = try call.json(["forloeb", "list", "--json"] + (all ? ["--all"] : [])).array
            .filter { call.leader.programs.contains($0["program"].text) }
        var body = Markup()
        body.raw("<p class=\"actions\">")
        body.element("a", [("href", "/desk/pairs/new")], text: call.word("pairs", "new"))
        body.raw(" · ")
        body.element(
            "a", [("href", all ? "/desk/pairs" : "/desk/pairs?all=1")],
            text: call.word("pairs", all ? "show-current" : "show-all"))
        body.raw("</p>\n")
        guard !pairs.isEmpty else {
            body.paragraph(call.word("pairs", all ? "none-at-all" : "none"), class: "notice")
            return .page(DeskPage(title: call.word("pairs", "title"), body: body, section: "pairs"))
        }
        let columns = ["pair", "program", "start", "planned-end", "last-contact", "status"].map {
            call.word("pairs", "column-" + $0)
        }
        body.append(tableHead(columns))
        for pair in pairs {
            body.raw("<tr><td data-label=\"\(HTML.escape(columns[0]))\">")
            body.element("a", [("href", "/desk/pairs/\(pair["id"].text)")], text: names(call, pair))
            body.raw("</td>")
            let cells = [
                programName(call, pair["program"].text), day(call, pair["start"]), day(call, pair["plannedEnd"]),
                pair["lastContact"].isNull ? call.word("pairs", "no-contact-yet") : day(call, pair["lastContact"]),
                status(call, pair),
            ]
            for (column, cell) in zip(columns.dropFirst(), cells) {
                body.element("td", [("data-label", column)], text: cell)
            }
            body.raw("</tr>\n")
        }
        body.raw("</tbody>\n</table>\n")
        return .page(DeskPage(title: call.word("pairs", "title"), body: body, section: "pairs"))
    }

    // MARK: One pair

    static func show(_ call: DeskCall) throws -> DeskResult {
        guard let id = seenPair(call) else { return .notFound }
        let pair = try call.json(["forloeb", "show", String(id), "--json"])
        var body = Markup()
        if let done = call.form["done"], doneNotices.contains(done) {
            body.paragraph(call.word("pairs", "done-" + done), class: "notice", role: "status")
        }
        body.raw("<dl class=\"facts\">\n")
        let facts: [(String, String)] = [
            ("program", programName(call, pair["program"].text)), ("mentor", pair["mentor"].text),
            ("mentee", pair["mentee"].text), ("start", day(call, pair["start"])),
            ("planned-end", day(call, pair["plannedEnd"])),
            (
                "last-contact",
                pair["lastContact"].isNull ? call.word("pairs", "no-contact-yet") : day(call, pair["lastContact"])
            ),
            ("status", status(call, pair)),
        ]
        for (name, value) in facts {
            body.element("dt", text: call.word("pairs", "column-" + name))
            body.element("dd", text: value)
            body.raw("\n")
        }
        body.raw("</dl>\n<h2>")
        body.text(call.word("pairs", "actions"))
        body.raw("</h2>\n<ul class=\"actions\">\n")
        var actions = [("meetings", "meetings"), ("contacts", "contacts"), ("evaluation", "evaluation")]
        if pair["status"].text != "ended" { actions += [("extend", "extend"), ("end", "end")] }
        for (path, word) in actions {
            body.raw("<li>")
            body.element("a", [("href", "/desk/pairs/\(id)/\(path)")], text: call.word("pairs", "action-" + word))
            body.raw("</li>\n")
        }
        body.raw("</ul>\n<h2>")
        body.text(call.word("pairs", "timeline"))
        body.raw("</h2>\n")
        let events = pair["timeline"].array
        if events.isEmpty {
            body.paragraph(call.word("pairs", "timeline-empty"))
        } else {
            let columns = [call.word("pairs", "column-when"), call.word("pairs", "column-what")]
            body.append(tableHead(columns))
            // Newest first: what happened last is what a leader looks for.
            for event in events.reversed() {
                body.raw("<tr>")
                body.element(
                    "td", [("data-label", columns[0])], text: DeskDates.written(event["at"].text, call.language))
                body.element("td", [("data-label", columns[1])], text: Timeline.describe(event, call))
                body.raw("</tr>\n")
            }
            body.raw("</tbody>\n</table>\n")
        }
        return .page(DeskPage(title: names(call, pair), body: body, section: "pairs"))
    }

    /// The notices a redirect back to the pair's page may ask for (`?done=extended`).
    static let doneNotices: Set<String> = ["matched", "matched-forced", "evaluated", "extended", "ended"]

    // MARK: evaluated REL --by R [--date D]

    static func evaluated(_ call: DeskCall) throws -> DeskResult {
        try posted(call, fields: ["by", "date"], then: "?done=evaluated", evaluationPage) { id in
            ["evaluated", String(id), "--by", call.form.given("by") ?? ""] + call.form.option("date")
        }
    }

    static func evaluationPage(_ call: DeskCall, _ id: Int64, refusal: Refusal?) throws -> DeskResult {
        let pair = try call.json(["forloeb", "show", String(id), "--json"])
        var fields = Markup()
        fields.append(
            FormMarkup.select(
                "by", label: call.word("pairs", "evaluation-by"),
                options: Role.allCases.map { ($0.rawValue, call.word("attention", "who-" + $0.rawValue)) },
                selected: call.form["by"], error: refusal?.error("by")))
        fields.append(
            FormMarkup.field(
                "date", label: call.word("pairs", "evaluation-date"), value: call.form["date"] ?? "", type: "date",
                error: refusal?.error("date"), hint: call.word("pairs", "evaluation-date-hint")))
        return formPage(
            call, pair: pair, id: id, title: call.word("pairs", "action-evaluation"), intro: nil,
            action: "/desk/pairs/\(id)/evaluation", button: call.word("pairs", "evaluation-button"), fields: fields,
            refusal: refusal)
    }

    // MARK: extend REL --until D

    static func extend(_ call: DeskCall) throws -> DeskResult {
        try posted(call, fields: ["until"], then: "?done=extended", extendPage) { id in
            ["extend", String(id), "--until", call.form.given("until") ?? ""]
        }
    }

    static func extendPage(_ call: DeskCall, _ id: Int64, refusal: Refusal?) throws -> DeskResult {
        let pair = try call.json(["forloeb", "show", String(id), "--json"])
        let fields = FormMarkup.field(
            "until", label: call.word("pairs", "extend-until"), value: call.form["until"] ?? "", type: "date",
            error: refusal?.error("until"), required: true)
        return formPage(
            call, pair: pair, id: id, title: call.word("pairs", "action-extend"),
            intro: call.word("pairs", "extend-intro", ["end": day(call, pair["plannedEnd"])]),
            action: "/desk/pairs/\(id)/extend", button: call.word("pairs", "extend-button"), fields: fields,
            refusal: refusal)
    }

    // MARK: end REL --date D --reason R, after a confirmation

    /// The first post shows what will happen and asks again; the second (`confirm=yes`) ends it.
    /// A date or reason the command cannot take goes to it at once, for its refusal next to the
    /// field (it ends nothing then), rather than to a question about an end that cannot be.
    static func end(_ call: DeskCall) throws -> DeskResult {
        let date = call.form.given("date") ?? ""
        let reason = call.form.given("reason") ?? ""
        let readable = LocalDate(date) != nil && (try? EndReason.parse(reason)) != nil
        guard call.form["confirm"] == "yes" || !readable else {
            guard let id = seenPair(call) else { return .notFound }
            return try endConfirmation(call, id, date: date, reason: reason)
        }
        return try posted(call, fields: ["date", "reason"], then: "?done=ended", endPage) { id in
            ["end", String(id), "--date", date, "--reason", reason]
        }
    }

    static func endPage(_ call: DeskCall, _ id: Int64, refusal: Refusal?) throws -> DeskResult {
        let pair = try call.json(["forloeb", "show", String(id), "--json"])
        var fields = FormMarkup.field(
            "date", label: call.word("pairs", "end-date"), value: call.form["date"] ?? "", type: "date",
            error: refusal?.error("date"), required: true)
        fields.append(
            FormMarkup.select(
                "reason", label: call.word("pairs", "end-reason"), options: reasonOptions(call),
                selected: call.form["reason"], error: refusal?.error("reason")))
        return formPage(
            call, pair: pair, id: id, title: call.word("pairs", "action-end"), intro: call.word("pairs", "end-intro"),
            action: "/desk/pairs/\(id)/end", button: call.word("pairs", "end-next"), fields: fields, refusal: refusal)
    }

    static func endConfirmation(_ call: DeskCall, _ id: Int64, date: String, reason: String) throws -> DeskResult {
        let pair = try call.json(["forloeb", "show", String(id), "--json"])
        let reasonText = reasonOptions(call).first { $0.value == reason }?.text ?? reason
        var body = Markup()
        body.raw("<p>")
        body.text(
            call.word(
                "pairs", "end-confirm",
                ["pair": names(call, pair), "date": DeskDates.written(date, call.language), "reason": reasonText]))
        body.raw("</p>\n")
        var hidden = Markup()
        for (name, value) in [("date", date), ("reason", reason), ("confirm", "yes")] {
            hidden.open("input", [("type", "hidden"), ("name", name), ("value", value)])
            hidden.raw("\n")
        }
        body.append(
            DangerForm.form(
                action: "/desk/pairs/\(id)/end", csrfToken: call.request.csrfToken,
                button: call.word("pairs", "end-button"), content: hidden))
        body.append(backLink(call, "/desk/pairs/\(id)"))
        return .page(DeskPage(title: call.word("pairs", "action-end"), body: body, section: "pairs"))
    }

    static func reasonOptions(_ call: DeskCall) -> [(value: String, text: String)] {
        EndReason.allCases.map { ($0.rawValue, call.word("pairs", "reason-" + $0.rawValue)) }
    }

    // MARK: Shared by the pair's pages

    /// The forløb of the path's `:id` when the leader sees it; nil answers 404 (another program's
    /// pair and no pair alike).
    static func seenPair(_ call: DeskCall) -> Int64? {
        guard let id = call.id("id"), call.actions.sees(pair: id, call.leader) else { return nil }
        return id
    }

    typealias PairPage = (DeskCall, Int64, Refusal?) throws -> DeskResult

    /// A pair's form page, as it is.
    static func shown(_ call: DeskCall, _ page: PairPage) throws -> DeskResult {
        guard let id = seenPair(call) else { return .notFound }
        return try page(call, id, nil)
    }

    /// A pair's form posted: its command with the form's values, then the page that shows the
    /// result (`/desk/pairs/ID` + `then`), or the form again with the command's refusal.
    static func posted(
        _ call: DeskCall, fields: [String], then: String, _ page: PairPage, refusal: ((String) -> Refusal)? = nil,
        command: (Int64) -> [String]
    ) throws -> DeskResult {
        guard let id = seenPair(call) else { return .notFound }
        let outcome = call.run(command(id))
        guard outcome.succeeded else {
            return try page(call, id, refusal?(outcome.error) ?? Refusal(outcome.error, fields: fields))
        }
        return .redirect("/desk/pairs/\(id)" + then)
    }

    /// `Søren Mikkelsen og Amira Hansen`.
    static func names(_ call: DeskCall, _ pair: JSONView) -> String {
        call.word("pairs", "names", ["mentor": pair["mentor"].text, "mentee": pair["mentee"].text])
    }

    static func programName(_ call: DeskCall, _ id: String) -> String {
        call.actions.config.programs.first { $0.id == id }?.name ?? id
    }

    static func day(_ call: DeskCall, _ value: JSONView) -> String {
        DeskDates.written(value.text, call.language)
    }

    /// Running, about to start, or ended (when and why).
    static func status(_ call: DeskCall, _ pair: JSONView) -> String {
        switch pair["status"].text {
        case "starting": return call.word("pairs", "status-starting")
        case "running": return call.word("pairs", "status-running")
        default:
            let ended = pair["endedOn"].isNull ? pair["plannedEnd"] : pair["endedOn"]
            let reason = pair["endReason"].text
            let values = ["date": day(call, ended), "reason": call.word("pairs", "reason-" + reason)]
            return call.word("pairs", reason.isEmpty ? "status-ended" : "status-ended-reason", values)
        }
    }

    /// A page about one pair with one form: the pair named and linked, the form, the way back.
    static func formPage(
        _ call: DeskCall, pair: JSONView, id: Int64, title: String, intro: String?, action: String, button: String,
        fields: Markup, refusal: Refusal?, section: String = "pairs"
    ) -> DeskResult {
        var body = pairLine(call, pair, id)
        if let intro {
            body.paragraph(intro)
        }
        body.append(Refusal.formProblem(refusal))
        body.append(FormMarkup.form(action: action, csrfToken: call.request.csrfToken, button: button, content: fields))
        body.append(backLink(call, "/desk/pairs/\(id)"))
        return .page(DeskPage(title: title, body: body, status: refusal == nil ? 200 : 422, section: section))
    }

    /// `Forløb: Søren Mikkelsen og Amira Hansen` linked to the pair's page.
    static func pairLine(_ call: DeskCall, _ pair: JSONView, _ id: Int64) -> Markup {
        var body = Markup()
        body.raw("<p class=\"pair\">")
        body.text(call.word("pairs", "pair") + ": ")
        body.element("a", [("href", "/desk/pairs/\(id)")], text: names(call, pair))
        body.raw("</p>\n")
        return body
    }

    /// `<table class="list">` (stacked on a phone) up to its `<tbody>`.
    static func tableHead(_ columns: [String]) -> Markup {
        var body = Markup()
        body.raw("<table class=\"list\">\n<thead><tr>")
        for column in columns { body.element("th", [("scope", "col")], text: column) }
        body.raw("</tr></thead>\n<tbody>\n")
        return body
    }

    static func backLink(_ call: DeskCall, _ path: String) -> Markup {
        var body = Markup()
        body.raw("<p>")
        body.element("a", [("href", path)], text: call.word("pairs", "back"))
        body.raw("</p>\n")
        return body
    }
}

/// A form its command refused: the command's own error line, next to the field it is about (the
/// option it names), else above the form's button.
struct Refusal {
    var message: String
    var field: String?

    /// `fields`: the form's fields, named as the command's options.
    init(_ message: String, fields: [String], field: String? = nil) {
        self.message = message
        self.field =
            field ?? fields.first { message.hasPrefix("\($0): ") || message.hasPrefix("--\($0): ") }
            ?? fields.first { message.contains("--\($0) ") || message.hasSuffix("--\($0)") }
    }

    func error(_ name: String) -> String? { field == name ? message : nil }

    /// The refusal that names no field, shown at the top of the form.
    static func formProblem(_ refusal: Refusal?) -> Markup {
        var body = Markup()
        guard let refusal else { return body }
        if refusal.field == nil {
            body.paragraph(refusal.message, class: "problem", role: "alert")
        }
        return body
    }
}

/// A form whose button does something that cannot be undone (end, cancel, remove): red.
enum DangerForm {
    static func form(action: String, csrfToken: String, button: String, content: Markup) -> Markup {
        var html = Markup()
        html.open("form", [("method", "post"), ("action", action)])
        html.raw("\n" + FormMarkup.csrf(csrfToken))
        html.append(content)
        html.raw("<button type=\"submit\" class=\"danger\">")
        html.text(button)
        html.raw("</button>\n</form>\n")
        return html
    }
}

extension Form {
    /// `["--name", value]` when the field is filled in; nothing when it is left blank (the
    /// command's default then applies).
    func option(_ name: String) -> [String] {
        given(name).map { ["--" + name, $0] } ?? []
    }
}
