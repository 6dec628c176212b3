import Desk
import MentorModel
import MentorStore

/// A pair's meetings (`meeting list`, `meeting REL`, `meeting move`, `meeting cancel`) and
/// contacts (`contact list`, `contact REL`, `contact fix`, `contact remove`). A meeting or contact
/// is found through its forløb, which the leader must see (404 otherwise).
enum MeetingContactPages {
    static let routes = [
        DeskRoute("GET", "pairs/:id/meetings") { try PairPages.shown($0, meetingsPage) },
        DeskRoute("POST", "pairs/:id/meetings", addMeeting),
        DeskRoute("GET", "meetings/:id/move") { try shown($0, .meeting, movePage) },
        DeskRoute("POST", "meetings/:id/move", move),
        DeskRoute("GET", "meetings/:id/cancel") { try shown($0, .meeting, cancelPage) },
        DeskRoute("POST", "meetings/:id/cancel") {
            try confirmed($0, .meeting, "cancel", done: "cancelled", cancelPage)
        },
        DeskRoute("GET", "pairs/:id/contacts") { try PairPages.shown($0, contactsPage) },
        DeskRoute("POST", "pairs/:id/contacts", addContact),
        DeskRoute("GET", "contacts/:id/fix") { try shown($0, .contact, fixPage) },
        DeskRoute("POST", "contacts/:id/fix", fix),
        DeskRoute("GET", "contacts/:id/remove") { try shown($0, .contact, removePage) },
        DeskRoute("POST", "contacts/:id/remove") { try confirmed($0, .contact, "remove", done: "removed", removePage) },
    ]

    /// The notices a redirect back to a list may ask for (`?done=moved`), by page.
    static let doneNotices: [String: Set<String>] = [
        "meetings": ["added", "moved", "cancelled"], "contacts": ["logged", "fixed", "removed"],
    ]

    // MARK: Meetings

    static func addMeeting(_ call: DeskCall) throws -> DeskResult {
        try PairPages.posted(call, fields: ["at", "place"], then: "/meetings?done=added", meetingsPage) { id in
            ["meeting", String(id), "--at", DeskDates.fromDateTimeField(call.form.given("at") ?? "")]
                + call.form.option("place")
        }
    }

    static func meetingsPage(_ call: DeskCall, _ id: Int64, refusal: Refusal?) throws -> DeskResult {
        let fields = meetingFields(call, at: call.form["at"] ?? "", place: call.form["place"] ?? "", refusal)
        return try listPage(
            call, id, .meeting, columns: ["when", "place", "status"], newestFirst: false, refusal: refusal,
            fields: fields
        ) { meeting in
            let status = meeting["status"].text
            let cells = [
                DeskDates.written(meeting["at"].text, call.language), meeting["place"].text,
                call.word("meetings", "status-" + status),
            ]
            return (cells, status == "cancelled" ? [] : ["move", "cancel"])
        }
    }

    static func meetingFields(_ call: DeskCall, at: String, place: String, _ refusal: Refusal?) -> Markup {
        var fields = FormMarkup.field(
            "at", label: call.word("meetings", "at"), value: at, type: "datetime-local", error: refusal?.error("at"),
            required: true)
        fields.append(
            FormMarkup.field(
                "place", label: call.word("meetings", "place"), value: place, error: refusal?.error("place"),
                hint: call.word("meetings", "place-hint")))
        return fields
    }

    static func move(_ call: DeskCall) throws -> DeskResult {
        guard let (pair, meeting) = try seen(call, .meeting) else { return .notFound }
        let at = DeskDates.fromDateTimeField(call.form.given("at") ?? "")
        let outcome = call.run(["meeting", "move", meeting["id"].text, "--at", at] + call.form.option("place"))
        guard outcome.succeeded else {
            return try movePage(call, pair, meeting, refusal: Refusal(outcome.error, fields: ["at", "place"]))
        }
        return .redirect("/desk/pairs/\(pair)/meetings?done=moved")
    }

