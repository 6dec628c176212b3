import Foundation
import MentorModel
import MentorStore
import Scheduler
import Testing

@testable import Notifier

/// Every text each program can send, rendered per section × recipient × channel × program with the
/// longest values, answers read and not: none is empty, each greets and signs, an SMS that says
/// "contact X" carries X's number, and none carries another program's rule (DOMAIN.md "Each
/// program's own rules, in its own messages").
@Suite struct ProgramTextTests {
    /// Phrases that state a rule a program does not have, or name another program's leaders.
    /// Mentorshoppen: the pair meets first at a joint meeting, so the mentee is not told to take the
    /// first contact. Djøf: who stops tells the other party first, then Djøf. FKI: the agreement
    /// names the mentor's own employer. SYMB: the answers stay with SYMB. LAB: the workplace mentor
    /// may be paid staff. Only Mentorshoppen has a "daglig leder".
    static let forbidden: [String: [Language: [String]]] = [
        "mentorshoppen": [
            .da: [
                "tager den første kontakt", "tage den første kontakt", "tage kontakt til din mentor", "mentorteam",
                "forbundet", "sekretariat", "jobcentret", "behøver ikke at sige det",
            ],
            .en: [
                "make the first contact", "take the first contact", "mentor team", "union", "secretariat",
                "job centre", "do not need to tell",
            ],
        ],
        "djoef": [
            .da: [
                "daglige leder", "fælles møde", "forbundet", "sekretariat", "jobcentret", "behøver ikke at sige det",
            ],
            .en: ["daily leader", "joint meeting", "union", "secretariat", "job centre", "do not need to tell"],
        ],
        "fki": [
            .da: [
                "daglige leder", "fælles møde", "mentorteam", "sekretariat", "jobcentret", "behøver ikke at sige det",
                "over for arbejdsgiveren",
            ],
            .en: [
                "daily leader", "joint meeting", "mentor team", "secretariat", "job centre", "do not need to tell",
                "towards the employer",
            ],
        ],
        "symb": [
            .da: [
                "daglige leder", "tager den første kontakt", "fælles møde", "mentorteam", "forbundet",
                "behøver ikke at sige det",
            ],
            .en: [
                "daily leader", "make the first contact", "joint meeting", "mentor team", "union",
                "do not need to tell",
            ],
        ],
        "lab": [
            .da: [
                "daglige leder", "tager den første kontakt", "fælles møde", "mentorteam", "forbundet", "sekretariat",
                "frivillig", "behøver ikke at sige det",
            ],
            .en: [
                "daily leader", "make the first contact", "joint meeting", "mentor team", "union", "secretariat",
                "volunteer", "do not need to tell",
            ],
        ],
    ]

    /// A program's rule that its texts must state where they touch it: (program, rule, phrase).
    static let required: [Language: [(String, Rule, String)]] = [
        .da: [
            ("symb", .evaluation, "sendes ikke videre til kommunen eller jobcentret"),
            ("fki", .afterFirstMeeting, "arbejdsgiver"),
        ],
        .en: [
            ("symb", .evaluation, "not passed on to the council or the job centre"),
            ("fki", .afterFirstMeeting, "employer"),
        ],
    ]

    static let names = [
        "mentorshoppen": "Mentorshoppen Holstebro", "djoef": "Djøf", "fki": "Forbundet Kultur og Information",
        "symb": "SYMB MentorKorps", "lab": "Mentorordningen",
    ]

    static func programs() -> [ProgramSettings] {
        ProgramSettings.presetNames.compactMap { preset in
            var program = ProgramSettings.preset(preset, id: preset, name: names[preset])
            // Mentorshoppen's café evenings come from its config.
            if preset == "mentorshoppen", let time = LocalTime(hour: 18, minute: 0),
                let from = LocalDate(year: 2026, month: 1, day: 7)
            {
                program?.cafe = CafeSchedule(weekday: 3, time: time, everyWeeks: 2, from: from)
            }
            return program
        }
    }

    /// Whether `program` ever sends `rule`, or shows the reply-confirmation section `shown`.
    static func sends(_ program: ProgramSettings, _ rule: Rule, _ role: RecipientRole, shown: String) -> Bool {
        let evaluates = program.evaluationEveryMonths != nil || program.evaluationAtEnd
        switch rule {
        case .agendaReminder: return program.agendaReminderDays != nil
        case .afterFirstMeeting: return program.afterFirstMeeting != nil
        case .noContinue: return program.afterFirstMeeting == .continue
        case .cafeInvite, .cafeCancel, .cafeRsvp: return program.cafe != nil
        case .monthlyHours: return program.monthlyTarget != nil
        case .evaluation, .evaluationReminder: return evaluates
        case .replyConfirmation:
            switch shown {
            case "continueYes", "continueNo": return program.afterFirstMeeting == .continue
            case "agreement": return program.afterFirstMeeting == .agreement
            case "yes", "no": return program.cafe != nil && role == .mentee
            case "hours": return role == .mentor
            case "evaluated": return evaluates
            default: return true
            }
        default: return true
        }
    }

