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

    /// The tables as ReplyCore held them before the move.
    static let about: [Language: [Rule: String]] = [
        .da: [
            .monthlyHours: "spørgsmålet om månedens timer", .contactNudge: "påmindelsen om at holde kontakten",
            .firstMeeting: "påmindelsen om det første møde", .afterFirstMeeting: "spørgsmålet efter det første møde",
            .evaluation: "evalueringen", .evaluationReminder: "påmindelsen om evalueringen",
            .cafeInvite: "invitationen til caféaften", .meetingReminder: "påmindelsen om et møde",
            .agendaReminder: "spørgsmålet om dagsordenen", .endNotice: "beskeden om forløbets afslutning",
            .end: "afslutningsbeskeden", .recurring: "en fast påmindelse",
            .meetingUpdate: "beskeden om et flyttet møde", .meetingCancel: "aflysningen af et møde",
            .cafeCancel: "aflysningen af caféaftenen",
        ],
        .en: [
            .monthlyHours: "the question about the month's hours", .contactNudge: "the reminder to keep in touch",
            .firstMeeting: "the reminder about the first meeting",
            .afterFirstMeeting: "the question after the first meeting", .evaluation: "the evaluation",
            .evaluationReminder: "the evaluation reminder", .cafeInvite: "the café evening invitation",
            .meetingReminder: "a meeting reminder", .agendaReminder: "the question about the agenda",
            .endNotice: "the notice that the mentorship ends", .end: "the closing message",
            .recurring: "a regular reminder", .meetingUpdate: "the notice of a moved meeting",
            .meetingCancel: "the cancellation of a meeting", .cafeCancel: "the cancellation of the café evening",
        ],
    ]

    @Test func theForwardsWordsReadAsTheSwiftTablesDid() throws {
        let catalog = try Self.catalog.get()
        for rule in Rule.allCases {
            #expect(try catalog.about(rule, .da) == Self.about[.da]?[rule] ?? "en besked fra os")
            #expect(try catalog.about(rule, .en) == Self.about[.en]?[rule] ?? "a message from us")
        }
        let partstat: [Language: [String: String]] = [
            .da: ["ACCEPTED": "ja", "DECLINED": "nej", "TENTATIVE": "måske", "DELEGATED": "sendt videre til en anden"],
            .en: ["ACCEPTED": "yes", "DECLINED": "no", "TENTATIVE": "maybe", "DELEGATED": "passed on to someone else"],
        ]
        for (language, words) in partstat {
            for (value, word) in words { #expect(try catalog.word("partstat", value, language) == word) }
        }
        #expect(try catalog.word("calendar", "answer", .da, word: "måske") == "(et svar i kalenderen: måske)")
        #expect(try catalog.word("calendar", "answer", .en, word: "x-odd") == "(an answer in the calendar: x-odd)")
        #expect(try catalog.word("channel", "email", .da) == "e-mail")
        #expect(try catalog.word("channel", "email", .en) == "email")
        #expect(try catalog.word("channel", "sms", .da) == "SMS" && catalog.word("channel", "sms", .en) == "SMS")
        #expect(try catalog.word("reply", "empty", .da) == "(tomt svar)")
        #expect(try catalog.word("reply", "empty", .en) == "(an empty answer)")
    }

    @Test(arguments: [
        ("[nouns]\nx = y\n", "[nouns] is no group"),
        ("[reply]\nempty: (tomt)\n", "line 2: not NAME = TEXT"),
        ("[reply]\nfull = (fuldt)\n", "'full' is no word of [reply]"),
        ("[reply]\nempty = {{text}}\n", "only {{word}}"),
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