    static func movePage(_ call: DeskCall, _ pair: Int64, _ meeting: JSONView, refusal: Refusal?) throws -> DeskResult {
        let show = try call.json(["forloeb", "show", String(pair), "--json"])
        let fields = meetingFields(
            call, at: call.form["at"] ?? meeting["at"].text, place: call.form["place"] ?? meeting["place"].text, refusal
        )
        return PairPages.formPage(
            call, pair: show, id: pair, title: call.word("meetings", "move-title"),
            intro: call.word("meetings", "move-intro", ["when": DeskDates.written(meeting["at"].text, call.language)]),
            action: "/desk/meetings/\(meeting["id"].text)/move", button: call.word("meetings", "move-button"),
            fields: fields, refusal: refusal)
    }

    static func cancelPage(_ call: DeskCall, _ pair: Int64, _ meeting: JSONView, refusal: Refusal?) throws -> DeskResult
    {
        let show = try call.json(["forloeb", "show", String(pair), "--json"])
        let when = DeskDates.written(meeting["at"].text, call.language)
        return confirmation(
            call, pair: show, id: pair, title: call.word("meetings", "cancel-title"),
            question: call.word("meetings", "cancel-question", ["when": when]),
            action: "/desk/meetings/\(meeting["id"].text)/cancel", button: call.word("meetings", "cancel-button"),
            problem: refusal?.message, back: "/desk/pairs/\(pair)/meetings")
    }

    // MARK: Contacts

    static func addContact(_ call: DeskCall) throws -> DeskResult {
        let words = { (id: Int64) in
            ["contact", String(id)] + ["date", "minutes", "kind"].flatMap(call.form.option)
                + (call.form["yes"] == "1" ? ["--yes"] : [])
        }
        return try PairPages.posted(
            call, fields: [], then: "/contacts?done=logged", contactsPage, refusal: { contactRefusal(call, $0) },
            command: words)
    }

    /// The command's refusal; one over 8 hours is about the minutes, and the form then asks for
    /// the confirmation `--yes` gives.
    static func contactRefusal(_ call: DeskCall, _ message: String) -> Refusal {
        let long = Int(call.form.given("minutes") ?? "").map { ContactCommands.lengthProblem($0, yes: false) != nil }
        return Refusal(message, fields: ["date", "minutes", "kind"], field: long == true ? "minutes" : nil)
    }

    static func contactsPage(_ call: DeskCall, _ id: Int64, refusal: Refusal?) throws -> DeskResult {
        let fields = contactFields(
            call, date: call.form["date"] ?? "", minutes: call.form["minutes"] ?? "",
            kind: call.form["kind"] ?? "meeting", refusal)
        return try listPage(
            call, id, .contact, columns: ["date", "duration", "kind"], newestFirst: true, refusal: refusal,
            fields: fields
        ) { contact in
            let cells = [
                DeskDates.written(contact["date"].text, call.language),
                DeskDates.duration(Int(contact["minutes"].int ?? 0), call.language),
                kindWord(call, contact["kind"].text),
            ]
            return (cells, ["fix", "remove"])
        }
    }

    static func contactFields(
        _ call: DeskCall, date: String, minutes: String, kind: String, _ refusal: Refusal?
    ) -> Markup {
        var fields = FormMarkup.field(
            "date", label: call.word("contacts", "date"), value: date, type: "date", error: refusal?.error("date"),
            required: true)
        fields.append(
            FormMarkup.field(
                "minutes", label: call.word("contacts", "minutes"), value: minutes, type: "number",
                error: refusal?.error("minutes"), required: true, hint: call.word("contacts", "minutes-hint")))
        // Over 8 hours is asked for on purpose (`--yes`): offered once the command asked for it.
        if refusal?.field == "minutes", let value = Int(minutes),
            ContactCommands.lengthProblem(value, yes: false) != nil
        {
            fields.raw("<div class=\"field\">\n<label class=\"check\">")
            fields.open("input", [("type", "checkbox"), ("name", "yes"), ("value", "1")])
            fields.raw(" ")
            fields.text(call.word("contacts", "long-yes", ["duration": DeskDates.duration(value, call.language)]))
            fields.raw("</label>\n</div>\n")
        }
        fields.append(
            FormMarkup.select(
                "kind", label: call.word("contacts", "kind"),
                options: ContactKind.allCases.map { ($0.rawValue, kindWord(call, $0.rawValue)) }, selected: kind,
                error: refusal?.error("kind")))
        return fields
    }

