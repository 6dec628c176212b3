extension StringProtocol {
    /// Trims spaces and tabs (not line breaks, which validation must still see).
    package func trimmingSpaces() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" || first == "\u{00A0}" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\u{00A0}" { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
