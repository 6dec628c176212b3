import MentorModel
import Testing

/// A digest's fields are single lines: every line break and the field separator become a space,
/// whether the field is checked byte by byte (most are) or character by character.
@Suite struct TextLinesTests {
    /// The rule as it was written before the byte check: every character looked at.
    static func reference(_ fields: [String]) -> String {
        fields.map { field in String(field.map { $0.isNewline || $0 == "\u{1F}" ? " " : $0 }) }
            .joined(separator: "\u{1F}")
    }

    @Test func everyLineBreakAndTheSeparatorBecomeASpace() {
        let breaks = ["\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}", "\u{1F}"]
        for line in breaks {
            let fields = ["Søren\(line)Mikkelsen", "\(line)", "Amira Hansen\(line)", "135"]
            let record = TextLines.record(fields)
            #expect(record == Self.reference(fields), "\(line.unicodeScalars.map(\.value))")
            #expect(TextLines.records(record) == [fields.map { Self.reference([$0]) }])
        }
    }

    @Test func fieldsWithoutABreakAreKeptAsTheyAre() {
        // Letters whose bytes begin as a line break's do (U+00C5 "Å" is C3 85, "¨" is C2 A8, U+2027
        // is E2 80 A7) and a combining mark: none of them is a line break.
        let fields = ["Åse Ærø", "¨", "a\u{2027}b", "e\u{301}", "", "Nguyễn Thị Ánh"]
        #expect(TextLines.record(fields) == Self.reference(fields))
        #expect(TextLines.records(TextLines.record(fields)) == [fields])
    }
}