    static func kindWord(_ call: DeskCall, _ raw: String) -> String {
        call.word("pairs", "kind-" + (ContactKind(rawValue: raw) ?? .other).rawValue)
    }

    static func fix(_ call: DeskCall) throws -> DeskResult {
        guard let (pair, contact) = try seen(call, .contact) else { return .notFound }
        let given = ["date", "minutes", "kind"].flatMap(call.form.option)
        let outcome = call.run(
            ["contact", "fix", contact["id"].text] + given + (call.form["yes"] == "1" ? ["--yes"] : []))
        guard outcome.succeeded else {
            return try fixPage(call, pair, contact, refusal: contactRefusal(call, outcome.error))
        }
        return .redirect("/desk/pairs/\(pair)/contacts?done=fixed")
    }

    static func fixPage(_ call: DeskCall, _ pair: Int64, _ contact: JSONView, refusal: Refusal?) throws -> DeskResult {
        let show = try call.json(["forloeb", "show", String(pair), "--json"])
        let fields = contactFields(
            call, date: call.form["date"] ?? contact["date"].text,
            minutes: call.form["minutes"] ?? contact["minutes"].text,
            kind: call.form["kind"] ?? contact["kind"].text, refusal)
        return PairPages.formPage(
            call, pair: show, id: pair, title: call.word("contacts", "fix-title"), intro: nil,
            action: "/desk/contacts/\(contact["id"].text)/fix", button: call.word("contacts", "fix-button"),
            fields: fields, refusal: refusal)
    }

    static func removePage(_ call: DeskCall, _ pair: Int64, _ contact: JSONView, refusal: Refusal?) throws -> DeskResult
    {
        let show = try call.json(["forloeb", "show", String(pair), "--json"])
        let values = [
            "date": DeskDates.written(contact["date"].text, call.language),
            "duration": DeskDates.duration(Int(contact["minutes"].int ?? 0), call.language),
            "kind": kindWord(call, contact["kind"].text),
        ]
        return confirmation(
            call, pair: show, id: pair, title: call.word("contacts", "remove-title"),
            question: call.word("contacts", "remove-question", values),
            action: "/desk/contacts/\(contact["id"].text)/remove", button: call.word("contacts", "remove-button"),
            problem: refusal?.message, back: "/desk/pairs/\(pair)/contacts")
    }

    // MARK: Shared

    /// A pair's meetings or contacts as `meeting list` / `contact list` show them, each row with
    /// the links that change it (`actions`: the path's last part, also its word), then the form
    /// that adds one (`meeting REL`, `contact REL`).
    static func listPage(
        _ call: DeskCall, _ id: Int64, _ kind: Record, columns names: [String], newestFirst: Bool,
        refusal: Refusal?, fields: Markup, row: (JSONView) -> (cells: [String], actions: [String])
    ) throws -> DeskResult {
        let page = kind.rawValue + "s"
        let pair = try call.json(["forloeb", "show", String(id), "--json"])
        let records = try call.json([kind.rawValue, "list", String(id), "--json"]).array
        var body = PairPages.pairLine(call, pair, id)
        body.append(notice(call, page))
        if records.isEmpty {
            body.paragraph(call.word(page, "none"))
        } else {
            let columns = (names + ["actions"]).map { call.word(page, "column-" + $0) }
            body.append(PairPages.tableHead(columns))
            for record in newestFirst ? records.reversed() : records {
                let (cells, actions) = row(record)
                body.raw("<tr>")
                for (column, cell) in zip(columns, cells) { body.element("td", [("data-label", column)], text: cell) }
                body.open("td", [("data-label", columns[columns.count - 1])])
                for (index, action) in actions.enumerated() {
                    if index > 0 { body.raw(" · ") }
                    body.element(
                        "a", [("href", "/desk/\(page)/\(record["id"].text)/\(action)")], text: call.word(page, action))
                }
                body.raw("</td></tr>\n")
            }
            body.raw("</tbody>\n</table>\n")
        }
        body.raw("<h2>")
        body.text(call.word(page, "add-title"))
        body.raw("</h2>\n")
        body.append(Refusal.formProblem(refusal))
        body.append(
            FormMarkup.form(
                action: "/desk/pairs/\(id)/\(page)", csrfToken: call.request.csrfToken,
                button: call.word(page, "add-button"), content: fields))
        body.append(PairPages.backLink(call, "/desk/pairs/\(id)"))
        return .page(
            DeskPage(title: call.word(page, "title"), body: body, status: refusal == nil ? 200 : 422, section: "pairs"))
    }

