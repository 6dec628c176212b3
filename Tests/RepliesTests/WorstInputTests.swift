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
        let bytes = input.make(WorstInput.testSize)
        await WorstInput.reading { _ = try? InboundMail.read(bytes, ownAddresses: ["svar@example.dk"]) }
    }

    @Test(arguments: WorstInput.sms)
    func sms(_ input: WorstInput.Case) async {
        let text = String(decoding: input.make(WorstInput.testSize), as: UTF8.self)
        await WorstInput.reading { _ = ReplyReading.intent(ofText: text) }
    }

    /// The words of a header on their own, as the subject and the sender's name are decoded.
    @Test func encodedWordsThatNeverClose() async {
        let value = String(repeating: "=?aa", count: WorstInput.testSize / 4)
        await WorstInput.reading { #expect(EncodedWords.decode(value) == value) }
    }

    /// HTML on its own: a `<` that never closes is text, and deep quotes are marked, not repeated.
    @Test func htmlThatNeverCloses() async {
        let html = String(repeating: "<", count: WorstInput.testSize)
        await WorstInput.reading { #expect(HTMLText.plain(html) == html) }
        let nested = String(repeating: "<blockquote>", count: 1000) + "ja"
        let last = HTMLText.plain(nested).split(separator: "\n").last ?? ""
        #expect(last.hasPrefix(">") && last.hasSuffix(" ja") && last.count < 20)
    }
}
