import Foundation
public import MentorModel
import MentorStore
import Transport

/// Every SMS text must fit in two segments with the longest values it can ever carry: names and
/// places at their input limits, the longest written date and month, the longest program and
/// contact names and form addresses of the config. Checked when the templates are loaded.
public enum SMSLength {
    public struct TooLong: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// What the config contributes to the worst case: its longest program name, contact name and
    /// evaluation form address.
    public struct Longest: Sendable {
        public var program = "Mentorshoppen Holstebro"
        public var contact = "Elias"
        public var form = ""
        /// Each program's own words (`ProgramSettings.textVariables`), per language: every text is
        /// checked as each program's people get it.
        public var programTexts: [Language: [[String: String]]] = [:]

        public init() {}

        public init(programs: [String], contacts: [String], forms: [String]) {
            program = programs.max { $0.count < $1.count } ?? program
            contact = contacts.max { $0.count < $1.count } ?? contact
            form = forms.max { $0.count < $1.count } ?? ""
        }
    }

    /// A word of `count` letters, as long as a name can be.
    static func word(_ count: Int) -> String { "M" + String(repeating: "m", count: count - 1) }

    /// The date (ISO) whose written form is longest in `language`, with and without the year.
    static func longestDate(_ language: Language) -> String { longestDates[language] ?? "2026-09-30" }

    /// Written out once per process: every text of every rule asks, and a year of dates is 366 of them.
    private static let longestDates = Dictionary(
        uniqueKeysWithValues: Language.allCases.map { ($0, searchLongestDate($0)) })

    private static func searchLongestDate(_ language: Language) -> String {
        var best = "2026-09-30"
        var length = 0
        var day = LocalDate(year: 2026, month: 1, day: 1) ?? LocalDate(dayNumber: 0)
        for _ in 0..<366 {
            let written = HumanDates.date(day, language).count
            if written > length {
                length = written
                best = day.description
            }
            day = day.adding(days: 1)
        }
        return best
    }

    /// The values that make each text longest.
    static func worstCase(_ longest: Longest, language: Language) -> [String: String] {
        let name = word(Validate.nameLimit)
        let date = longestDate(language)
        let month =
            HumanDates.danishMonths.indices.max {
                HumanDates.month(YearMonth(year: 2026, month: $0 + 1), language).count
                    < HumanDates.month(YearMonth(year: 2026, month: $1 + 1), language).count
            }.map { YearMonth(year: 2026, month: $0 + 1).description } ?? "2026-09"
        return [
            "recipient": name, "mentor": name, "mentee": name, "mentorFirst": name, "menteeFirst": name,
            "program": longest.program, "contact": longest.contact, "contactPhone": "+4512345678",
            "contactEmail": "leder@example.dk", "mentorPhone": "+4512345678", "menteePhone": "+4512345678",
            "relationship": "99999", "start": date,
            "date": date, "end": date,
            "oldDate": date, "oldTime": "18:00",
            "days": "999", "month": month, "minutes": "1439", "target": "1439", "missing": "1439", "hours": "1439",
            "count": "999", "final": "yes", "time": "18:00", "place": word(Validate.placeLimit),
            "text": String(repeating: "m", count: 300), "reason": word(200), "by": name, "sender": name,
            "channel": "e-mail", "about": "spørgsmålet efter det første møde", "yesCount": "999", "noCount": "999",
            "silentCount": "999", "yes": name, "formMentor": longest.form, "formMentee": longest.form,
            // Answers read: the texts say what to answer.
            "replies": "1",
        ]
    }

    /// What `check` says about SMS length, in one sentence: which texts can take two segments,
    /// and that this is fine.
    public static func summary(_ twoSegments: [String]) -> String {
        guard !twoSegments.isEmpty else {
            return "every SMS fits in one segment, even with the longest names, places and dates"
        }
        // "da/end.txt [mentor sms]" -> "end"
        var rules: [String] = []
        for name in twoSegments {
            let file = name.split(separator: " ").first.map(String.init) ?? name
            let rule = String(file.split(separator: "/").last ?? "").replacingOccurrences(of: ".txt", with: "")
            if !rules.contains(rule) { rules.append(rule) }
        }
        return "every SMS fits in 2 segments; \(twoSegments.count) texts (\(rules.joined(separator: ", "))) need the "
            + "second only with the longest names, places and dates, which is fine: the phone shows one message"
    }

    /// Sections of which a message shows one: each is checked on its own.
    static let exclusive: [Rule: [String]] = [
        .replyConfirmation: [
            "hours", "yes", "no", "continueYes", "continueNo", "agreement", "evaluated", "stopped", "started",
            "forwarded",
        ],
        .deliveryFailed: ["emailDown", "smsDown", "lines"],
        .firstMeetingOverdue: ["remindedBoth", "remindedMentorOnly", "remindedMenteeOnly", "remindedNeither"],
        .replyForward: ["", "unverified", "more"],
    ]

    /// The value sets that make each of a rule's texts longest: every section shown (of exclusive
    /// ones, each on its own), each variable at its longest.
    /// Each program's wording is checked as its preset sets it.
    static func worstCases(_ rule: Rule, _ longest: Longest, language: Language) -> [[String: String]] {
        worstCases(rule, base: worstCase(longest, language: language), longest, language: language)
    }

    /// As `worstCases(_:_:language:)`, from `worstCase(longest, language:)` built once for every rule.
    static func worstCases(_ rule: Rule, base: [String: String], _ longest: Longest, language: Language)
        -> [[String: String]]
    {
        var values = base
        for name in rule.variables where values[name] == nil { values[name] = "yes" }
        let shown =
            exclusive[rule].map { group in
                group.map { shown in values.filter { !group.contains($0.key) || $0.key == shown } }
            } ?? [values]
        let programs = longest.programTexts[language].flatMap { $0.isEmpty ? nil : $0 } ?? [[:]]
        return programs.flatMap { program in shown.map { $0.merging(program) { current, _ in current } } }
    }

    /// Checks every SMS text; returns the ones that need two segments at worst ("da/end.txt [mentor
    /// sms]"), and throws for any that would need more.
    @discardableResult
    public static func check(_ catalog: TemplateCatalog, longest: Longest = Longest()) throws(TooLong) -> [String] {
        var twoSegments: [String] = []
        for language in Language.allCases {
            let base = worstCase(longest, language: language)
            for rule in Rule.allCases {
                for role in rule.roles {
                    let variants: [String?] = TemplateCatalog.variants[rule] ?? [nil]
                    for variant in variants {
                        let name =
                            "\(language.rawValue)/\(rule.rawValue).txt [\(role.rawValue) sms\(variant.map { " \($0)" } ?? "")]"
                        for var values in worstCases(rule, base: base, longest, language: language) {
                            values["variant"] = variant
                            guard
                                let message = try? catalog.render(
                                    rule: rule, role: role, channel: .sms, language: language, variables: values)
                            else { continue }
                            let segments = SMSEncoding.segments(GSMText.bestEffort(message.body))
                            if segments > 2 {
                                throw TooLong(
                                    description:
                                        "template \(name): \(segments) SMS segments with the longest names, places and "
                                        + "dates; keep it within 2 (GSM-7: 306 characters)")
                            }
                            if segments == 2, !twoSegments.contains(name) { twoSegments.append(name) }
                        }
                    }
                }
            }
        }
        return twoSegments
    }
}
