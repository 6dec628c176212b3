import Desk
import Foundation
import MentorModel

/// Failed messages with "send again": `outbox --status failed --json` of the leader's programs, and
/// `outbox retry ID...` for one message or all of a program's. `--failed-since` is never used: it
/// takes every program's messages. A leader may retry only the failed messages of their programs.
enum FailedPages {
    static let routes = [
        DeskRoute("GET", "failed", list),
        DeskRoute("POST", "failed/retry", retry),
    ]

    typealias Cell = AdminPageParts.Cell

    /// The failed messages of the leader's programs (a message of no program, such as a sign-in
    /// link, is no leader's).
    static func failed(_ call: DeskCall) throws -> [JSONView] {
        try call.json(["outbox", "--status", "failed", "--json"]).array.filter {
            call.leader.programs.contains($0["program"].text)
        }
    }

    static func list(_ call: DeskCall) throws -> DeskResult {
        let messages = try failed(call)
        var body = AdminPageParts.notice(call, page: "failed", keys: ["retried"])
        if let left = call.form["left"], let count = Int(left), count > 0 {
            body.append(
                AdminPageParts.paragraph(call.word("failed", "left", ["count": String(count)]), class: "problem"))
        }
        guard !messages.isEmpty else {
            body.append(AdminPageParts.paragraph(call.word("failed", "none")))
            return .page(DeskPage(title: call.word("failed", "title"), body: body, section: "failed"))
        }
        body.append(AdminPageParts.paragraph(call.word("failed", "intro")))
        let headers = ["to", "channel", "about", "reason", "when", ""].map { $0.isEmpty ? "" : call.word("failed", $0) }
        for program in call.leader.programs {
            let own = messages.filter { $0["program"].text == program }
            guard !own.isEmpty else { continue }
            body.append(AdminPageParts.heading(AdminPageParts.programName(call, program)))
            body.append(
                AdminPageParts.table(
                    headers,
                    own.map { message in
                        [
                            Cell(headers[0], text: message["name"].text),
                            Cell(headers[1], text: call.word("people", "channel-" + message["channel"].text)),
                            Cell(headers[2], text: message["rule"].text),
                            Cell(headers[3], text: message["reason"].text),
                            Cell(headers[4], text: AdminPageParts.when(String(message["notBefore"].text.prefix(16)))),
                            Cell(
                                "",
                                html: AdminPageParts.button(
                                    action: "/desk/failed/retry", csrfToken: call.request.csrfToken,
                                    button: call.word("failed", "retry-button"), values: [("id", message["id"].text)])),
                        ]
                    }))
            if own.count > 1 {
                body.append(
                    AdminPageParts.button(
                        action: "/desk/failed/retry", csrfToken: call.request.csrfToken,
                        button: call.word("failed", "retry-all-button", ["count": String(own.count)]),
                        values: [("program", program)]))
            }
        }
        return .page(DeskPage(title: call.word("failed", "title"), body: body, section: "failed"))
    }

    /// `outbox retry ID...`: the ids asked for (`id`, or all of `program`), each a failed message of
    /// the leader's programs; anything else is not theirs to see (404).
    static func retry(_ call: DeskCall) throws -> DeskResult {
        let messages = try failed(call)
        let ids: [String]
        if let program = call.form["program"] {
            guard call.leader.programs.contains(program) else { return .notFound }
            ids = messages.filter { $0["program"].text == program }.map { $0["id"].text }
        } else {
            let theirs = Set(messages.map { $0["id"].text })
            ids = call.form.all("id")
            guard !ids.isEmpty, ids.allSatisfy(theirs.contains) else { return .notFound }
        }
        guard !ids.isEmpty else { return .redirect("/desk/failed") }
        let outcome = call.run(["outbox", "retry"] + ids)
        guard outcome.succeeded else { throw DeskFailure.command(outcome.error) }
        // The command names each message it left failed (its moment has passed) on stderr.
        let left = outcome.warnings.split(separator: "\n").filter { $0.contains("was not re-queued") }.count
        return .redirect("/desk/failed?done=retried" + (left > 0 ? "&left=\(left)" : ""))
    }
}
