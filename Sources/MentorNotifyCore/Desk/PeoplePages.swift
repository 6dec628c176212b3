import Desk
import Foundation
import MentorModel

/// People: `person list`, `person show`, `person add`, `person edit`, `person opt-in`/`opt-out` and
/// `forget`, for the people the leader may see (in a forløb of their programs, or in none yet).
enum PeoplePages {
    static let routes = [
        DeskRoute("GET", "people", list),
        DeskRoute("GET", "people/new", addForm),
        DeskRoute("POST", "people/new", add),
        DeskRoute("GET", "people/:id", show),
        DeskRoute("GET", "people/:id/edit", editForm),
        DeskRoute("POST", "people/:id/edit", edit),
        DeskRoute("POST", "people/:id/opt-in", { try channel($0, command: "opt-in") }),
        DeskRoute("POST", "people/:id/opt-out", { try channel($0, command: "opt-out") }),
        DeskRoute("GET", "people/:id/forget", forgetForm),
        DeskRoute("POST", "people/:id/forget", forget),
    ]

    typealias Cell = AdminPageParts.Cell

    /// The command's fields and the form's: the same names.
    static let fields = Dictionary(
        uniqueKeysWithValues: ["role", "name", "email", "phone", "birthdate", "certificate", "channels", "lang", "ref"]
            .map { ($0, $0) })

    static func list(_ call: DeskCall) throws -> DeskResult {
        let visible = try AdminPageParts.visiblePeople(call)
        let people = try call.json(["person", "list", "--json"]).array.filter {
            visible.contains($0["id"].int ?? 0) && $0["forgotten"].bool != true
        }
        var body = AdminPageParts.notice(call, page: "people", keys: ["forgotten"])
        body.raw("<p>")
        body.append(AdminPageParts.link("/desk/people/new", call.word("people", "add-link")))
        body.raw("</p>\n")
        if people.isEmpty {
            body.append(AdminPageParts.paragraph(call.word("people", "none")))
        } else {
            let headers = ["name", "role", "email", "phone", "channels"].map { call.word("people", $0) }
            body.append(
                AdminPageParts.table(
                    headers,
                    people.map { person in
                        let id = person["id"].int ?? 0
                        return [
                            Cell(headers[0], html: AdminPageParts.link("/desk/people/\(id)", person["name"].text)),
                            Cell(headers[1], text: call.word("people", "role-" + person["role"].text)),
                            Cell(headers[2], text: person["email"].text),
                            Cell(headers[3], text: person["phone"].text),
                            Cell(headers[4], text: channels(call, person)),
                        ]
                    }))
        }
        return .page(DeskPage(title: call.word("people", "title"), body: body, section: "people"))
    }

    /// `email, sms (stopped)`: the chosen channels, each marked when the person stopped it.
    static func channels(_ call: DeskCall, _ person: JSONView) -> String {
        let stopped = Set(person["optedOut"].array.compactMap(\.string))
        return person["channels"].array.compactMap(\.string).map { channel in
            call.word("people", "channel-" + channel)
                + (stopped.contains(channel) ? " " + call.word("people", "stopped") : "")
        }.joined(separator: ", ")
    }

    /// The person's id from the path when the leader may see them; nil answers 404.
    static func visibleID(_ call: DeskCall) -> Int64? {
        guard let id = call.id("id"), call.actions.sees(person: id, call.leader) else { return nil }
        return id
    }

    // MARK: - One person