    struct Text {
        var label: String
        var program: ProgramSettings
        var rule: Rule
        var role: RecipientRole
        var channel: Channel
        var values: [String: String]
        var message: RenderedMessage
    }

    /// Every text of every program in `language`.
    static func texts(_ language: Language) throws -> [Text] {
        let catalog = try TemplateCatalog.load(
            directory: GoldenTextTests.repository.appendingPathComponent("templates").path)
        var texts: [Text] = []
        for program in programs() {
            for rule in Rule.allCases {
                let groups = SMSLength.exclusive[rule] ?? [""]
                for shown in groups {
                    var values = SMSLength.worstCase(SMSLength.Longest(), language: language)
                    for name in rule.variables where values[name] == nil { values[name] = "yes" }
                    for other in groups where other != shown { values[other] = nil }
                    values.merge(program.textVariables(language)) { $1 }
                    values["program"] = program.name
                    if rule == .firstMeeting && program.shareMentorContact {
                        values["mentorEmail"] = "soeren.mariegaard@example.dk"
                    } else if rule.asksLeaderToContactPair {
                        values.merge(pairContact) { $1 }
                    } else {
                        values["mentorEmail"] = nil
                        values["mentorPhone"] = nil
                    }
                    values["variant"] = program.afterFirstMeeting?.rawValue
                    for replies in ["1", ""] {
                        values["replies"] = replies
                        for role in rule.roles where sends(program, rule, role, shown: shown) {
                            for channel in rule.channels {
                                let message = try catalog.render(
                                    rule: rule, role: role, channel: channel, language: language, variables: values)
                                let label =
                                    "\(language.rawValue) \(program.preset) \(rule.rawValue) \(role.rawValue) "
                                    + "\(channel.rawValue)\(shown.isEmpty ? "" : " " + shown)"
                                    + (replies.isEmpty ? "" : " (answers read)")
                                texts.append(
                                    Text(
                                        label: label, program: program, rule: rule, role: role, channel: channel,
                                        values: values, message: message))
                            }
                        }
                    }
                }
            }
        }
        return texts
    }

