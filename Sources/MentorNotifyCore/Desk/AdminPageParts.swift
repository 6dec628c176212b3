import Desk
import Foundation
import MentorModel
import MentorStore
import Scheduler

/// The parts the people, café, reminder, failed-message, import, report and audit pages share: a
/// table that stacks on a phone, a notice after a change, the command's error put next to its
/// field, and which people a leader may see.
enum AdminPageParts {
    /// One cell: its column's word (the label shown before it on a phone) and its markup.
    struct Cell {
        var label: String
        var html: Markup

        init(_ label: String, text: String) {
            self.label = label
            html = Markup()
            html.text(text)
        }

        init(_ label: String, html: Markup) {
            self.label = label
            self.html = html
        }
    }

    /// `<table class="list">` with a head and a body; on a phone each row is a block of labelled cells.
    static func table(_ headers: [String], _ rows: [[Cell]]) -> Markup {
        var html = Markup()
        html.raw("<table class=\"list\">\n<thead>\n<tr>")
        for header in headers { html.element("th", [("scope", "col")], text: header) }
        html.raw("</tr>\n</thead>\n<tbody>\n")
        for row in rows {
            html.raw("<tr>")
            for cell in row {
                html.open("td", cell.label.isEmpty ? [] : [("data-label", cell.label)])
                html.append(cell.html)
                html.raw("</td>")
            }
            html.raw("</tr>\n")
        }
        html.raw("</tbody>\n</table>\n")
        return html
    }

    /// `2026-12-08T16:00` as people write it: `2026-12-08 16:00`.
    static func when(_ text: String) -> String {
        text.replacingOccurrences(of: "T", with: " ")
    }

    static func link(_ path: String, _ text: String) -> Markup {
        var html = Markup()
        html.element("a", [("href", path)], text: text)
        return html
    }

    static func paragraph(_ text: String, class name: String? = nil) -> Markup {
        var html = Markup()
        html.paragraph(text, class: name)
        return html
    }

    static func heading(_ text: String) -> Markup {
        var html = Markup()
        html.element("h2", text: text)
        html.raw("\n")
        return html
    }

    /// The notice a page shows after a change it redirected to (`?done=KEY`): only a known key's word.
    static func notice(_ call: DeskCall, page: String, keys: [String]) -> Markup {
        guard let key = call.form["done"], keys.contains(key) else { return Markup() }
        var html = Markup()
        html.paragraph(call.word(page, "done-" + key), class: "notice", role: "status")
        return html
    }

    /// A refused command's error line split for the form: `phone: is not a phone number` goes next
    /// to the field the command names (`fields` maps the command's field to the form's), anything
    /// else above the form.
    static func placed(_ error: String, fields: [String: String]) -> (field: String?, text: String) {
        guard let colon = error.firstIndex(of: ":") else { return (nil, error) }
        let named = error[..<colon].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "--", with: "")
        guard let field = fields[named] else { return (nil, error) }
        return (field, error)
    }

    /// The problem above a form, when the command's error belongs to no one field.
    static func problem(_ text: String?) -> Markup {
        guard let text else { return Markup() }
        var html = Markup()
        html.paragraph(text, class: "problem", role: "alert")
        return html
    }

    /// A labelled checkbox.
    static func checkbox(_ name: String, value: String = "yes", label: String, checked: Bool = false) -> Markup {
        var html = Markup()
        html.raw("<div class=\"field\">\n")
        var attributes = [("type", "checkbox"), ("id", "f-\(name)-\(value)"), ("name", name), ("value", value)]
        if checked { attributes.append(("checked", "checked")) }
        html.open("input", attributes)
        html.raw(" ")
        html.element("label", [("for", "f-\(name)-\(value)"), ("class", "inline")], text: label)
        html.raw("\n</div>\n")
        return html
    }

    /// A form of hidden fields and one button (a row's action); `danger` for what erases or cancels.
    static func button(
        action: String, csrfToken: String, button: String, values: [(String, String)] = [], danger: Bool = false
    ) -> Markup {
        var html = Markup()
        html.open("form", [("method", "post"), ("action", action)])
        html.raw("\n" + FormMarkup.csrf(csrfToken))
        for (name, value) in values { html.open("input", [("type", "hidden"), ("name", name), ("value", value)]) }
        html.open("button", danger ? [("type", "submit"), ("class", "danger")] : [("type", "submit")])
        html.text(button)
        html.raw("</button>\n</form>\n")
        return html
    }

    /// The ids of the people `leader` may see: those in a forløb of one of their programs and those
    /// in none yet (as `DeskActions.sees(person:)`, for a whole list in one read).
    static func visiblePeople(_ call: DeskCall) throws -> Set<Int64> {
        let programs = Set(call.leader.programs)
        return try call.actions.withStore { store in
            var programsOf: [Int64: Set<String>] = [:]
            for relationship in try store.relationships() {
                programsOf[relationship.mentorID, default: []].insert(relationship.program)
                programsOf[relationship.menteeID, default: []].insert(relationship.program)
            }
            return Set(
                try store.people().map(\.id).filter { id in
                    guard let of = programsOf[id] else { return true }
                    return !of.isDisjoint(with: programs)
                })
        }
    }

    /// A program's name as the config gives it (its id when it has none).
    static func programName(_ call: DeskCall, _ id: String) -> String {
        guard let name = call.actions.config.programs.first(where: { $0.id == id })?.name, !name.isEmpty else {
            return id
        }
        return name
    }

    /// The leader's programs to choose among, by name.
    static func programOptions(_ call: DeskCall) -> [(value: String, text: String)] {
        call.leader.programs.map { ($0, programName(call, $0)) }
    }
}
