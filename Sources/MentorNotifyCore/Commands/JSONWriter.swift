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

    /// Pretty-printed with two spaces, like `JSONSerialization`'s `.prettyPrinted`. Written as
    /// UTF-8 bytes: appending to a String checks and grows it piece by piece, several hundred
    /// instructions an append, and a large `plan --json` makes millions.
    func write(into output: inout [UInt8], indent: Int = 0) {
        switch self {
        case .null: JSONString.appendUTF8("null", to: &output)
        case .bool(let value): JSONString.appendUTF8(value ? "true" : "false", to: &output)
        case .int(let value): JSONString.appendUTF8(String(value), to: &output)
        case .number(let value):
            JSONString.appendUTF8(value.isFinite ? String((value * 10_000).rounded() / 10_000) : "null", to: &output)
        case .string(let value): JSON.escape(value, into: &output)
        case .array(let values):
            guard !values.isEmpty else {
                JSONString.appendUTF8("[]", to: &output)
                return
            }
            JSONString.appendUTF8("[\n", to: &output)
            for (index, value) in values.enumerated() {
                JSON.indent(indent + 2, into: &output)
                value.write(into: &output, indent: indent + 2)
                JSONString.appendUTF8(index == values.count - 1 ? "\n" : ",\n", to: &output)
            }
            JSON.indent(indent, into: &output)
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            guard !members.isEmpty else {
                JSONString.appendUTF8("{}", to: &output)
                return
            }
            JSONString.appendUTF8("{\n", to: &output)
            for (index, (key, value)) in members.enumerated() {
                JSON.indent(indent + 2, into: &output)
                JSON.escape(key, into: &output)
                JSONString.appendUTF8(" : ", to: &output)
                value.write(into: &output, indent: indent + 2)
                JSONString.appendUTF8(index == members.count - 1 ? "\n" : ",\n", to: &output)
            }
            JSON.indent(indent, into: &output)
            output.append(UInt8(ascii: "}"))
        }
    }

    static func escape(_ text: String, into output: inout [UInt8]) {
        JSONString.append(text, to: &output)
    }

    static func indent(_ count: Int, into output: inout [UInt8]) {
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count))
    }
}

extension Output {
    /// Writes a JSON array, one element at a time, so a large output is never held whole: neither
    /// the text nor (given a lazy sequence) the values.
    func json<Elements: Sequence<JSON>>(array elements: Elements) {
        var chunk: [UInt8] = []
        chunk.reserveCapacity(1 << 17)
        var first = true
        for element in elements {
            JSONString.appendUTF8(first ? "[\n  " : ",\n  ", to: &chunk)
            first = false
            element.write(into: &chunk, indent: 2)
            if chunk.count > 1 << 16 {
                write(String(decoding: chunk, as: UTF8.self))
                chunk.removeAll(keepingCapacity: true)
            }
        }
        JSONString.appendUTF8(first ? "[]" : "\n]", to: &chunk)
        line(String(decoding: chunk, as: UTF8.self))
    }

    func json(_ value: JSON) {
        var text: [UInt8] = []
        value.write(into: &text)
        line(String(decoding: text, as: UTF8.self))
    }
}