    static func show(_ call: DeskCall) throws -> DeskResult {
        guard let id = visibleID(call) else { return .notFound }
        let record = try call.json(["person", "show", String(id), "--json"])
        let person = record["person"]
        var body = AdminPageParts.notice(call, page: "people", keys: ["added", "edited", "opt-in", "opt-out"])
        if person["forgotten"].bool == true {
            body.append(AdminPageParts.paragraph(call.word("people", "is-forgotten"), class: "notice"))
        }
        body.raw("<dl class=\"card\">\n")
        let facts: [(String, String)] = [
            ("role", call.word("people", "role-" + person["role"].text)), ("email", person["email"].text),
            ("phone", person["phone"].text), ("birthdate", person["birthdate"].text),
            ("certificate", person["certificate"].text), ("channels", channels(call, person)),
            ("lang", call.word("people", "lang-" + person["lang"].text)), ("ref", person["ref"].text),
        ]
        for (key, value) in facts where !value.isEmpty {
            body.element("dt", text: call.word("people", key))
            body.element("dd", text: value)
            body.raw("\n")
        }
        let former = person["formerNames"].array.compactMap(\.string)
        if !former.isEmpty {
            body.element("dt", text: call.word("people", "former-names"))
            body.element("dd", text: former.joined(separator: ", "))
        }
        body.raw("</dl>\n")
        if person["forgotten"].bool != true { body.append(actions(call, id, person)) }
        body.append(forloeb(call, record["forloeb"].array))
        // Messages and opt-outs of another program (a mentor in two) are that program's.
        let ours = { (item: JSONView) in item["program"].isNull || call.leader.programs.contains(item["program"].text) }
        body.append(messages(call, record["messages"].array.filter(ours)))
        body.append(replies(call, record["replies"].array))
        body.append(optOuts(call, record["optOuts"].array.filter(ours)))
        body.append(cafeAnswers(call, record["cafeAnswers"].array))
        body.append(reminders(call, record["reminders"].array))
        let title = person["forgotten"].bool == true ? call.word("people", "forgotten") : person["name"].text
        return .page(DeskPage(title: title, body: body, section: "people"))
    }

    /// Edit, a channel stopped or started again, a reminder, forget.
    static func actions(_ call: DeskCall, _ id: Int64, _ person: JSONView) -> Markup {
        var body = Markup()
        body.raw("<ul class=\"actions\">\n<li>")
        body.append(AdminPageParts.link("/desk/people/\(id)/edit", call.word("people", "edit-link")))
        body.raw("</li>\n<li>")
        body.append(AdminPageParts.link("/desk/reminders/new?person=\(id)", call.word("people", "reminder-link")))
        body.raw("</li>\n<li>")
        body.append(AdminPageParts.link("/desk/people/\(id)/forget", call.word("people", "forget-link")))
        body.raw("</li>\n</ul>\n")
        let stopped = Set(person["optedOut"].array.compactMap(\.string))
        let chosen = Set(person["channels"].array.compactMap(\.string))
        let unsubscribed = !person["unsubscribed"].array.isEmpty
        for channel in ["email", "sms"] where chosen.contains(channel) || stopped.contains(channel) {
            let name = call.word("people", "channel-" + channel)
            if stopped.contains(channel) || unsubscribed {
                body.append(
                    AdminPageParts.button(
                        action: "/desk/people/\(id)/opt-in", csrfToken: call.request.csrfToken,
                        button: call.word("people", "opt-in-button", ["channel": name]), values: [("channel", channel)])
                )
            }
            if !stopped.contains(channel) {
                body.append(
                    AdminPageParts.button(
                        action: "/desk/people/\(id)/opt-out", csrfToken: call.request.csrfToken,
                        button: call.word("people", "opt-out-button", ["channel": name]), values: [("channel", channel)]
                    ))
            }
        }
        return body
    }

