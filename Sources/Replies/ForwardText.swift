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
        // Invisible format characters (a soft hyphen, a zero-width space, a bidi override) would
        // stand between a dot and its letters while a reader sees `www.evil.com` and a browser's
        // IDNA mapping drops them: they go. The joiners stay (emoji and scripts need them): they
        // belong to the character before them, and a dot is known by its first scalar.
        let characters = Array(
            String(String.UnicodeScalarView(text.unicodeScalars.filter { !isInvisibleFormat($0) })))
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for (index, character) in characters.enumerated() {
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            let previous = index > 0 ? characters[index - 1] : nil
            if isDot(character), previous.map(isWordCharacter) == true, next?.isLetter == true {
                output += "[.]"
            } else if character == ":", next == "/", index + 2 < characters.count, characters[index + 2] == "/" {
                output += "[:]"
            } else {
                output.append(character)
            }
        }
        return output
    }

    /// The dots IDNA reads as a dot (UTS #46), the one-dot leader and small full stop included.
    static let dots: Set<Unicode.Scalar> = [".", "\u{2024}", "\u{3002}", "\u{FE52}", "\u{FF0E}", "\u{FF61}"]

    static func isDot(_ character: Character) -> Bool {
        character.unicodeScalars.first.map(dots.contains) == true
    }

    static func isInvisibleFormat(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .format && scalar != "\u{200C}" && scalar != "\u{200D}"
    }

    static func isWordCharacter(_ character: Character) -> Bool { character.isLetter || character.isNumber }
}
