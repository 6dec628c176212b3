import MentorModel
import Replies

/// The words the reply core puts into a leader's forward.
extension ReplyCore {
    /// What a calendar's answer said, in the leader's words: TENTATIVE is "maybe", never yes or no.
    static func calendarWords(_ answer: CalendarAnswer, _ language: Language) -> String {
        let danish = [
            "ACCEPTED": "ja", "DECLINED": "nej", "TENTATIVE": "måske", "DELEGATED": "sendt videre til en anden",
        ]
        let english = [
            "ACCEPTED": "yes", "DECLINED": "no", "TENTATIVE": "maybe", "DELEGATED": "passed on to someone else",
        ]
        let word =
            (language == .da ? danish : english)[answer.partstat] ?? ForwardText.unlinked(answer.partstat.lowercased())
        return language == .da ? "(et svar i kalenderen: \(word))" : "(an answer in the calendar: \(word))"
    }

    /// The message answered, in words a leader knows.
    static func about(_ rule: Rule, _ language: Language) -> String {
        let danish: [Rule: String] = [
            .monthlyHours: "spørgsmålet om månedens timer", .contactNudge: "påmindelsen om at holde kontakten",
            .firstMeeting: "påmindelsen om det første møde", .afterFirstMeeting: "spørgsmålet efter det første møde",
            .evaluation: "evalueringen", .evaluationReminder: "påmindelsen om evalueringen",
            .cafeInvite: "invitationen til caféaften", .meetingReminder: "påmindelsen om et møde",
            .agendaReminder: "spørgsmålet om dagsordenen", .endNotice: "beskeden om forløbets afslutning",
            .end: "afslutningsbeskeden", .recurring: "en fast påmindelse",
            .meetingUpdate: "beskeden om et flyttet møde", .meetingCancel: "aflysningen af et møde",
            .cafeCancel: "aflysningen af caféaftenen",
        ]
        let english: [Rule: String] = [
            .monthlyHours: "the question about the month's hours", .contactNudge: "the reminder to keep in touch",
            .firstMeeting: "the reminder about the first meeting",
            .afterFirstMeeting: "the question after the first meeting", .evaluation: "the evaluation",
            .evaluationReminder: "the evaluation reminder", .cafeInvite: "the café evening invitation",
            .meetingReminder: "a meeting reminder", .agendaReminder: "the question about the agenda",
            .endNotice: "the notice that the mentorship ends", .end: "the closing message",
            .recurring: "a regular reminder", .meetingUpdate: "the notice of a moved meeting",
            .meetingCancel: "the cancellation of a meeting", .cafeCancel: "the cancellation of the café evening",
        ]
        let known = language == .da ? danish[rule] : english[rule]
        return known ?? (language == .da ? "en besked fra os" : "a message from us")
    }
}
