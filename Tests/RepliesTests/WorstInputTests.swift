import Foundation
import TestSupport
import Testing

@testable import Replies

/// Each reader of inbound email and SMS text given its worst input at 256 KiB (WorstInput). A
/// reader whose time grows faster than its input (a search restarted at every `<`, a word looked
/// for to the end of the header at every `=?`) takes minutes there and fails at the time limit;
/// a linear one takes a fraction of a second. How fast they are is measured by bench/readers.sh.
@Suite(.timeLimit(.minutes(1)))
struct WorstInputTests {
    @Test(arguments: WorstInput.mail)
    func mail(_ input: WorstInput.Case) async {
        await WorstInput.read(input) { _ = try? InboundMail.read($0, ownAddresses: ["svar@example.dk"]) }
    }

    @Test(arguments: WorstInput.sms)
    func sms(_ input: WorstInput.Case) async {
        await WorstInput.read(input) { _ = ReplyReading.intent(ofText: String(decoding: $0, as: UTF8.self)) }
    }

    /// The words of a header on their own, as the subject and the sender's name are decoded.
    @Test func encodedWordsThatNeverClose() async {
        let value = String(repeating: "=?aa", count: WorstInput.testSize / 4)
        let unchanged = await WorstInput.reading { EncodedWords.decode(value) == value }
        #expect(unchanged == true)
    }

    /// HTML on its own: a `<` that never closes is text, and deep quotes are marked, not repeated.
    @Test func htmlThatNeverCloses() async {
        let html = String(repeating: "<", count: WorstInput.testSize)
        let unchanged = await WorstInput.reading { HTMLText.plain(html) == html }
        #expect(unchanged == true)
        let nested = String(repeating: "<blockquote>", count: 1000) + "ja"
        let last = HTMLText.plain(nested).split(separator: "\n").last ?? ""
        #expect(last.hasPrefix(">") && last.hasSuffix(" ja") && last.count < 20)
    }
}
