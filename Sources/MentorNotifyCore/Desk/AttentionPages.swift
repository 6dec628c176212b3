import Desk
import MentorModel
import Scheduler

/// The start page: `attention`, the pairs that need a look, most urgent first (the command's
/// order), for the leader's programs only, each with the pair's names, why in plain words and
/// since when, linked to the pair's page.
enum AttentionPages {
    static let routes = [DeskRoute("GET", "", start)]

    static func start(_ call: DeskCall) throws -> DeskResult {
        let items = try call.json(["attention", "--json"]).array.filter {
            call.leader.programs.contains($0["program"].text)
        }
        var body = Markup()
        guard !items.isEmpty else {
            body.paragraph(call.word("attention", "none"), class: "notice")
            return .page(DeskPage(title: call.word("attention", "title"), body: body, section: "attention"))
        }
        // The end dates of the pairs that end soon: `attention` gives since when it is soon.
        var ends: [Int64: String] = [:]
        if items.contains(where: { $0["reason"].text == AttentionReason.endsSoon.rawValue }) {
            for pair in try call.json(["forloeb", "list", "--json"]).array {
                guard let id = pair["id"].int else { continue }
                ends[id] = (pair["endedOn"].isNull ? pair["plannedEnd"] : pair["endedOn"]).text
            }
        }
        body.raw("<p>")
        body.text(call.word("attention", "intro", ["count": String(items.count)]))
        body.raw("</p>\n<ul class=\"attention\">\n")
        for item in items {
            let id = item["relationship"].text
            body.raw("<li class=\"card\">\n<p class=\"pair\">")
            body.element(
                "a", [("href", "/desk/pairs/\(id)")],
                text: call.word("pairs", "names", ["mentor": item["mentor"].text, "mentee": item["mentee"].text]))
            if call.leader.programs.count > 1 {
                body.raw(" <small>")
                body.text(PairPages.programName(call, item["program"].text))
                body.raw("</small>")
            }
            body.raw("</p>\n<p>")
            body.text(why(call, item, end: item["relationship"].int.flatMap { ends[$0] }))
            body.raw("</p>\n")
            if !item["since"].isNull, !sinceInWhy.contains(item["reason"].text) {
                body.raw("<p class=\"since\">")
                body.text(
                    call.word("attention", "since", ["date": DeskDates.written(item["since"].text, call.language)]))
                body.raw("</p>\n")
            }
            body.raw("</li>\n")
        }
        body.raw("</ul>\n")
        return .page(DeskPage(title: call.word("attention", "title"), body: body, section: "attention"))
    }

    /// The reasons whose words say the date already (the month below target, the end).
    static let sinceInWhy: Set<String> = [AttentionReason.endsSoon.rawValue, AttentionReason.belowTarget.rawValue]

    /// The reason in the desk's words (the command's `why` is English for the terminal).
    static func why(_ call: DeskCall, _ item: JSONView, end: String?) -> String {
        let reason = AttentionReason(rawValue: item["reason"].text)
        let role = item["role"].text
        let person = ["mentor", "mentee"].contains(role) ? role : "person"
        var values = [
            "who": call.word("attention", "who-" + person), "whom": call.word("attention", "whom-" + person),
        ]
        if let since = LocalDate(item["since"].text) {
            values["month"] = DeskDates.month(since.yearMonth, call.language)
        }
        values["date"] = end.map { DeskDates.written($0, call.language) } ?? ""
        guard let reason else { return call.word("attention", "reason-other") }
        return call.word("attention", "reason-" + reason.rawValue, values)
    }
}
