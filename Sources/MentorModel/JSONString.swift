/// JSON text written by hand: the SMS gateways' request bodies (Transport) and the commands' JSON
/// output (MentorNotifyCore) share it, so it lives with the other text helpers.
public enum JSONString {
    /// A JSON string literal (for request bodies we build by hand).
    public static func literal(_ text: String) -> String {
        // Most values need no escaping: take them whole.
        guard needsEscaping(text) else { return "\"" + text + "\"" }
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let digits = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }

    /// Appends `text` as a JSON string literal, in UTF-8, to `output`.
    public static func append(_ text: String, to output: inout [UInt8]) {
        // Most values need no escaping: their bytes are copied as they are.
        guard needsEscaping(text) else {
            output.append(UInt8(ascii: "\""))
            appendUTF8(text, to: &output)
            output.append(UInt8(ascii: "\""))
            return
        }
        appendUTF8(literal(text), to: &output)
    }

    /// Appends the UTF-8 of `text` in one copy (`output += text.utf8` goes byte by byte).
    public static func appendUTF8(_ text: String, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { output.append(contentsOf: $0) }
    }

    /// Whether `literal(text)` differs from `text` in quotes.
    public static func needsEscaping(_ text: String) -> Bool {
        func special(_ byte: UInt8) -> Bool { byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") }
        // Native strings are contiguous UTF-8: a plain loop over the bytes, not the view's iterator.
        return text.utf8.withContiguousStorageIfAvailable { $0.contains(where: special) }
            ?? text.utf8.contains(where: special)
    }
}
