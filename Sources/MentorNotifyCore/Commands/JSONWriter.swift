import MentorModel

/// A JSON value for the `--json` outputs, written by hand: Foundation's JSONSerialization spends
/// most of a 100,000-row `plan --json` sorting keys through NSString.
/// Sendable said out loud: inferring it through `(String, JSON)` sends the compiler round in a circle.
enum JSON: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    /// Written rounded to four decimals (shares, averages, medians).
    case number(Double)
    case string(String)
    case array([JSON])
    /// Keys are written in the order given; callers give them sorted.
    case object([(String, JSON)])

    static func optional(_ value: String?) -> JSON { value.map { .string($0) } ?? .null }
    static func optional(_ value: Int64?) -> JSON { value.map { .int($0) } ?? .null }

    /// Pretty-printed with two spaces, like `JSONSerialization`'s `.prettyPrinted`.
    func write(into output: inout String, indent: Int = 0) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .int(let value): output += String(value)
        case .number(let value): output += value.isFinite ? String((value * 10_000).rounded() / 10_000) : "null"
        case .string(let value): JSON.escape(value, into: &output)
        case .array(let values):
            guard !values.isEmpty else {
                output += "[]"
                return
            }
            output += "[\n"
            for (index, value) in values.enumerated() {
                JSON.indent(indent + 2, into: &output)
                value.write(into: &output, indent: indent + 2)
                output += index == values.count - 1 ? "\n" : ",\n"
            }
            JSON.indent(indent, into: &output)
            output += "]"
        case .object(let members):
            guard !members.isEmpty else {
                output += "{}"
                return
            }
            output += "{\n"
            for (index, (key, value)) in members.enumerated() {
                JSON.indent(indent + 2, into: &output)
                JSON.escape(key, into: &output)
                output += " : "
                value.write(into: &output, indent: indent + 2)
                output += index == members.count - 1 ? "\n" : ",\n"
            }
            JSON.indent(indent, into: &output)
            output += "}"
        }
    }

    static func escape(_ text: String, into output: inout String) {
        JSONString.append(text, to: &output)
    }

    /// Appends `count` spaces: one string made once for each depth the outputs reach.
    static func indent(_ count: Int, into output: inout String) {
        if count < indents.count {
            output.append(indents[count])
        } else {
            output.append(String(repeating: " ", count: count))
        }
    }

    private static let indents = (0..<16).map { String(repeating: " ", count: $0) }
}

extension Output {
    /// Writes a JSON array, one element at a time, so a large output is never held whole: neither
    /// the text nor (given a lazy sequence) the values.
    func json<Elements: Sequence<JSON>>(array elements: Elements) {
        var chunk = ""
        var first = true
        for element in elements {
            chunk += first ? "[\n  " : ",\n  "
            first = false
            element.write(into: &chunk, indent: 2)
            if chunk.utf8.count > 1 << 16 {
                write(chunk)
                chunk = ""
            }
        }
        line(first ? "[]" : chunk + "\n]")
    }

    func json(_ value: JSON) {
        var text = ""
        value.write(into: &text)
        line(text)
    }
}
