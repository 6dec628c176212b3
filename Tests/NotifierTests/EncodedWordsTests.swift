import Foundation
import Testing

@testable import Notifier

/// Headers' encoded words are cut between scalars when every scalar is a character of its own, and
/// by whole characters otherwise: both give the same words where the first is taken.
@Suite struct EncodedWordsTests {
    static let texts: [String] = (1...60).flatMap { count in
        [
            String(repeating: "æ", count: count), "x" + String(repeating: "å", count: count),
            String(repeating: "Caféaften på Mentorshoppen, ", count: count / 10 + 1)
                + String(repeating: "ø", count: count),
            String(repeating: "ab\u{00AD}ç\u{2C7}", count: count),
        ]
    }

    @Test func theWalkByScalarCutsWhereTheWalkByCharacterDoes() {
        for text in Self.texts {
            #expect(MIMEEncoding.wordsByScalar(text.utf8) == MIMEEncoding.wordsByCharacter(text), "\(text)")
        }
    }

    /// A combining accent stays in the word of the letter it sits on.
    @Test func aCharacterOfManyScalarsIsNeverSplit() throws {
        let text = String(repeating: "e\u{301}", count: 40)
        let encoded = MIMEEncoding.encodedWords(text)
        #expect(encoded == MIMEEncoding.wordsByCharacter(text))
        for word in encoded.components(separatedBy: "\r\n ") {
            let base64 = try #require(word.split(separator: "?").dropFirst(3).first)
            let decoded = try #require(Data(base64Encoded: String(base64)))
            let part = try #require(String(data: decoded, encoding: .utf8))
            #expect(part.unicodeScalars.first == "e")
        }
    }
}
