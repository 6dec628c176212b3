import Foundation
import Testing

@testable import Replies

/// The words our texts ask people to answer with are set apart (»udfyldt« in an email, UDFYLDT in
/// an SMS, where » is not in the SMS alphabet). Whatever of that a person copies, or types as they
/// like, reads as the word.
@Suite struct KeywordTests {
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("templates/da")

    /// Every »word« and every capitalised word after "Svar"/"Skriv" in the Danish templates.
    static func keywords() throws -> Set<String> {
        var words = Set<String>()
        for file in try FileManager.default.contentsOfDirectory(atPath: templates.path) where file.hasSuffix(".txt") {
            let text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: /»([^«]+)«/) { words.insert(String(match.1)) }
            for match in text.matches(of: /(?:Svar|svar|Skriv) (?:blot )?([A-ZÆØÅ]{2,})\b/) {
                words.insert(String(match.1))
            }
            for match in text.matches(of: /Svar ([A-ZÆØÅ]{2,}) eller ([A-ZÆØÅ]{2,})/) { words.insert(String(match.2)) }
        }
        return words
    }

    @Test func everyKeywordTheTextsAskForIsUnderstoodAsWrittenOrCopied() throws {
        let words = try Self.keywords()
        #expect(words.count >= 5, "\(words.sorted())")
        for word in words {
            for typed in [word, "»\(word)«", "\"\(word)\"", word.uppercased(), word.lowercased().capitalized + "."] {
                #expect(ReplyReading.intent(ofText: typed) != .other, "\(typed) is not understood")
                #expect(ReplyReading.intent(ofText: "Hej Elias\n\n\(typed)\n\nMvh Søren") != .other, "\(typed)")
            }
        }
    }
}
