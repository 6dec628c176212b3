import Desk
import Foundation
import MentorModel

/// Personal reminders: `reminder list` (the people the leader may see), `reminder add`,
/// `reminder stop` (after a confirmation) and `reminder pause --from --until`.
enum ReminderPages {
    static let routes = [
        DeskRoute("GET", "reminders", list),
        DeskRoute("GET", "reminders/new", addForm),
        DeskRoute("POST", "reminders/new", add),
        DeskRoute("GET", "reminders/:id/stop", stopForm),
        DeskRoute("POST", "reminders/:id/stop", stop),
        DeskRoute("GET", "reminders/:id/pause", pauseForm),
        DeskRoute("POST", "reminders/:id/pause", pause),
    ]

    typealias Cell = AdminPageParts.Cell

    static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// The reminders of the people the leader may see.
    static func visibleReminders(_ call: DeskCall) throws -> [JSONView] {
        let visible = try AdminPageParts.visiblePeople(call)
        return try call.json(["reminder", "list", "--json"]).array.filter { visible.contains($0["person"].int ?? 0) }
    }

    static func list(_ call: DeskCall) throws -> DeskResult {
        let reminders = try visibleReminders(call)
        var body = AdminPageParts.notice(call, page: "reminders", keys: ["added", "stopped", "paused"])
        body.raw("<p>")
        body.append(AdminPageParts.link("/desk/reminders/new", call.word("reminders", "add-link")))
        body.raw("</p>\n")
        guard !reminders.isEmpty else {
            body.append(AdminPageParts.paragraph(call.word("reminders", "none")))
            return .page(DeskPage(title: call.word("reminders", "title"), body: body, section: "reminders"))
        }
        let headers = ["person", "time", "days", "until", "status", "text", ""].map {
            $0.isEmpty ? "" : call.word("reminders", $0)
        }
        body.append(
            AdminPageParts.table(
                headers,
                reminders.map { reminder in
                    let id = reminder["id"].text
                    var actions = Markup()
                    let status = reminder["status"].text
                    if status != "stopped" && status != "ended" {
                        actions.append(
                            AdminPageParts.link("/desk/reminders/\(id)/pause", call.word("reminders", "pause-link")))
                        actions.raw(" ")
                        actions.append(
                            AdminPageParts.link("/desk/reminders/\(id)/stop", call.word("reminders", "stop-link")))
                    }
                    return [
                        Cell(
                            headers[0],
                            html: AdminPageParts.link("/desk/people/\(reminder["person"].text)", reminder["name"].text)),
                        Cell(headers[1], text: reminder["time"].text),
                        Cell(headers[2], text: days(call, reminder["days"].text)),
                        Cell(headers[3], text: reminder["until"].text),
                        Cell(headers[4], text: self.status(call, reminder)),
                        Cell(headers[5], text: reminder["text"].text),
                        Cell("", html: actions),
                    ]
                }))
        return .page(DeskPage(title: call.word("reminders", "title"), body: body, section: "reminders"))
    }

    /// `mon,tue` → `man., tir.` in the leader's words.
    static func days(_ call: DeskCall, _ days: String) -> String {
        days.split(separator: ",").map { call.word("reminders", "day-" + $0) }.joined(separator: ", ")
    }

    static func status(_ call: DeskCall, _ reminder: JSONView) -> String {
        let status = reminder["status"].text
        if status.hasPrefix("paused") || status.hasPrefix("pause ") {
            return call.word(
                "reminders", "status-paused",
                ["from": reminder["pausedFrom"].text, "until": reminder["pausedUntil"].text])
        }
        return call.word("reminders", "status-" + status)
    }

    // MARK: - Add

    static func addForm(_ call: DeskCall) throws -> DeskResult {
        try addPage(call, values: call.form, error: nil)
    }

    static func addPage(_ call: DeskCall, values: Form, error: String?) throws -> DeskResult {
        let visible = try AdminPageParts.visiblePeople(call)
        let people = try call.json(["person", "list", "--json"]).array.filter {
            visible.contains($0["id"].int ?? 0) && $0["forgotten"].bool != true
        }
        let placed = error.map {
            AdminPageParts.placed(
                $0, fields: ["person": "person", "time": "time", "days": "days", "text": "text", "until": "until"])
        }
        func fieldError(_ field: String) -> String? { placed?.field == field ? placed?.text : nil }
        var content = AdminPageParts.problem(placed?.field == nil ? placed?.text : nil)
        content.append(
            FormMarkup.select(
                "person", label: call.word("reminders", "person"),
                options: people.map { ($0["id"].text, $0["name"].text) }, selected: values["person"],
                error: fieldError("person")))
        content.append(
            FormMarkup.field(
                "time", label: call.word("reminders", "time"), value: values["time"] ?? "", type: "time",
                error: fieldError("time"), required: true))
        content.raw("<fieldset>\n<legend>")
        content.text(call.word("reminders", "days"))
        content.raw("</legend>\n")
        let chosen = Set(values.all("days"))
        for day in weekdays {
            content.append(
                AdminPageParts.checkbox(
                    "days", value: day, label: call.word("reminders", "day-" + day), checked: chosen.contains(day)))
        }
        if let text = fieldError("days") { content.append(AdminPageParts.paragraph(text, class: "error")) }
        content.raw("</fieldset>\n")
        content.append(
            FormMarkup.field(
                "text", label: call.word("reminders", "text"), value: values["text"] ?? "", error: fieldError("text"),
                required: true, hint: call.word("reminders", "text-hint")))
        content.append(
            FormMarkup.field(
                "until", label: call.word("reminders", "until"), value: values["until"] ?? "", type: "date",
                error: fieldError("until"), hint: call.word("reminders", "until-hint")))
        content.append(
            AdminPageParts.checkbox(
                "on-holidays", label: call.word("reminders", "on-holidays"), checked: values["on-holidays"] == "yes"))
        let body = FormMarkup.form(
            action: "/desk/reminders/new", csrfToken: call.request.csrfToken,
            button: call.word("reminders", "add-button"),
            content: content)
        return .page(
            DeskPage(
                title: call.word("reminders", "add-title"), body: body, status: error == nil ? 200 : 422,
                section: "reminders"))
    }

