import Desk
import Foundation
import MentorModel

/// Café evenings: `cafe list --program P` for each of the leader's programs, `cafe add` and
/// `cafe cancel` (after a confirmation).
enum CafePages {
    static let routes = [
        DeskRoute("GET", "cafes", list),
        DeskRoute("POST", "cafes/new", add),
        DeskRoute("GET", "cafes/cancel", cancelForm),
        DeskRoute("POST", "cafes/cancel", cancel),
    ]

    typealias Cell = AdminPageParts.Cell

    static func list(_ call: DeskCall) throws -> DeskResult {
        try page(call, values: call.form, error: nil)
    }

    /// The evenings of each program and the form for a new one (with the leader's values and the
    /// command's error after a refusal).
    static func page(_ call: DeskCall, values: Form, error: String?) throws -> DeskResult {
        var body = AdminPageParts.notice(call, page: "cafes", keys: ["added", "cancelled"])
        let headers = ["when", "place", "kind", "status", ""].map { $0.isEmpty ? "" : call.word("cafes", $0) }
        for program in call.leader.programs {
            let evenings = try call.json(["cafe", "list", "--program", program, "--json"]).array
            body.append(AdminPageParts.heading(AdminPageParts.programName(call, program)))
            guard !evenings.isEmpty else {
                body.append(AdminPageParts.paragraph(call.word("cafes", "none")))
                continue
            }
            body.append(
                AdminPageParts.table(
                    headers,
                    evenings.map { evening in
                        let at = evening["at"].text
                        let cancelled = evening["cancelled"].bool == true
                        var action = Markup()
                        if !cancelled {
                            action = AdminPageParts.link(
                                "/desk/cafes/cancel?program=\(query(program))&at=\(query(at))",
                                call.word("cafes", "cancel-link"))
                        }
                        return [
                            Cell(headers[0], text: AdminPageParts.when(at)),
                            Cell(headers[1], text: evening["place"].text),
                            Cell(headers[2], text: call.word("cafes", "kind-" + evening["kind"].text)),
                            Cell(headers[3], text: call.word("cafes", cancelled ? "cancelled" : "planned")),
                            Cell("", html: action),
                        ]
                    }))
        }
        body.append(AdminPageParts.heading(call.word("cafes", "add-title")))
        let placed = error.map {
            AdminPageParts.placed($0, fields: ["at": "date", "program": "program", "place": "place"])
        }
        func fieldError(_ field: String) -> String? { placed?.field == field ? placed?.text : nil }
        var content = AdminPageParts.problem(placed?.field == nil ? placed?.text : nil)
        if call.leader.programs.count > 1 {
            content.append(
                FormMarkup.select(
                    "program", label: call.word("cafes", "program"), options: AdminPageParts.programOptions(call),
                    selected: values["program"], error: fieldError("program")))
        } else if let program = call.leader.programs.first {
            content.open("input", [("type", "hidden"), ("name", "program"), ("value", program)])
            content.raw("\n")
        }
        content.append(
            FormMarkup.field(
                "date", label: call.word("cafes", "date"), value: values["date"] ?? "", type: "date",
                error: fieldError("date"),
                required: true))
        content.append(
            FormMarkup.field(
                "time", label: call.word("cafes", "time"), value: values["time"] ?? "", type: "time", required: true))
        content.append(
            FormMarkup.field(
                "place", label: call.word("cafes", "place"), value: values["place"] ?? "", error: fieldError("place")))
        if !call.leader.programs.isEmpty {
            body.append(
                FormMarkup.form(
                    action: "/desk/cafes/new", csrfToken: call.request.csrfToken,
                    button: call.word("cafes", "add-button"),
                    content: content))
        }
        return .page(
            DeskPage(title: call.word("cafes", "title"), body: body, status: error == nil ? 200 : 422, section: "cafes")
        )
    }

    /// A value in a query: what is not a letter, digit or `-_.` as `%XX`.
    static func query(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 15)])
            }
        }
        return out
    }

    /// The program of the form when it is one of the leader's; nil answers 404.
    static func program(_ call: DeskCall) -> String? {
        guard let program = call.form["program"], call.leader.programs.contains(program) else { return nil }
        return program
    }

    static func add(_ call: DeskCall) throws -> DeskResult {
        guard let program = program(call) else { return .notFound }
        var words = [
            "cafe", "add", "--program", program, "--at",
            (call.form["date"] ?? "").trimmingSpaces() + "T" + (call.form["time"] ?? "").trimmingSpaces(),
        ]
        if let place = call.form.given("place") { words += ["--place", place] }
        let outcome = call.run(words)
        guard outcome.succeeded else { return try page(call, values: call.form, error: outcome.error) }
        return .redirect("/desk/cafes?done=added")
    }

    /// The confirmation: which evening, and that those invited are told.
    static func cancelForm(_ call: DeskCall) throws -> DeskResult {
        guard let program = program(call), let at = call.form["at"] else { return .notFound }
        let name = AdminPageParts.programName(call, program)
        let when = AdminPageParts.when(at)
        var body = AdminPageParts.paragraph(call.word("cafes", "cancel-intro", ["program": name, "when": when]))
        body.append(
            AdminPageParts.button(
                action: "/desk/cafes/cancel", csrfToken: call.request.csrfToken,
                button: call.word("cafes", "cancel-button"),
                values: [("program", program), ("at", at)], danger: true))
        body.raw("<p>")
        body.append(AdminPageParts.link("/desk/cafes", call.word("cafes", "cancel-back")))
        body.raw("</p>\n")
        return .page(DeskPage(title: call.word("cafes", "cancel-title"), body: body, section: "cafes"))
    }

    static func cancel(_ call: DeskCall) throws -> DeskResult {
        guard let program = program(call), let at = call.form["at"] else { return .notFound }
        let outcome = call.run(["cafe", "cancel", "--program", program, "--at", at])
        guard outcome.succeeded else { throw DeskFailure.command(outcome.error) }
        return .redirect("/desk/cafes?done=cancelled")
    }
}