    /// The person's forløb in the leader's programs (another program's forløb is not theirs to see).
    static func forloeb(_ call: DeskCall, _ items: [JSONView]) -> Markup {
        let own = items.filter { call.leader.programs.contains($0["program"].text) }
        var body = AdminPageParts.heading(call.word("people", "forloeb"))
        guard !own.isEmpty else { return body + AdminPageParts.paragraph(call.word("people", "no-forloeb")) }
        let headers = ["with", "program", "start", "end", "contacts", "meetings", "evaluations"].map {
            call.word("people", $0)
        }
        body.append(
            AdminPageParts.table(
                headers,
                own.map { item in
                    let other = item["mentor"].isNull ? item["mentee"].text : item["mentor"].text
                    let end = item["endedOn"].isNull ? item["plannedEnd"].text : item["endedOn"].text
                    return [
                        Cell(headers[0], html: AdminPageParts.link("/desk/pairs/\(item["id"].text)", other)),
                        Cell(headers[1], text: AdminPageParts.programName(call, item["program"].text)),
                        Cell(headers[2], text: item["start"].text), Cell(headers[3], text: end),
                        Cell(headers[4], text: String(item["contacts"].array.count)),
                        Cell(headers[5], text: String(item["meetings"].array.count)),
                        Cell(headers[6], text: String(item["evaluations"].array.count)),
                    ]
                }))
        return body
    }

    /// The messages we wrote to them: when, how, what happened, and the text while it is kept.
    static func messages(_ call: DeskCall, _ items: [JSONView]) -> Markup {
        var body = AdminPageParts.heading(call.word("people", "messages"))
        guard !items.isEmpty else { return body + AdminPageParts.paragraph(call.word("people", "no-messages")) }
        let headers = ["written", "channel", "status", "text"].map { call.word("people", $0) }
        body.append(
            AdminPageParts.table(
                headers,
                items.map { item in
                    var text = Markup()
                    if let message = item["text"].string {
                        text.raw("<details><summary>")
                        text.text(item["subject"].string ?? item["rule"].text)
                        text.raw("</summary>")
                        text.element("pre", text: message)
                        text.raw("</details>")
                    } else {
                        text.text(item["subject"].string ?? item["rule"].text)
                    }
                    return [
                        Cell(headers[0], text: AdminPageParts.when(item["written"].text)),
                        Cell(headers[1], text: call.word("people", "channel-" + item["channel"].text)),
                        Cell(headers[2], text: call.word("people", "status-" + item["status"].text)),
                        Cell(headers[3], html: text),
                    ]
                }))
        return body
    }

    /// What their replies made us do (what they wrote is never kept, so never shown).
    static func replies(_ call: DeskCall, _ items: [JSONView]) -> Markup {
        dated(call, "replies", note: "replies-note", items, last: "action") { $0["action"].text }
    }

    static func optOuts(_ call: DeskCall, _ items: [JSONView]) -> Markup {
        dated(call, "opt-outs", items, last: "what") {
            call.word("people", $0["optedOut"].bool == true ? "was-stopped" : "was-started")
        }
    }

    /// A section of dated events on a channel (nothing when there are none): date, channel, `last`.
    static func dated(
        _ call: DeskCall, _ heading: String, note: String? = nil, _ items: [JSONView], last: String,
        _ value: (JSONView) -> String
    ) -> Markup {
        guard !items.isEmpty else { return Markup() }
        var body = AdminPageParts.heading(call.word("people", heading))
        if let note { body.append(AdminPageParts.paragraph(call.word("people", note))) }
        let headers = ["date", "channel", last].map { call.word("people", $0) }
        body.append(
            AdminPageParts.table(
                headers,
                items.map { item in
                    [
                        Cell(headers[0], text: AdminPageParts.when(item["date"].text)),
                        Cell(headers[1], text: call.word("people", "channel-" + item["channel"].text)),
                        Cell(headers[2], text: value(item)),
                    ]
                }))
        return body
    }

    /// Their answers to café invitations, of the leader's programs.
    static func cafeAnswers(_ call: DeskCall, _ items: [JSONView]) -> Markup {
        let own = items.filter { call.leader.programs.contains($0["program"].text) }
        guard !own.isEmpty else { return Markup() }
        var body = AdminPageParts.heading(call.word("people", "cafe-answers"))
        let headers = ["evening", "answer"].map { call.word("people", $0) }
        body.append(
            AdminPageParts.table(
                headers,
                own.map { item in
                    [
                        Cell(headers[0], text: AdminPageParts.when(item["at"].text)),
                        Cell(headers[1], text: call.word("people", item["yes"].bool == true ? "yes" : "no")),
                    ]
                }))
        return body
    }