    static func add(_ call: DeskCall) throws -> DeskResult {
        guard let text = call.form["person"], let person = Int64(text), call.actions.sees(person: person, call.leader)
        else { return .notFound }
        var words = [
            "reminder", "add", "--person", String(person), "--time", call.form["time"] ?? "", "--days",
            weekdays.filter(Set(call.form.all("days")).contains).joined(separator: ","), "--text",
            call.form["text"] ?? "",
        ]
        if let until = call.form.given("until") { words += ["--until", until] }
        if call.form["on-holidays"] == "yes" { words.append("--on-holidays") }
        let outcome = call.run(words)
        guard outcome.succeeded else { return try addPage(call, values: call.form, error: outcome.error) }
        return .redirect("/desk/reminders?done=added")
    }

    // MARK: - Stop and pause

    /// The reminder named by the path when its person is one the leader may see; nil answers 404.
    static func visibleReminder(_ call: DeskCall) throws -> JSONView? {
        guard let id = call.id("id") else { return nil }
        return try visibleReminders(call).first { $0["id"].int == id }
    }

    static func stopForm(_ call: DeskCall) throws -> DeskResult {
        guard let reminder = try visibleReminder(call) else { return .notFound }
        var body = AdminPageParts.paragraph(
            call.word(
                "reminders", "stop-intro",
                ["name": reminder["name"].text, "time": reminder["time"].text, "text": reminder["text"].text]))
        body.append(
            AdminPageParts.button(
                action: "/desk/reminders/\(reminder["id"].text)/stop", csrfToken: call.request.csrfToken,
                button: call.word("reminders", "stop-button"), danger: true))
        body.raw("<p>")
        body.append(AdminPageParts.link("/desk/reminders", call.word("reminders", "back")))
        body.raw("</p>\n")
        return .page(DeskPage(title: call.word("reminders", "stop-title"), body: body, section: "reminders"))
    }

    static func stop(_ call: DeskCall) throws -> DeskResult {
        guard let reminder = try visibleReminder(call) else { return .notFound }
        let outcome = call.run(["reminder", "stop", reminder["id"].text])
        guard outcome.succeeded else { throw DeskFailure.command(outcome.error) }
        return .redirect("/desk/reminders?done=stopped")
    }

    static func pauseForm(_ call: DeskCall) throws -> DeskResult {
        guard let reminder = try visibleReminder(call) else { return .notFound }
        return pausePage(call, reminder, error: nil)
    }

    static func pausePage(_ call: DeskCall, _ reminder: JSONView, error: String?) -> DeskResult {
        let placed = error.map { AdminPageParts.placed($0, fields: ["from": "from", "until": "until"]) }
        func fieldError(_ field: String) -> String? { placed?.field == field ? placed?.text : nil }
        var body = AdminPageParts.paragraph(
            call.word("reminders", "pause-intro", ["name": reminder["name"].text, "text": reminder["text"].text]))
        var content = AdminPageParts.problem(placed?.field == nil ? placed?.text : nil)
        content.append(
            FormMarkup.field(
                "from", label: call.word("reminders", "from"), value: call.form["from"] ?? "", type: "date",
                error: fieldError("from"), required: true))
        content.append(
            FormMarkup.field(
                "until", label: call.word("reminders", "pause-until"), value: call.form["until"] ?? "", type: "date",
                error: fieldError("until"), required: true))
        body.append(
            FormMarkup.form(
                action: "/desk/reminders/\(reminder["id"].text)/pause", csrfToken: call.request.csrfToken,
                button: call.word("reminders", "pause-button"), content: content))
        return .page(
            DeskPage(
                title: call.word("reminders", "pause-title"), body: body, status: error == nil ? 200 : 422,
                section: "reminders"))
    }

    static func pause(_ call: DeskCall) throws -> DeskResult {
        guard let reminder = try visibleReminder(call) else { return .notFound }
        let outcome = call.run([
            "reminder", "pause", reminder["id"].text, "--from", call.form["from"] ?? "", "--until",
            call.form["until"] ?? "",
        ])
        guard outcome.succeeded else { return pausePage(call, reminder, error: outcome.error) }
        return .redirect("/desk/reminders?done=paused")
    }
}
