import Desk
import HTTPServer
import MentorModel
import MentorStore
import Notifier
import Scheduler

/// One-click unsubscribe (RFC 8058, SPEC.md "The web endpoint"). `GET /u/TOKEN` shows a page with
/// one button and changes nothing (link checkers and previews open links); `POST /u/TOKEN` — the
/// button, or a mail client's `List-Unsubscribe=One-Click` — stops that program's email to that
/// person and says so. The token is the only authority: 128 random bits, one per message.
extension WebEndpoint {
    /// What the page says has happened.
    enum UnsubscribeOutcome {
        case ask, done, alreadyDone, unknownLink
    }

    func unsubscribe(_ request: HTTPRequest, token: Substring) -> HTTPResponse {
        guard request.method == "GET" || request.method == "HEAD" || request.method == "POST" else {
            return .refusal(405)
        }
        // A token we could have written: 32 lower-case hex digits.
        guard token.count == 32, token.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            return page(.unknownLink, language: .da, program: nil, status: 404)
        }
        let now = clock()
        return respondThroughCore { core throws -> HTTPResponse in
            let result = try core.unsubscribe(token: String(token), press: request.method == "POST", now: now)
            return page(
                result.outcome, language: result.language, program: result.program,
                status: result.outcome == .unknownLink ? 404 : 200)
        }
    }

    /// The page: small, readable on a phone, no script, no outside resource; the person's language.
    func page(_ outcome: UnsubscribeOutcome, language: Language, program: ProgramSettings?, status: Int = 200)
        -> HTTPResponse
    {
        let text: UnsubscribePage.Text
        do {
            text = try UnsubscribePage.text(
                outcome, language, program: program, on: config.zone.local(clock()).date, catalog: catalog)
        } catch {
            // Cannot happen with a loaded catalog: every word is checked when it loads.
            return .refusal(500)
        }
        var html = """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex">
            <title>\(HTML.escape(text.title))</title>
            <style>
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:1.5rem;
            background:#f6f5f2;color:#1d1d1b;line-height:1.5}
            main{max-width:32rem;margin:2rem auto;background:#fff;border-radius:.75rem;padding:1.5rem 1.5rem 2rem;
            box-shadow:0 1px 3px rgba(0,0,0,.12)}
            h1{font-size:1.4rem;margin:0 0 1rem}
            p{margin:0 0 1rem}
            button{font:inherit;font-size:1.1rem;width:100%;padding:.9rem 1rem;border:0;border-radius:.5rem;
            background:#1f5f8b;color:#fff;cursor:pointer}
            button:focus{outline:3px solid #f2b705;outline-offset:2px}
            </style>
            </head>
            <body>
            <main>
            <h1>\(HTML.escape(text.title))</h1>

            """
        for paragraph in text.paragraphs { html += "<p>\(HTML.escape(paragraph))</p>\n" }
        if let button = text.button {
            // Posts back to this same address; the field is what RFC 8058's one-click POST carries.
            html += """
                <form method="post">
                <input type="hidden" name="List-Unsubscribe" value="One-Click">
                <button type="submit">\(HTML.escape(button))</button>
                </form>

                """
        }
        html += "</main>\n</body>\n</html>\n"
        return HTTPResponse(
            status: status,
            headers: [
                ("Content-Type", "text/html; charset=utf-8"),
                (
                    "Content-Security-Policy",
                    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
                        + "base-uri 'none'"
                ),
                ("Referrer-Policy", "no-referrer"), ("X-Content-Type-Options", "nosniff"),
                ("Cache-Control", "no-store"), ("X-Robots-Tag", "noindex"),
            ], body: Array(html.utf8))
    }
}

/// The page's words, from the templates' `words.txt` (`[unsubscribe]`).
enum UnsubscribePage {
    struct Text {
        var title: String
        var paragraphs: [String]
        var button: String?
    }

    static func text(
        _ outcome: WebEndpoint.UnsubscribeOutcome, _ language: Language, program: ProgramSettings?, on day: LocalDate,
        catalog: TemplateCatalog
    ) throws -> Text {
        func word(_ name: String, _ language: Language = language, _ values: [String: String] = [:]) throws -> String {
            try catalog.word("unsubscribe", name, language, values: values)
        }
        let name = ["name": try program?.name ?? word("us")]
        switch outcome {
        case .ask:
            return Text(
                title: try word("ask-title", language, name),
                paragraphs: [try word("ask", language, name), try word("ask-sms")], button: try word("ask-button"))
        case .done, .alreadyDone:
            var paragraphs = [try word(outcome == .done ? "done" : "already", language, name)]
            // The contact is who leads the program today.
            if let contact = program?.contactPerson(on: day) {
                let how = [contact.phone.map(PhoneNumbers.written), contact.email].compactMap { $0 }.first ?? ""
                paragraphs.append(try word("regret", language, ["contact": contact.name, "how": how]))
            }
            return Text(title: try word("done-title"), paragraphs: paragraphs, button: nil)
        case .unknownLink:
            // We do not know whose link it is: the page speaks both languages.
            return Text(
                title: try word("unknown-title", .da),
                paragraphs: [try word("unknown", .da), try word("unknown", .en)],
                button: nil)
        }
    }
}