    static func reminders(_ call: DeskCall, _ items: [JSONView]) -> Markup {
        guard !items.isEmpty else { return Markup() }
        var body = AdminPageParts.heading(call.word("people", "reminders"))
        body.raw("<ul>\n")
        for item in items {
            body.raw("<li>")
            body.text("\(item["time"].text) (\(item["days"].text)): \(item["text"].text)")
            if item["stopped"].bool == true { body.text(" — " + call.word("people", "reminder-stopped")) }
            body.raw("</li>\n")
        }
        body.raw("</ul>\n<p>")
        body.append(AdminPageParts.link("/desk/reminders", call.word("people", "reminders-link")))
        body.raw("</p>\n")
        return body
    }

    // MARK: - Add and edit

    /// The values a person form shows: the person's now, or what the leader typed.
    struct Values {
        var role = "mentee"
        var name = ""
        var email = ""
        var phone = ""
        var birthdate = ""
        var certificate = ""
        var channels: Set<String> = []
        var lang = "da"
        var ref = ""
        var noEmail = false
        var noPhone = false

        init() {}

        init(person: JSONView) {
            role = person["role"].text
            name = person["name"].text
            email = person["email"].text
            phone = person["phone"].text
            birthdate = person["birthdate"].text
            certificate = person["certificate"].text
            channels = Set(person["channels"].array.compactMap(\.string))
            lang = person["lang"].text
            ref = person["ref"].text
        }

        init(form: Form) {
            role = form["role"] ?? "mentee"
            name = form["name"] ?? ""
            email = form["email"] ?? ""
            phone = form["phone"] ?? ""
            birthdate = form["birthdate"] ?? ""
            certificate = form["certificate"] ?? ""
            channels = Set(form.all("channels"))
            lang = form["lang"] ?? "da"
            ref = form["ref"] ?? ""
            noEmail = form["no-email"] == "yes"
            noPhone = form["no-phone"] == "yes"
        }
    }

    /// The form of `person add` (`editing` false) or `person edit`; `error` the command's, placed.
    static func personForm(
        _ call: DeskCall, action: String, values: Values, editing: Bool, error: String? = nil
    ) -> Markup {
        let placed = error.map { AdminPageParts.placed($0, fields: fields) }
        func fieldError(_ field: String) -> String? { placed?.field == field ? placed?.text : nil }
        var content = AdminPageParts.problem(placed?.field == nil ? placed?.text : nil)
        let word = { (name: String) in call.word("people", name) }
        if !editing {
            content.append(
                FormMarkup.select(
                    "role", label: word("role"),
                    options: [("mentee", word("role-mentee")), ("mentor", word("role-mentor"))], selected: values.role,
                    error: fieldError("role")))
        }
        content.append(
            FormMarkup.field(
                "name", label: word("name"), value: values.name, error: fieldError("name"), required: !editing))
        content.append(
            FormMarkup.field(
                "email", label: word("email"), value: values.email, type: "email", error: fieldError("email")))
        if editing && !values.email.isEmpty || values.noEmail {
            content.append(AdminPageParts.checkbox("no-email", label: word("remove-email"), checked: values.noEmail))
        }
        content.append(
            FormMarkup.field(
                "phone", label: word("phone"), value: values.phone, type: "tel", error: fieldError("phone"),
                hint: word("phone-hint")))
        if editing && !values.phone.isEmpty || values.noPhone {
            content.append(AdminPageParts.checkbox("no-phone", label: word("remove-phone"), checked: values.noPhone))
        }
        content.append(
            FormMarkup.field(
                "birthdate", label: word("birthdate"), value: values.birthdate, type: "date",
                error: fieldError("birthdate")))
        // The certificate is the mentors' (a new person's role is chosen on the same form).
        if !editing || values.role == "mentor" {
            content.append(
                FormMarkup.field(
                    "certificate", label: word("certificate"), value: values.certificate, type: "date",
                    error: fieldError("certificate"), hint: word("certificate-hint")))
        }
        content.raw("<fieldset>\n<legend>")
        content.text(word("channels"))
        content.raw("</legend>\n")
        for channel in ["email", "sms"] {
            content.append(
                AdminPageParts.checkbox(
                    "channels", value: channel, label: word("channel-" + channel),
                    checked: values.channels.contains(channel)))
        }
        if let text = fieldError("channels") { content.append(AdminPageParts.paragraph(text, class: "error")) }
        content.raw("</fieldset>\n")
        content.append(
            FormMarkup.select(
                "lang", label: word("lang"), options: [("da", word("lang-da")), ("en", word("lang-en"))],
                selected: values.lang, error: fieldError("lang")))
        content.append(
            FormMarkup.field(
                "ref", label: word("ref"), value: values.ref, error: fieldError("ref"), hint: word("ref-hint")))
        return FormMarkup.form(
            action: action, csrfToken: call.request.csrfToken, button: word(editing ? "save-button" : "add-button"),
            content: content)
    }