    /// A meeting or a contact, found through its forløb's list (`meeting list`, `contact list`).
    enum Record: String {
        case meeting, contact
    }

    /// The record of the path's `:id` and its forløb, when the leader sees that forløb.
    static func seen(_ call: DeskCall, _ kind: Record) throws -> (pair: Int64, record: JSONView)? {
        guard let id = call.id("id"), let pair = call.actions.pair(of: kind, id, call.leader) else { return nil }
        let record = try call.json([kind.rawValue, "list", String(pair), "--json"]).array.first { $0["id"].int == id }
        return record.map { (pair, $0) }
    }

    typealias RecordPage = (DeskCall, Int64, JSONView, Refusal?) throws -> DeskResult

    /// A record's form or confirmation page, as it is.
    static func shown(_ call: DeskCall, _ kind: Record, _ page: RecordPage) throws -> DeskResult {
        guard let (pair, record) = try seen(call, kind) else { return .notFound }
        return try page(call, pair, record, nil)
    }

    /// A confirmation's post: `meeting cancel ID`, `contact remove ID`; back to the list, or the
    /// confirmation again with the command's refusal.
    static func confirmed(
        _ call: DeskCall, _ kind: Record, _ subcommand: String, done: String, _ page: RecordPage
    ) throws -> DeskResult {
        guard let (pair, record) = try seen(call, kind) else { return .notFound }
        let outcome = call.run([kind.rawValue, subcommand, record["id"].text])
        guard outcome.succeeded else { return try page(call, pair, record, Refusal(outcome.error, fields: [])) }
        return .redirect("/desk/pairs/\(pair)/\(kind.rawValue)s?done=\(done)")
    }

    /// A destructive action asked for once more: what will happen, a red button, the way back.
    static func confirmation(
        _ call: DeskCall, pair: JSONView, id: Int64, title: String, question: String, action: String, button: String,
        problem: String?, back: String
    ) -> DeskResult {
        var body = PairPages.pairLine(call, pair, id)
        if let problem {
            body.paragraph(problem, class: "problem", role: "alert")
        }
        body.paragraph(question)
        body.append(
            DangerForm.form(action: action, csrfToken: call.request.csrfToken, button: button, content: Markup()))
        body.append(PairPages.backLink(call, back))
        return .page(DeskPage(title: title, body: body, status: problem == nil ? 200 : 422, section: "pairs"))
    }

    static func notice(_ call: DeskCall, _ page: String) -> Markup {
        var body = Markup()
        guard let done = call.form["done"], doneNotices[page]?.contains(done) == true else { return body }
        body.paragraph(call.word(page, "done-" + done), class: "notice", role: "status")
        return body
    }
}

extension DeskActions {
    /// The forløb of meeting or contact `id` when `leader` sees it; nil when there is no such
    /// record or it belongs to another program's pair (both answer 404).
    func pair(of kind: MeetingContactPages.Record, _ id: Int64, _ leader: DeskLeader) -> Int64? {
        let pair = try? withStore { store in
            switch kind {
            case .meeting: try store.meeting(id).relationshipID
            case .contact: try store.contact(id).contact.relationshipID
            }
        }
        guard let pair, sees(pair: pair, leader) else { return nil }
        return pair
    }
}
