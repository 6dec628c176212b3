import Foundation
public import MentorModel

/// A problem with a template file, naming the file.
public struct TemplateError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var message: String

    public var description: String { "template \(file): \(message)" }
}

/// A message ready for a transport: subject (email only) and plain-text body.
public struct RenderedMessage: Sendable, Hashable {
    public var subject: String
    public var body: String
}

/// Every template of every language, loaded and checked once.
///
/// Layout: `DIR/LANG/RULE.txt`, each holding sections `[ROLE CHANNEL]` or `[ROLE CHANNEL VARIANT]`.
/// An email section starts with a `Subject:` line.
public struct TemplateCatalog: Sendable {
    struct Key: Hashable {
        var language: Language
        var rule: Rule
        var role: RecipientRole
        var channel: Channel
        var variant: String?
    }

    struct Entry: Sendable {
        var subject: Template?
        var body: Template
    }

    private var entries: [Key: Entry] = [:]
    /// `words.txt` of each language (`Words.swift`).
    var words: [WordKey: Template] = [:]
    /// The files it was loaded from, name and text, in the order read: what the texts are, for a
    /// cycle to tell cheaply that they have not changed (`IdlePlan`). Empty for a catalog built in
    /// memory.
    public private(set) var sources: [String] = []

    /// Rules whose text differs by a setting: the variants that must exist.
    static let variants: [Rule: [String]] = [.afterFirstMeeting: ["continue", "agreement"]]

