extension Unicode.Scalar {
    /// A control character or a line separator: what must never reach a header or break a log
    /// line (C0 and C1 controls, DEL, U+2028, U+2029).
    package var isControlOrLineSeparator: Bool {
        value < 0x20 || value == 0x7F || (0x80..<0xA0).contains(value) || self == "\u{2028}" || self == "\u{2029}"
    }
}

extension String {
    /// The text on one line: every CR, LF, NUL and other control character becomes a space.
    ///
    /// Done on Unicode scalars: Foundation's `replacingOccurrences` compares with canonical
    /// equivalence and misses a line feed followed by a combining mark (found by `make fuzz`).
    public var singleLine: String {
        // Printable ASCII (ids, provider replies, most log values) is already one line.
        if utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return self }
        var scalars = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            scalars.append(scalar.isControlOrLineSeparator ? " " : scalar)
        }
        return String(scalars)
    }
}
