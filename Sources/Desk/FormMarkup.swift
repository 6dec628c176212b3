/// The parts of a desk form, written the same way on every page: a label on every field, the error
/// next to the field it is about (SPEC.md: usable at 390 px, a label on every field).
public enum FormMarkup {
    /// The name of the hidden field that carries the session's CSRF token.
    public static let csrfField = "csrf"

    public static func csrf(_ token: String) -> String {
        "<input type=\"hidden\" name=\"\(csrfField)\" value=\"\(HTML.escape(token))\">\n"
    }

    /// A labelled input; `error` (escaped) is shown under it and tied to it by `aria-describedby`.
    public static func field(
        _ name: String, label: String, value: String = "", type: String = "text", error: String? = nil,
        required: Bool = false, hint: String? = nil
    ) -> Markup {
        var html = Markup()
        html.raw("<div class=\"field\">\n<label for=\"f-\(HTML.escape(name))\">")
        html.text(label)
        html.raw("</label>\n")
        if let hint {
            html.raw("<small id=\"h-\(HTML.escape(name))\">")
            html.text(hint)
            html.raw("</small>\n")
        }
        var attributes = [("type", type), ("id", "f-\(name)"), ("name", name), ("value", value)]
        if required { attributes.append(("required", "required")) }
        let described = [hint.map { _ in "h-\(name)" }, error.map { _ in "e-\(name)" }].compactMap { $0 }
        if !described.isEmpty { attributes.append(("aria-describedby", described.joined(separator: " "))) }
        if error != nil { attributes.append(("aria-invalid", "true")) }
        html.open("input", attributes)
        html.raw("\n")
        html.append(errorAndEnd(name, error))
        return html
    }

    /// A labelled choice among `options` (value, shown text).
    public static func select(
        _ name: String, label: String, options: [(value: String, text: String)], selected: String? = nil,
        error: String? = nil
    ) -> Markup {
        var html = Markup()
        html.raw("<div class=\"field\">\n<label for=\"f-\(HTML.escape(name))\">")
        html.text(label)
        html.raw("</label>\n")
        var attributes = [("id", "f-\(name)"), ("name", name)]
        if error != nil { attributes += [("aria-invalid", "true"), ("aria-describedby", "e-\(name)")] }
        html.open("select", attributes)
        html.raw("\n")
        for option in options {
            var optionAttributes = [("value", option.value)]
            if option.value == selected { optionAttributes.append(("selected", "selected")) }
            html.element("option", optionAttributes, text: option.text)
            html.raw("\n")
        }
        html.raw("</select>\n")
        html.append(errorAndEnd(name, error))
        return html
    }

    /// The field's error (tied to it by its id) and the end of the field's `<div>`.
    private static func errorAndEnd(_ name: String, _ error: String?) -> Markup {
        var html = Markup()
        if let error {
            html.raw("<p class=\"error\" id=\"e-\(HTML.escape(name))\">")
            html.text(error)
            html.raw("</p>\n")
        }
        html.raw("</div>\n")
        return html
    }

    /// A form that posts to `action` with the CSRF token, holding `content`, and one button.
    public static func form(action: String, csrfToken: String, button: String, content: Markup = Markup()) -> Markup {
        var html = Markup()
        html.open("form", [("method", "post"), ("action", action)])
        html.raw("\n" + csrf(csrfToken))
        html.append(content)
        html.raw("<button type=\"submit\">")
        html.text(button)
        html.raw("</button>\n</form>\n")
        return html
    }
}
