import MentorModel
import Notifier
import Replies

/// The words the reply core puts into a leader's forward, from the templates' `words.txt`.
extension ReplyCore {
    /// What a calendar's answer said, in the leader's words: TENTATIVE is "maybe", never yes or no;
    /// a value of no standard is shown as sent, unlinked.
    func calendarWords(_ answer: CalendarAnswer, _ language: Language) throws -> String {
        let word =
            (try? catalog.word("partstat", answer.partstat, language))
            ?? ForwardText.unlinked(answer.partstat.lowercased())
        return try catalog.word("calendar", "answer", language, word: word)
    }

    /// How the answer came, in the leader's language.
    func channelWord(_ channel: Channel, _ language: Language) throws -> String {
        try catalog.word("channel", channel.rawValue, language)
    }
}
