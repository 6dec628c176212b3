extension String {
    /// The text on one line: every CR, LF, NUL and other control character becomes a space.
    ///
    /// Done on Unicode scalars: Foundation's `replacingOccurrences` compares with canonical
    /// equivalence and misses a line feed followed by a combining mark (found by `make fuzz`).
    public var singleLine: String {
        var scalars = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            let control =
                scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                || scalar == "\u{2028}" || scalar == "\u{2029}"
            scalars.append(control ? " " : scalar)
        }
        return String(scalars)
    }
}
