public import MentorModel

/// Apart from `MailThread` because it needs the language: the MIME fuzz target compiles that file
/// on its own (scripts/module-sources.sh).
extension MailThread {
    /// `SV: Subject` (Danish) or `Re: Subject` (English); a subject that already starts with `Re:`,
    /// `SV:` or `AW:` is kept as it is, so that answers do not pile up prefixes.
    public static func replySubject(_ subject: String, language: Language) -> String {
        let lowered = subject.prefix(3).lowercased()
        if ["re:", "sv:", "aw:"].contains(lowered) { return subject }
        return (language == .en ? "Re: " : "SV: ") + subject
    }
}
