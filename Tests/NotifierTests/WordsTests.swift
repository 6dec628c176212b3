import Foundation
import MentorModel
import Testing

@testable import Notifier

/// The words a leader's forward is put together from moved from Swift to `templates/LANG/words.txt`:
/// they must read exactly as the Swift tables did, and a broken words file is refused naming the line.
@Suite struct WordsTests {
    static let catalog = Result {
        try TemplateCatalog.load(
            directory: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("templates").path)
    }

    /// The tables as ReplyCore held them before the move (English as issue 23 rewrote it): Danish, English.
    static let about: [Rule: (String, String)] = [
        .monthlyHours: ("spørgsmålet om månedens timer", "the question about the month's hours"),
        .contactNudge: ("påmindelsen om at holde kontakten", "the reminder to keep in touch"),
        .firstMeeting: ("påmindelsen om det første møde", "the reminder about the first meeting"),
        .afterFirstMeeting: ("spørgsmålet efter det første møde", "the question after the first meeting"),
        .evaluation: ("evalueringen", "the evaluation form"),
        .evaluationReminder: ("påmindelsen om evalueringen", "the reminder about the evaluation form"),
        .cafeInvite: ("invitationen til caféaften", "the café evening invitation"),
        .meetingReminder: ("påmindelsen om et møde", "a meeting reminder"),
        .agendaReminder: ("spørgsmålet om dagsordenen", "the question about the agenda"),
        .endNotice: ("beskeden om forløbets afslutning", "the notice that the mentoring is ending"),
        .end: ("afslutningsbeskeden", "the closing message"),
        .recurring: ("en fast påmindelse", "a regular reminder"),
        .meetingUpdate: ("beskeden om et flyttet møde", "the notice of a moved meeting"),
        .meetingCancel: ("aflysningen af et møde", "the cancellation of a meeting"),
        .cafeCancel: ("aflysningen af caféaftenen", "the cancellation of the café evening"),
    ]

    @Test func theForwardsWordsReadAsTheSwiftTablesDid() throws {
        let catalog = try Self.catalog.get()
        for rule in Rule.allCases {
            #expect(try catalog.about(rule, .da) == Self.about[rule]?.0 ?? "en besked fra os")
            #expect(try catalog.about(rule, .en) == Self.about[rule]?.1 ?? "a message from us")
        }
        let partstat = [
            "ACCEPTED": ("ja", "yes"), "DECLINED": ("nej", "no"), "TENTATIVE": ("måske", "maybe"),
            "DELEGATED": ("sendt videre til en anden", "passed on to someone else"),
        ]
        for (value, words) in partstat {
            #expect(try catalog.word("partstat", value, .da) == words.0)
            #expect(try catalog.word("partstat", value, .en) == words.1)
        }
        #expect(try catalog.word("calendar", "answer", .da, word: "måske") == "(et svar i kalenderen: måske)")
        #expect(try catalog.word("calendar", "answer", .en, word: "x-odd") == "(a reply from their calendar: x-odd)")
        #expect(try catalog.word("channel", "email", .da) == "e-mail")
        #expect(try catalog.word("channel", "email", .en) == "email")
        #expect(try catalog.word("channel", "sms", .da) == "sms")
        #expect(try catalog.word("channel", "sms", .en) == "text message")
        #expect(try catalog.word("reply", "empty", .da) == "(tomt svar)")
        #expect(try catalog.word("reply", "empty", .en) == "(an empty reply)")
    }

    @Test(arguments: [
        ("[nouns]\nx = y\n", "[nouns] is no group"),
        ("[reply]\nempty: (tomt)\n", "line 2: not NAME = TEXT"),
        ("[reply]\nfull = (fuldt)\n", "'full' is no word of [reply]"),
        ("[reply]\nempty = {{text}}\n", "[reply] uses no variable"),
        ("[calendar]\nanswer = {{text}}\n", "[calendar] may use only {{word}}"),
        ("[reply]\nempty = a\nempty = b\n", "'empty' appears twice"),
        ("[reply]\nempty = (tomt svar)\n", "is missing"),
    ])
    func aBrokenWordsFileIsRefusedNamingTheLine(text: String, message: String) {
        var catalog = TemplateCatalog()
        let error = #expect(throws: TemplateError.self) {
            try catalog.addWords(text, file: "da/words.txt", language: .da)
        }
        #expect(
            error?.file == "da/words.txt" && error?.message.contains(message) == true, "\(String(describing: error))")
    }
}
