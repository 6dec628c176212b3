import Foundation
import MentorModel

/// CSV as we write it, for Danish Excel to open as it is: a UTF-8 BOM (without it Excel reads the
/// bytes as Windows-1252 and "Søren" becomes "SÃ¸ren"), `;` between cells (Danish Excel's list
/// separator), decimals with a comma, quoted where needed, and safe to open: a cell that a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at its start) gets a leading
/// `'`, so a name typed as `=HYPERLINK(...)` stays text.
public enum CSVWriter {
    public static let byteOrderMark = "\u{FEFF}"

    /// A whole file: the BOM, the header and the rows, each line ending in a line break.
    public static func document(header: [String], rows: [[String]]) -> String {
        var text = byteOrderMark + line(header) + "\n"
        for row in rows { text += line(row) + "\n" }
        return text
    }

    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ";")
    }

    /// A decimal number as Danish Excel reads one: `1,5`. In a `;` file the comma needs no quotes.
    public static func decimal(_ value: Double, fractionDigits: Int = 1) -> String {
        let fractionDigits = max(0, min(fractionDigits, 6))
        let scale = (0..<fractionDigits).reduce(1.0) { product, _ in product * 10 }
        let scaled = (abs(value) * scale).rounded()
        // Beyond 2^53 a Double holds no fraction (and Int() would trap); no count of ours gets there.
        guard value.isFinite, scaled < 9e15 else { return "" }
        let whole = Int(scaled / scale)
        let fraction = Int(scaled) - whole * Int(scale)
        let sign = value < 0 && scaled > 0 ? "-" : ""
        guard fractionDigits > 0 else { return sign + String(whole) }
        let digits = String(fraction)
        return sign + String(whole) + "," + String(repeating: "0", count: fractionDigits - digits.count) + digits
    }

    public static func field(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            text = "'" + text
        }
        guard text.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "," }),
            !isDecimal(text)
        else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `1,5`: a number as `decimal` writes it, left unquoted so that it reads as a number anywhere.
    /// (A negative one keeps the formula guard: a leading `-` is where formulas hide.)
    static func isDecimal(_ text: String) -> Bool {
        let parts = text.unicodeScalars.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { ("0"..."9").contains($0) } }
    }
}
