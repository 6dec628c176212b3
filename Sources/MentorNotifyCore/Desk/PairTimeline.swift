import Desk
import MentorModel
import MentorStore

/// One event of `forloeb show --json`'s timeline in the leader's words: what happened, never what
/// a person wrote (the command holds none of it).
enum Timeline {
    static func describe(_ event: JSONView, _ call: DeskCall) -> String {
        func word(_ name: String, _ values: [String: String] = [:]) -> String { call.word("pairs", name, values) }
        func who(_ role: String) -> String {
            ["mentor", "mentee", "leader"].contains(role) ? word("role-" + role) : word("role-person")
        }
        func channel(_ raw: String) -> String { word(raw == "sms" ? "channel-sms" : "channel-email") }
        func answer(_ yes: Bool?) -> String { word(yes == true ? "answer-yes" : "answer-no") }
        switch event["kind"].text {
        case "contact":
            let kind = ContactKind(rawValue: event["type"].text) ?? .other
            return word(
                "timeline-contact",
                [
                    "duration": DeskDates.duration(Int(event["minutes"].int ?? 0), call.language),
                    "kind": word("kind-" + kind.rawValue),
                ])
        case "meeting":
            var text =
                event["place"].isNull
                ? word("timeline-meeting") : word("timeline-meeting-at", ["place": event["place"].text])
            if ["moved", "cancelled"].contains(event["status"].text) {
                text += " (" + word("meeting-" + event["status"].text) + ")"
            }
            return text
        case "evaluation":
            return word("timeline-evaluation", ["role": who(event["by"].text)])
        case "message":
            let rule = Rule(rawValue: event["rule"].text).map { "rule-" + $0.rawValue } ?? "rule-other"
            let status =
                OutboxStatus(rawValue: event["status"].text).map { "message-" + $0.rawValue } ?? "message-pending"
            return word(
                "timeline-message",
                [
                    "who": who(event["role"].text), "channel": channel(event["channel"].text), "about": word(rule),
                    "status": word(status),
                ])
        case "answer":
            let question =
                ["continue", "agreement"].contains(event["question"].text) ? event["question"].text : "other"
            return word(
                "timeline-answer",
                [
                    "who": who(event["by"].text), "answer": answer(event["yes"].bool),
                    "question": word("question-" + question),
                ])
        case "cafe-answer":
            return word(
                "timeline-cafe-answer",
                [
                    "who": who(event["by"].text), "answer": answer(event["yes"].bool),
                    "evening": DeskDates.written(event["evening"].text, call.language),
                ])
        case "reply":
            let action = InboundAction(rawValue: event["action"].text)?.rawValue ?? "unmatched"
            return word(
                "timeline-reply",
                [
                    "who": who(event["by"].text), "channel": channel(event["channel"].text),
                    "action": word("reply-" + action),
                ])
        default:
            return word("timeline-other")
        }
    }
}
