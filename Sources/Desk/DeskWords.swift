public import Foundation
public import MentorModel

/// The desk's words (`templates/LANG/desk.txt`): sections `[page]` of `name = text` lines, a text
/// may hold `{{variables}}`. Every language must have the same words; a word the code asks for and
/// no file has shows as `⟦page.name⟧`, which the page tests look for.
public struct DeskWords: Sendable {
    private var words: [Language: [String: String]] = [:]

    public struct LoadError: Error, CustomStringConvertible {
        public var file: String
        public var message: String
        public var description: String { "\(file): \(message)" }
    }

    public init(texts: [Language: String]) throws(LoadError) {
        for (language, text) in texts {
            let file = "\(language.rawValue)/desk.txt"
            var group: String?
            var table: [String: String] = [:]
            for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
                if trimmed.hasPrefix("["), trimmed.hasSuffix("]") {
                    group = String(trimmed.dropFirst().dropLast())
                    continue
                }
                guard let group, let equals = trimmed.firstIndex(of: "=") else {
                    throw LoadError(file: file, message: "line \(offset + 1): not NAME = TEXT inside a [page]")
                }
                let key = group + "." + trimmed[..<equals].trimmingCharacters(in: .whitespaces)
                guard table[key] == nil else {
                    throw LoadError(file: file, message: "line \(offset + 1): \(key) appears twice")
                }
                table[key] = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            }
            words[language] = table
        }
        let all = Set(words.values.flatMap(\.keys))
        for language in Language.allCases {
            let missing = all.subtracting(words[language]?.keys.map { $0 } ?? [])
            guard missing.isEmpty else {
                throw LoadError(
                    file: "\(language.rawValue)/desk.txt",
                    message: "misses " + missing.sorted().joined(separator: ", ") + " (every language has every word)")
            }
        }
    }

    /// Reads `DIR/da/desk.txt` and `DIR/en/desk.txt`.
    public static func load(directory: String) throws(LoadError) -> DeskWords {
        var texts: [Language: String] = [:]
        for language in Language.allCases {
            let path = "\(directory)/\(language.rawValue)/desk.txt"
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
            else { throw LoadError(file: path, message: "is missing or not UTF-8; it holds the desk's words") }
            texts[language] = text
        }
        return try DeskWords(texts: texts)
    }

    /// The word `page.name` in `language`, each `{{key}}` replaced by `values[key]`.
    public func callAsFunction(
        _ page: String, _ name: String, _ language: Language, _ values: [String: String] = [:]
    ) -> String {
        guard var text = words[language]?[page + "." + name] else { return "⟦\(page).\(name)⟧" }
        for (key, value) in values { text = text.replacingOccurrences(of: "{{\(key)}}", with: value) }
        return text
    }
}