    static func addForm(_ call: DeskCall) throws -> DeskResult {
        var values = Values()
        values.channels = []
        let body = personForm(call, action: "/desk/people/new", values: values, editing: false)
        return .page(DeskPage(title: call.word("people", "add-title"), body: body, section: "people"))
    }

    static func add(_ call: DeskCall) throws -> DeskResult {
        let values = Values(form: call.form)
        var words = ["person", "add", "--role", values.role, "--name", values.name.trimmingSpaces()]
        for (option, value) in [
            ("email", values.email), ("phone", values.phone), ("birthdate", values.birthdate),
            ("certificate", values.certificate), ("ref", values.ref),
        ] where !value.trimmingSpaces().isEmpty {
            words += ["--" + option, value.trimmingSpaces()]
        }
        if !values.channels.isEmpty { words += ["--channels", values.channels.sorted().joined(separator: ",")] }
        words += ["--lang", values.lang]
        let outcome = call.run(words)
        guard outcome.succeeded, let id = Int64(outcome.output.split(separator: "\n").last ?? "") else {
            let body = personForm(
                call, action: "/desk/people/new", values: values, editing: false, error: outcome.error)
            return .page(DeskPage(title: call.word("people", "add-title"), body: body, status: 422, section: "people"))
        }
        return .redirect("/desk/people/\(id)?done=added")
    }

    static func editForm(_ call: DeskCall) throws -> DeskResult {
        guard let id = visibleID(call) else { return .notFound }
        let person = try call.json(["person", "show", String(id), "--json"])["person"]
        guard person["forgotten"].bool != true else { return .notFound }
        let body = personForm(call, action: "/desk/people/\(id)/edit", values: Values(person: person), editing: true)
        return .page(
            DeskPage(
                title: call.word("people", "edit-title", ["name": person["name"].text]), body: body, section: "people"))
    }

