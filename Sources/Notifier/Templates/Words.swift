import Foundation
public import MentorModel

/// Words that code puts into a text's values — what a reply answered, a calendar's answer, a
/// channel's name — kept with the texts (`DIR/LANG/words.txt`) so that all wording is in templates.
/// Sections `[group]` of `name = text` lines; a text may hold its group's variables (`wordVariables`).
extension TemplateCatalog {
    struct WordKey: Hashable {
        var language: Language
        var group: String
        var name: String
    }

    /// The rules a leader's forward names in words; any other is `about.other`.
    public static let rulesInWords: [Rule] = [
        .monthlyHours, .contactNudge, .firstMeeting, .afterFirstMeeting, .evaluation, .evaluationReminder,
        .cafeInvite, .meetingReminder, .agendaReminder, .endNotice, .end, .recurring, .meetingUpdate, .meetingCancel,
        .cafeCancel,
    ]

    /// Every word the code asks for, by group: each must be in every language's `words.txt`.
    static let requiredWords: [String: Set<String>] = [
        "about": Set(rulesInWords.map(\.rawValue) + ["other"]),
        "partstat": ["ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED"],
        "calendar": ["answer"],
        "channel": [Channel.email.rawValue, Channel.sms.rawValue],
        "reply": ["empty"],
        "unsubscribe": [
            "us", "ask-title", "ask", "ask-sms", "ask-button", "done-title", "done", "already", "regret",
            "unknown-title", "unknown",
        ],
    ]

    /// The variables each group's words may use.
    static let wordVariables: [String: Set<String>] = [
        "calendar": ["word"], "unsubscribe": ["name", "contact", "how"],
    ]

    mutating func addWords(_ text: String, file: String, language: Language) throws(TemplateError) {
        for section in try TemplateCatalog.sections(of: text, file: file) {
            guard let required = TemplateCatalog.requiredWords[section.header] else {
                throw TemplateError(
                    file: file,
                    message: "line \(section.line): [\(section.header)] is no group of words; the groups are "
                        + TemplateCatalog.requiredWords.keys.sorted().joined(separator: ", "))
            }
            for (offset, line) in section.body.enumerated() {
                let trimmed = line.trimmingWhitespace()
                guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
                let number = section.line + offset + 1
                guard let equals = trimmed.firstIndex(of: "=") else {
                    throw TemplateError(file: file, message: "line \(number): not NAME = TEXT")
                }
                let name = trimmed[..<equals].trimmingWhitespace()
                let value = trimmed[trimmed.index(after: equals)...].trimmingWhitespace()
                guard required.contains(name) else {
                    throw TemplateError(
                        file: file,
                        message: "line \(number): '\(name)' is no word of [\(section.header)]; it has "
                            + required.sorted().joined(separator: ", "))
                }
                let key = WordKey(language: language, group: section.header, name: name)
                guard words[key] == nil else {
                    throw TemplateError(file: file, message: "line \(number): '\(name)' appears twice")
                }
                let template: Template
                do {
                    template = try Template(value)
                } catch {
                    throw TemplateError(file: file, message: "line \(number): \(error.message)")
                }
                let allowed = TemplateCatalog.wordVariables[section.header] ?? []
                guard template.variables.isSubset(of: allowed) else {
                    throw TemplateError(
                        file: file,
                        message: "line \(number): a word of [\(section.header)] "
                            + (allowed.isEmpty
                                ? "uses no variable"
                                : "may use only " + allowed.sorted().map { "{{\($0)}}" }.joined(separator: ", ")))
                }
                words[key] = template
            }
        }
        for (group, names) in TemplateCatalog.requiredWords {
            for name in names.sorted() where words[WordKey(language: language, group: group, name: name)] == nil {
                throw TemplateError(file: file, message: "the word '\(name)' of [\(group)] is missing")
            }
        }
    }

    /// The word `name` of `group` in `language`, with `{{word}}` as `word`.
    public func word(_ group: String, _ name: String, _ language: Language, word: String = "") throws(TemplateError)
        -> String
    {
        try self.word(group, name, language, values: ["word": word])
    }

    /// The word `name` of `group` in `language`, its variables filled from `values`.
    public func word(_ group: String, _ name: String, _ language: Language, values: [String: String])
        throws(TemplateError) -> String
    {
        guard let template = words[WordKey(language: language, group: group, name: name)] else {
            throw TemplateError(
                file: "\(language.rawValue)/words.txt", message: "the word '\(name)' of [\(group)] is missing")
        }
        return template.render(values)
    }

    /// What a leader's forward calls the message `rule` answered.
    public func about(_ rule: Rule, _ language: Language) throws(TemplateError) -> String {
        try self.word("about", TemplateCatalog.rulesInWords.contains(rule) ? rule.rawValue : "other", language)
    }
}
