import MentorModel
import MentorStore
import Scheduler

/// Checks that every SMS template stays within two segments with realistic long values.
public enum SMSLength {
    public struct TooLong: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Long-ish but realistic values: a long Danish name, a place, the longest written dates
    /// (`onsdag den 30. september 2026`).
    public static let sampleValues: [String: String] = [
        "recipient": "Mathilde Kristensen", "program": "Mentorshoppen Holstebro", "mentor": "Søren Mariegård",
        "mentee": "Mathilde Kristensen", "relationship": "12345", "start": "2026-09-30", "days": "30",
        "date": "2026-09-30", "variant": "continue", "month": "2026-09", "minutes": "120", "target": "240",
        "missing": "120", "count": "12", "lines": "#1 ...", "final": "yes", "end": "2027-09-30", "time": "18:00",
        "place": "Mentorshoppen, Nørregade 10", "text": "Godmorgen! Husk praktik kl. 8. Du kan godt!",
        "emailDown": "yes", "smsDown": "yes",
        "reason": "the SMTP server refused the login: SMTP 535 5.7.8 Authentication credentials invalid",
    ]

    public static func check(_ catalog: TemplateCatalog) throws(TooLong) {
        for language in Language.allCases {
            for rule in Rule.allCases {
                for role in rule.roles {
                    let variants: [String?] = rule == .afterFirstMeeting ? ["continue", "agreement"] : [nil]
                    for variant in variants {
                        var values = sampleValues
                        values["variant"] = variant
                        guard
                            let message = try? catalog.render(
                                rule: rule, role: role, channel: .sms, language: language, variables: values)
                        else { continue }
                        let segments = SMSEncoding.segments(message.body)
                        if segments > 2 {
                            throw TooLong(
                                description:
                                    "template \(language.rawValue)/\(rule.rawValue).txt [\(role.rawValue) sms]: \(segments) SMS segments; keep it within 2 (GSM-7: 306 characters)"
                            )
                        }
                    }
                }
            }
        }
    }
}
