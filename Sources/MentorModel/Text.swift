extension StringProtocol {
    /// Trims spaces and tabs (not line breaks, which validation must still see).
    package func trimmingSpaces() -> String {
        var scalars = Substring(self).unicodeScalars[...]
        while let first = scalars.first, first == " " || first == "\t" || first == "\u{00A0}" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\u{00A0}" { scalars.removeLast() }
        // The bytes copied at once: rebuilding a String a scalar at a time cost more than the trimming.
        return String(Substring(scalars))
    }
}

/// Bytes as lowercase hexadecimal, two digits each: how digests are stored and compared.
package enum Hex {
    package static func lowercase(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

/// Names as the texts use them.
public enum PersonName {
    /// "Amira" of "Amira Hansen": how people who know each other are named.
    public static func first(_ name: String) -> String {
        // The first word without splitting them all, by bytes (a space is one byte in UTF-8, never
        // inside another character's): planning asks for every pair.
        let bytes = name.utf8
        guard let start = bytes.firstIndex(where: { $0 != UInt8(ascii: " ") }) else { return name }
        let end = bytes[start...].firstIndex(of: UInt8(ascii: " ")) ?? bytes.endIndex
        return start == bytes.startIndex && end == bytes.endIndex ? name : String(name[start..<end])
    }
}