    /// `person edit ID` with only the fields the leader changed (read against the person now).
    static func edit(_ call: DeskCall) throws -> DeskResult {
        guard let id = visibleID(call) else { return .notFound }
        let person = try call.json(["person", "show", String(id), "--json"])["person"]
        guard person["forgotten"].bool != true else { return .notFound }
        let now = Values(person: person)
        let typed = Values(form: call.form)
        var words = ["person", "edit", String(id)]
        for (option, old, new) in [
            ("name", now.name, typed.name), ("birthdate", now.birthdate, typed.birthdate),
            ("certificate", now.certificate, typed.certificate), ("ref", now.ref, typed.ref),
            ("lang", now.lang, typed.lang),
        ] where new.trimmingSpaces() != old && !new.trimmingSpaces().isEmpty {
            words += ["--" + option, new.trimmingSpaces()]
        }
        for (option, old, new, remove) in [
            ("email", now.email, typed.email, typed.noEmail), ("phone", now.phone, typed.phone, typed.noPhone),
        ] {
            if remove {
                words.append("--no-" + option)
            } else if new.trimmingSpaces() != old && !new.trimmingSpaces().isEmpty {
                words += ["--" + option, new.trimmingSpaces()]
            }
        }
        if typed.channels != now.channels { words += ["--channels", typed.channels.sorted().joined(separator: ",")] }
        guard words.count > 3 else { return .redirect("/desk/people/\(id)") }
        let outcome = call.run(words)
        guard outcome.succeeded else {
            let body = personForm(
                call, action: "/desk/people/\(id)/edit", values: typed, editing: true, error: outcome.error)
            return .page(
                DeskPage(
                    title: call.word("people", "edit-title", ["name": now.name]), body: body, status: 422,
                    section: "people"))
        }
        return .redirect("/desk/people/\(id)?done=edited")
    }

    /// `person opt-in|opt-out ID --channel C`: a channel started again or stopped.
    static func channel(_ call: DeskCall, command: String) throws -> DeskResult {
        guard let id = visibleID(call) else { return .notFound }
        // `person opt-in` also undoes unsubscribes from every program: not for another's.
        if command == "opt-in", !call.actions.answersForAll(person: id, call.leader) {
            throw DeskFailure.command(call.word("people", "shared-opt-in"))
        }
        let channel = call.form["channel"] ?? ""
        let outcome = call.run(["person", command, String(id), "--channel", channel])
        guard outcome.succeeded else { throw DeskFailure.command(outcome.error) }
        return .redirect("/desk/people/\(id)?done=\(command)")
    }

    // MARK: - Forget

    /// Forgetting erases the person from every program's records: only a leader of all of them may.
    static func mayForget(_ id: Int64, _ call: DeskCall) throws(DeskFailure) {
        guard call.actions.answersForAll(person: id, call.leader) else {
            throw DeskFailure.command(call.word("people", "shared-forget"))
        }
    }

    /// The confirmation: what `forget` erases, said before it is done.
    static func forgetForm(_ call: DeskCall) throws -> DeskResult {
        guard let id = visibleID(call) else { return .notFound }
        try mayForget(id, call)
        let person = try call.json(["person", "show", String(id), "--json"])["person"]
        guard person["forgotten"].bool != true else { return .notFound }
        let name = person["name"].text
        var body = AdminPageParts.paragraph(call.word("people", "forget-intro", ["name": name]))
        body.raw("<ul>\n")
        for item in ["forget-data", "forget-messages", "forget-texts", "forget-reminders"] {
            body.element("li", text: call.word("people", item))
            body.raw("\n")
        }
        body.raw("</ul>\n")
        body.append(AdminPageParts.paragraph(call.word("people", "forget-kept")))
        body.append(AdminPageParts.paragraph(call.word("people", "forget-final"), class: "problem"))
        body.append(
            AdminPageParts.button(
                action: "/desk/people/\(id)/forget", csrfToken: call.request.csrfToken,
                button: call.word("people", "forget-button", ["name": name]), danger: true))
        body.raw("<p>")
        body.append(AdminPageParts.link("/desk/people/\(id)", call.word("people", "forget-back")))
        body.raw("</p>\n")
        return .page(
            DeskPage(title: call.word("people", "forget-title", ["name": name]), body: body, section: "people"))
    }

    static func forget(_ call: DeskCall) throws -> DeskResult {
        guard let id = visibleID(call) else { return .notFound }
        try mayForget(id, call)
        let outcome = call.run(["forget", String(id)])
        guard outcome.succeeded else { throw DeskFailure.command(outcome.error) }
        return .redirect("/desk/people?done=forgotten")
    }
}

extension Markup {
    static func + (left: Markup, right: Markup) -> Markup {
        var result = left
        result.append(right)
        return result
    }
}
