import Desk
import MentorModel

/// The start page: `attention`, the pairs that need a look, most urgent first, for the leader's
/// programs only.
enum AttentionPages {
    static let routes = [DeskRoute("GET", "", start)]

    static func start(_ call: DeskCall) throws -> DeskResult {
        var body = Markup()
        var items: [JSONView] = []
        for program in call.leader.programs {
            items += try call.json(["attention", "--program", program, "--json"]).array
        }
        if items.isEmpty {
            body.raw("<p class=\"notice\">")
            body.text(call.word("attention", "none"))
            body.raw("</p>\n")
        } else {
            body.raw("<ul class=\"attention\">\n")
            for item in items {
                body.raw("<li class=\"card\">")
                body.text(item.text)
                body.raw("</li>\n")
            }
            body.raw("</ul>\n")
        }
        return .page(DeskPage(title: call.word("attention", "title"), body: body, section: "attention"))
    }
}
