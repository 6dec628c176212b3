/// Text in HTML: the five characters that could end it escaped. Every value a page shows goes
/// through here (or through `Markup`, which calls it); only the page's own markup is raw.
public enum HTML {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

/// A page's body as it is written: raw markup from the page's code, every value escaped.
///
///     var body = Markup()
///     body.raw("<h1>")
///     body.text(pair.mentorName)
///     body.raw("</h1>")
public struct Markup: Sendable, CustomStringConvertible {
    public private(set) var html = ""

    public init() {}

    /// The page's own markup: never a value from the database, a form or the config.
    public mutating func raw(_ markup: String) {
        html += markup
    }

    /// A value, escaped.
    public mutating func text(_ value: String) {
        html += HTML.escape(value)
    }

    /// `<tag attr="value">escaped text</tag>`; attribute values are escaped too.
    public mutating func element(_ tag: String, _ attributes: [(String, String)] = [], text value: String) {
        open(tag, attributes)
        text(value)
        html += "</\(tag)>"
    }

    /// `<p class="…" role="…">escaped text</p>` and a line end: a page's sentence, a notice, a problem.
    public mutating func paragraph(_ value: String, class name: String? = nil, role: String? = nil) {
        var attributes: [(String, String)] = []
        if let name { attributes.append(("class", name)) }
        if let role { attributes.append(("role", role)) }
        element("p", attributes, text: value)
        html += "\n"
    }

    /// `<tag attr="value">` (attribute values escaped).
    public mutating func open(_ tag: String, _ attributes: [(String, String)] = []) {
        html += "<\(tag)"
        for (name, value) in attributes { html += " \(name)=\"\(HTML.escape(value))\"" }
        html += ">"
    }

    public mutating func close(_ tag: String) {
        html += "</\(tag)>"
    }

    public mutating func append(_ other: Markup) {
        html += other.html
    }

    public var description: String { html }
}
