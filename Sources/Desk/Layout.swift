public import HTTPServer
public import MentorModel

/// The frame of every desk page and the headers of every desk answer (SPEC.md "The leader's desk":
/// not cached, not framed, the strict CSP, no script).
public enum Layout {
    /// The nav: each section's path and its word in `[nav]`.
    public static let sections: [(section: String, path: String)] = [
        ("attention", "/desk/"), ("pairs", "/desk/pairs"), ("people", "/desk/people"), ("cafes", "/desk/cafes"),
        ("reminders", "/desk/reminders"), ("failed", "/desk/failed"), ("import", "/desk/import"),
        ("reports", "/desk/reports"), ("audit", "/desk/audit"),
    ]

    public static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// The headers every desk answer carries. `Referrer-Policy: same-origin`, not `no-referrer`:
    /// under `no-referrer` browsers send `Origin: null` with a form's POST (Fetch, "serializing a
    /// request origin"), and the desk refuses every POST whose `Origin` is not its own. Other sites
    /// still get no referrer (a sign-in link's token never leaves).
    public static func headers(contentType: String) -> [(String, String)] {
        [
            ("Content-Type", contentType), ("Content-Security-Policy", contentSecurityPolicy),
            ("Cache-Control", "no-store"), ("X-Frame-Options", "DENY"), ("Referrer-Policy", "same-origin"),
            ("X-Content-Type-Options", "nosniff"), ("X-Robots-Tag", "noindex"),
        ]
    }

    /// A whole page: `leader` nil for the sign-in pages (no nav, no "Log ud").
    public static func document(
        _ page: DeskPage, language: Language, words: DeskWords, leader: DeskLeader?, csrfToken: String?
    ) -> HTTPResponse {
        var html = Markup()
        html.raw("<!DOCTYPE html>\n<html lang=\"\(language.rawValue)\">\n<head>\n<meta charset=\"utf-8\">\n")
        html.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        html.raw("<meta name=\"robots\" content=\"noindex\">\n<title>")
        html.text(page.title + " · " + words("nav", "desk", language))
        html.raw("</title>\n<link rel=\"stylesheet\" href=\"/desk/style.css\">\n</head>\n<body>\n")
        if let leader, let csrfToken {
            html.raw("<header>\n<nav aria-label=\"")
            html.text(words("nav", "label", language))
            html.raw("\">\n<ul>\n")
            for (section, path) in sections {
                html.raw(section == page.section ? "<li><a aria-current=\"page\" href=\"" : "<li><a href=\"")
                html.text(path)
                html.raw("\">")
                html.text(words("nav", section, language))
                html.raw("</a></li>\n")
            }
            html.raw("</ul>\n</nav>\n<form class=\"logout\" method=\"post\" action=\"/desk/logout\">\n")
            html.raw(FormMarkup.csrf(csrfToken))
            html.raw("<span>")
            html.text(leader.name)
            html.raw("</span> <button type=\"submit\">")
            html.text(words("nav", "logout", language))
            html.raw("</button>\n</form>\n</header>\n")
        }
        html.raw("<main>\n<h1>")
        html.text(page.title)
        html.raw("</h1>\n")
        html.append(page.body)
        html.raw("\n</main>\n</body>\n</html>\n")
        return HTTPResponse(
            status: page.status, headers: headers(contentType: "text/html; charset=utf-8"), body: Array(html.html.utf8))
    }
}
