/// What an IMAP server answers to STATUS and UID SEARCH, read in one pass over the bytes (the
/// answer is already held to the mailbox's response limit). A number is RFC 3501's 32-bit
/// `nz-number` or nothing, so no arithmetic on a server's number can overflow.
public enum IMAPAnswer {
    static let maxNumber = Int64(UInt32.max)

    /// The number after the first `word ` (`UIDVALIDITY 1718000000`), or nil.
    public static func number(after word: String, in answer: [UInt8]) -> Int64? {
        let needle = Array((word + " ").utf8)
        guard !needle.isEmpty, answer.count >= needle.count else { return nil }
        for start in 0...(answer.count - needle.count) where answer[start] == needle[0] {
            // `word` is a few bytes: comparing at each start stays linear in the answer.
            if answer[start..<start + needle.count].elementsEqual(needle) {
                return number(answer[(start + needle.count)...].prefix { isDigit($0) })
            }
        }
        return nil
    }

    /// The UIDs in the `* SEARCH` lines greater than `uid`, ascending, each once.
    public static func searchUIDs(_ answer: [UInt8], after uid: Int64) -> [Int64] {
        let prefix = Array("* SEARCH".utf8)
        var found = Set<Int64>()
        for line in answer.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        where line.starts(with: prefix) {
            for word in line.dropFirst(prefix.count).split(whereSeparator: { $0 == 32 || $0 == 13 }) {
                if let value = number(word), value > uid { found.insert(value) }
            }
        }
        return found.sorted()
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) }

    /// 1 to 10 ASCII digits within 32 bits, else nil.
    private static func number(_ digits: ArraySlice<UInt8>) -> Int64? {
        guard (1...10).contains(digits.count), digits.allSatisfy(isDigit) else { return nil }
        let value = digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - 48) }
        return value <= maxNumber ? value : nil
    }
}
