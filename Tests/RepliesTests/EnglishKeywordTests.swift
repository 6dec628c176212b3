import Foundation
import Testing

@testable import Replies

/// The English texts set the words they ask for apart in capitals ("reply DONE", "reply YES or
/// NO", "reply START", the unsubscribe page's "reply STOP"), in email and SMS alike, and each such word reads as what the text means by
/// it, however the person types or copies it.
@Suite struct EnglishKeywordTests {
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("templates/en")

    static func texts() throws -> [(file: String, text: String)] {
        try FileManager.default.contentsOfDirectory(atPath: templates.path).filter { $0.hasSuffix(".txt") }.sorted()
            .map { ($0, try String(contentsOf: templates.appendingPathComponent($0), encoding: .utf8)) }
    }

    /// Every capitalised word after "reply": "reply DONE", "Reply YES or NO".
    static func keywords() throws -> Set<String> {
        var words = Set<String>()
        for (_, text) in try texts() {
            for match in text.matches(of: /[Rr]eply ([A-Z]{2,})\b(?: or ([A-Z]{2,})\b)?/) {
                words.insert(String(match.1))
                if let second = match.2 { words.insert(String(second)) }
            }
        }
        return words
    }

    @Test func everyKeywordTheTextsAskForReadsAsMeant() throws {
        let meant: [String: ReplyIntent] = ["YES": .yes, "NO": .no, "DONE": .done, "START": .start, "STOP": .stop]
        let words = try Self.keywords()
        #expect(words == Set(meant.keys), "the English texts ask for \(words.sorted())")
        for word in words {
            for typed in [word, "\"\(word)\"", "“\(word)”", word.lowercased(), word.lowercased().capitalized + "."] {
                #expect(ReplyReading.intent(ofText: typed) == meant[word], "\(typed)")
                #expect(ReplyReading.intent(ofText: "Hi Elias,\n\n\(typed)\n\nBest, Søren") == meant[word], "\(typed)")
            }
        }
    }

    /// "answer done to this email", "Reply yes or no": a keyword not set apart reads as grammar.
    @Test func noKeywordIsWrittenAsAnOrdinaryWord() throws {
        for (file, text) in try Self.texts() {
            let loose = text.matches(of: /\b(?:[Rr]eply|[Aa]nswer|[Ww]rite) (yes|no|done|start|stop)\b/).map {
                String($0.output.0)
            }
            #expect(loose.isEmpty, "\(file)")
        }
    }
}
