import MentorModel

/// CSV as we write it: `;`-separated (what Danish spreadsheets open directly), quoted where needed,
/// and safe to open: a cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR
/// at its start) gets a leading `'`, so a name typed as `=HYPERLINK(...)` stays text.
public enum CSVWriter {
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ";")
    }

    public static func field(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            text = "'" + text
        }
        guard text.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "," }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
