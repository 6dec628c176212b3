/// What a person wrote, as it is shown to the leaders in a forward: set apart as their words, and
/// with nothing a mail program would make into a link.
public enum ForwardText {
    /// The marker before each of the sender's lines. Not `>`: mail programs fold quoted text away.
    public static let marker = "| "

    /// The lines, each marked as the sender's and unlinked.
    public static func setApart(_ lines: [String]) -> String {
        lines.map { marker + unlinked($0) }.joined(separator: "\n")
    }

    /// `https://example.dk/login` → `https[:]//example[.]dk/login`. A forward is plain text, and
    /// mail programs turn anything that looks like an address, a host name or a URL into a link
    /// (`example.dk`, `www.x.dk`, `a@b.dk`, `https://…`): we never make what a stranger wrote
    /// clickable under our name. A bracketed dot still reads as a dot to a person, and no mail
    /// program links it. Only a dot between a letter or digit and a letter is bracketed, so
    /// "3.5 timer" and "kl. 8." stay as they were; the full-width dots some programs read as dots too.
    public static func unlinked(_ text: String) -> String {
        let characters = Array(text)
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for (index, character) in characters.enumerated() {
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            let previous = index > 0 ? characters[index - 1] : nil
            if dots.contains(character), previous.map(isWordCharacter) == true, next?.isLetter == true {
                output += "[.]"
            } else if character == ":", next == "/", index + 2 < characters.count, characters[index + 2] == "/" {
                output += "[:]"
            } else {
                output.append(character)
            }
        }
        return output
    }

    static let dots: Set<Character> = [".", "\u{3002}", "\u{FF0E}", "\u{FF61}"]

    static func isWordCharacter(_ character: Character) -> Bool { character.isLetter || character.isNumber }
}
