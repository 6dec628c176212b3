/// JSON text written by hand: the SMS gateways' request bodies (Transport) and the commands' JSON
/// output (MentorNotifyCore) share it, so it lives with the other text helpers.
public enum JSONString {
    /// A JSON string literal (for request bodies we build by hand).
    public static func literal(_ text: String) -> String {
        // Most values need no escaping: take them whole.
        if !text.utf8.contains(where: escaped) {
            return "\"" + text + "\""
        }
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

    /// `literal(text)` appended to a body built as bytes, the bytes of a value that needs no
    /// escaping copied as they are.
    public static func append(_ text: String, to body: inout [UInt8]) {
        if text.utf8.contains(where: escaped) {
            body += literal(text).utf8
            return
        }
        body.append(UInt8(ascii: "\""))
        body += text.utf8
        body.append(UInt8(ascii: "\""))
    }

    private static func escaped(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }
}