    /// The problems of one text; empty when it is whole and true to its program.
    static func problems(_ text: Text, language: Language) -> [String] {
        var problems: [String] = []
        let body = text.message.body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.isEmpty else { return ["the body is empty"] }
        // A greeting and a signature around nothing: the section for this case is missing.
        if text.message.body.contains("\n\n\n\n") || text.message.body.hasPrefix(" ") {
            problems.append("no text between greeting and signature")
        }
        let lines = body.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let name = text.program.name
        if text.channel == .email {
            if text.message.subject.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("no subject") }
            let greetings = language == .da ? ["Hej "] : ["Hi ", "Dear ", "Hello "]
            if !greetings.contains(where: { lines[0].hasPrefix($0) }) { problems.append("no greeting: \(lines[0])") }
            // The desk's sign-in link is the desk's, not one program's: it signs as the desk.
            let signature =
                text.rule == .deskLogin ? (language == .da ? "Mentorskrivebordet" : "The mentor desk") : name
            if lines.count < 3 || !(lines.last ?? "").hasPrefix(signature) { problems.append("no signature") }
        } else if text.rule != .recurring {
            // The wake-up SMS is the contact person's own words, as they wrote them.
            if !body.hasSuffix(name) && !body.hasSuffix(name + ".") { problems.append("no signature") }
        }
        let lower = body.lowercased()
        for phrase in forbidden[text.program.preset]?[language] ?? [] where lower.contains(phrase.lowercased()) {
            problems.append("another program's rule: '\(phrase)'")
        }
        if text.channel == .sms, !GSMText.isGSM(text.message.body) {
            problems.append("a character outside the SMS alphabet (the text would cost three times as much)")
        }
        if lower.contains("+4512345678") { problems.append("a phone number not written as Danes write it") }
        if text.channel == .sms, let contact = text.values["contact"] {
            let verbs = #"(kontakt|kontakte|giv|fortæl det til|ring til|skriv til|contact|tell|call|text|let)"#
            let asks = body.range(
                of: verbs + #" "# + NSRegularExpression.escapedPattern(for: contact) + #"\b"#,
                options: [.regularExpression, .caseInsensitive])
            if asks != nil, !body.contains("+45 12 34 56 78") {
                problems.append("asks to contact \(contact) without the number")
            }
        }
        if text.role == .leader {
            problems += pairContactMissing(text, body: body)
        }
        // Where the mentee takes the first contact, the reminder says how to reach the mentor.
        if text.rule == .firstMeeting, text.role == .mentee, text.program.shareMentorContact {
            let address = text.channel == .sms ? "+45 12 34 56 78" : "soeren.mariegaard@example.dk"
            if !body.contains(address) { problems.append("asks to contact the mentor without \(address)") }
        }
        return problems
    }

    /// The pair's numbers and addresses as a leader's alert gets them (distinct, to tell them apart).
    static let pairContact = [
        "mentorPhone": "+4512345678", "menteePhone": "+4523456789",
        "mentorEmail": "soeren.mariegaard@example.dk", "menteeEmail": "ida.holmvang@example.dk",
    ]

    /// Words that ask the leader to reach the pair (ring, write, contact, hear how it goes).
    static let asksToReachPair = [
        "kontakt dem", "kontakt til dem", "skriv gerne til dem", "ring eller skriv", "ring til dem", "hør gerne",
        "hør, hvordan", "contact them", "in touch with them", "check in", "checking in", "worth asking",
        "ring or write", "call or write", "call them", "ring them",
    ]

    /// A leader's text that asks them to reach a pair carries both numbers, and on email both
    /// addresses too.
    static func pairContactMissing(_ text: Text, body: String) -> [String] {
        // Only a text about one pair names them (the digest's SMS counts pairs; its email lists them).
        guard let mentor = text.values["mentor"], body.contains(mentor) else { return [] }
        let lower = body.lowercased()
        guard asksToReachPair.contains(where: lower.contains) else { return [] }
        var needed = ["+45 12 34 56 78", "+45 23 45 67 89"]
        if text.channel == .email { needed += ["soeren.mariegaard@example.dk", "ida.holmvang@example.dk"] }
        return needed.filter { !body.contains($0) }.map { "asks the leader to contact the pair without \($0)" }
    }

    static func check(_ language: Language) throws {
        let texts = try texts(language)
        #expect(texts.count > 500)
        for text in texts {
            for problem in problems(text, language: language) {
                Issue.record("\(text.label): \(problem)\n\(text.message.body)")
            }
        }
        for (preset, rule, phrase) in required[language] ?? [] {
            let matching = texts.filter {
                $0.program.preset == preset && $0.rule == rule && $0.role != .leader && $0.channel == .email
            }
            #expect(!matching.isEmpty, "no \(preset) \(rule.rawValue) email to check for '\(phrase)'")
            for text in matching {
                #expect(text.message.body.contains(phrase), "\(text.label): does not say '\(phrase)'")
            }
        }
    }

    @Test func everyDanishTextIsWholeAndTrueToItsProgram() throws { try Self.check(.da) }

    @Test
    func everyEnglishTextIsWholeAndTrueToItsProgram() throws { try Self.check(.en) }

    @Test func danishNumbersAreWrittenInPairs() {
        #expect(PhoneNumbers.written("+4512345678") == "+45 12 34 56 78")
        #expect(PhoneNumbers.written("0045 1234 5678") == "+45 12 34 56 78")
        #expect(PhoneNumbers.written("13 24 35 46") == "+45 13 24 35 46")
        #expect(PhoneNumbers.written("+46701234567") == "+46701234567")
        #expect(PhoneNumbers.written("") == "")
    }

    @Test func danishTimesHaveAPoint() {
        #expect(HumanDates.humanize(["time": "17:00", "oldTime": "09:30"], .da)["time"] == "17.00")
        #expect(HumanDates.humanize(["oldTime": "09:30"], .da)["oldTime"] == "09.30")
        #expect(HumanDates.humanize(["time": "17:00"], .en)["time"] == "17:00")
        #expect(HumanDates.humanize(["contactPhone": "+4512256664"], .en)["contactPhone"] == "+45 12 25 66 64")
    }
}

extension SMSLength.Longest {
    /// The built-in programs' own words: every SMS checked as each preset's people get it.
    static var presets: SMSLength.Longest {
        var longest = SMSLength.Longest()
        for language in Language.allCases {
            longest.programTexts[language] = ProgramTextTests.programs().map { $0.textVariables(language) }
        }
        return longest
    }
}