    public static func load(directory: String) throws(TemplateError) -> TemplateCatalog {
        var catalog = TemplateCatalog()
        for language in Language.allCases {
            for rule in Rule.allCases {
                let path = "\(directory)/\(language.rawValue)/\(rule.rawValue).txt"
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw TemplateError(
                        file: path, message: "is missing; every rule needs a template in every language")
                }
                guard let text = String(data: data, encoding: .utf8) else {
                    throw TemplateError(file: path, message: "is not UTF-8 text")
                }
                try catalog.add(text, file: path, language: language, rule: rule)
                catalog.sources.append(path + "\n" + text)
            }
            let path = "\(directory)/\(language.rawValue)/words.txt"
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
            else {
                throw TemplateError(file: path, message: "is missing or not UTF-8; it holds the words the texts share")
            }
            try catalog.addWords(text, file: path, language: language)
            catalog.sources.append(path + "\n" + text)
        }
        return catalog
    }

    /// Adds one template file: its sections, each checked, then a check that none is missing.
    mutating func add(_ text: String, file: String, language: Language, rule: Rule) throws(TemplateError) {
        for section in try TemplateCatalog.sections(of: text, file: file) {
            let (key, entry) = try self.entry(section, file: file, language: language, rule: rule)
            guard entries[key] == nil else {
                throw TemplateError(file: file, message: "section [\(section.header)] appears twice")
            }
            entries[key] = entry
        }
        try checkComplete(file: file, language: language, rule: rule)
    }

    struct Section {
        var header: String
        var line: Int
        var body: [String]
    }

    /// The `[role channel]` sections of a file; only blank and `#` lines may come before the first.
    static func sections(of text: String, file: String) throws(TemplateError) -> [Section] {
        var sections: [Section] = []
        // Split on the byte: "\r\n" is one Character, and a CRLF file must split as before.
        for (number, part) in text.utf8.split(separator: 10, omittingEmptySubsequences: false).enumerated() {
            let line = String(decoding: part, as: UTF8.self)
            let trimmed = line.trimmingWhitespace()
            if trimmed.hasPrefix("[") && trimmed.hasSuffix("]") {
                sections.append(Section(header: String(trimmed.dropFirst().dropLast()), line: number + 1, body: []))
            } else if sections.isEmpty {
                guard trimmed.isEmpty || trimmed.hasPrefix("#") else {
                    throw TemplateError(
                        file: file, message: "line \(number + 1): text before the first [role channel] section")
                }
            } else {
                sections[sections.count - 1].body.append(line)
            }
        }
        return sections
    }

    /// One section as an entry: a known role and channel for the rule, a subject for email, text,
    /// and only variables the rule provides.
    private func entry(_ section: Section, file: String, language: Language, rule: Rule) throws(TemplateError)
        -> (Key, Entry)
    {
        let words = section.header.split(separator: " ").map(String.init)
        guard (2...3).contains(words.count), let role = RecipientRole(rawValue: words[0]),
            let channel = Channel(rawValue: words[1])
        else {
            throw TemplateError(
                file: file,
                message: "line \(section.line): '[\(section.header)]' is not [ROLE CHANNEL] or [ROLE CHANNEL VARIANT]")
        }
        guard rule.roles.contains(role) else {
            throw TemplateError(
                file: file, message: "line \(section.line): rule \(rule.rawValue) sends nothing to \(role.rawValue)")
        }
        var lines = section.body
        var subject: Template?
        while let first = lines.first, first.trimmingWhitespace().isEmpty { lines.removeFirst() }
        if channel == .email {
            guard let first = lines.first, first.hasPrefix("Subject:") else {
                throw TemplateError(
                    file: file,
                    message: "section [\(section.header)] (line \(section.line)) must start with a Subject: line")
            }
            subject = try parse(
                String(first.dropFirst("Subject:".count)).trimmingWhitespace(), file, section.line)
            lines.removeFirst()
        }
        while let last = lines.last, last.trimmingWhitespace().isEmpty { lines.removeLast() }
        while let first = lines.first, first.trimmingWhitespace().isEmpty { lines.removeFirst() }
        guard !lines.isEmpty else {
            throw TemplateError(file: file, message: "section [\(section.header)] (line \(section.line)) has no text")
        }
        let body = try parse(lines.joined(separator: "\n"), file, section.line)
        let allowed = rule.variables.union(Rule.commonVariables).union(Rule.programVariables)
        for name in body.variables.union(subject?.variables ?? []) where !allowed.contains(name) {
            throw TemplateError(
                file: file,
                message: "section [\(section.header)] uses the unknown variable {{\(name)}}; this rule knows "
                    + allowed.sorted().joined(separator: ", "))
        }
        let key = Key(
            language: language, rule: rule, role: role, channel: channel, variant: words.count == 3 ? words[2] : nil)
        return (key, Entry(subject: subject, body: body))
    }

    /// Every role and channel of the rule (and every variant it needs) has a section.
    private func checkComplete(file: String, language: Language, rule: Rule) throws(TemplateError) {
        for role in rule.roles {
            for channel in rule.channels {
                let needed: [String?] = TemplateCatalog.variants[rule] ?? [nil]
                for variant in needed
                where entries[Key(language: language, rule: rule, role: role, channel: channel, variant: variant)]
                    == nil
                    && entries[Key(language: language, rule: rule, role: role, channel: channel, variant: nil)] == nil
                {
                    let header = [role.rawValue, channel.rawValue, variant].compactMap { $0 }.joined(separator: " ")
                    throw TemplateError(file: file, message: "the section [\(header)] is missing")
                }
            }
        }
    }

    private func parse(_ text: String, _ file: String, _ line: Int) throws(TemplateError) -> Template {
        do {
            return try Template(text)
        } catch {
            throw TemplateError(file: file, message: "section at line \(line): \(error.message)")
        }
    }

    /// Renders one message. Missing templates cannot happen after `load`, but a catalog built
    /// otherwise reports them rather than crash.
    public func render(
        rule: Rule, role: RecipientRole, channel: Channel, language: Language, variables: [String: String]
    ) throws(TemplateError) -> RenderedMessage {
        let variant = variables["variant"]
        let entry =
            entries[Key(language: language, rule: rule, role: role, channel: channel, variant: variant)]
            ?? entries[Key(language: language, rule: rule, role: role, channel: channel, variant: nil)]
        guard let entry else {
            throw TemplateError(
                file: "\(language.rawValue)/\(rule.rawValue).txt",
                message: "no section [\(role.rawValue) \(channel.rawValue)]")
        }
        let values = HumanDates.humanize(variables, language, channel: channel, rule: rule)
        let subject = entry.subject?.render(values).singleLine ?? ""
        return RenderedMessage(subject: subject, body: entry.body.render(values))
    }

    public var count: Int { entries.count }
}

extension StringProtocol {
    /// As `trimmingCharacters(in: .whitespaces)` (tabs and Unicode space separators, not line
    /// breaks), without Foundation's detour through NSString: the templates are read at every start.
    func trimmingWhitespace() -> String {
        func blank(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII ? scalar == " " || scalar == "\t" : scalar.properties.generalCategory == .spaceSeparator
        }
        let scalars = Substring(self).unicodeScalars
        guard let first = scalars.firstIndex(where: { !blank($0) }), let last = scalars.lastIndex(where: { !blank($0) })
        else { return "" }
        return String(Substring(scalars[first...last]))
    }
}
