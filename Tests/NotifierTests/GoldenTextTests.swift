import Foundation
import MentorModel
import MentorStore
import Scheduler
import Testing
import Transport

@testable import Notifier

/// Every text as people read it, in one file: each template in Danish and English, for every role,
/// channel and variant, with typical values (answers read and not, forms and not, each exclusive
/// section) and with the longest values an SMS can carry. A change of wording is a reviewed diff of
/// `Tests/NotifierTests/Golden/texts.txt`; `make texts` writes it anew.
@Suite struct GoldenTextTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let golden = repository.appendingPathComponent("Tests/NotifierTests/Golden/texts.txt").path

    static let typical: [String: String] = [
        "recipient": "Søren", "program": "Mentorshoppen Holstebro", "mentor": "Søren Mikkelsen",
        "mentee": "Amira Hansen", "mentorFirst": "Søren", "menteeFirst": "Amira", "relationship": "16",
        "contact": "Elias", "contactPhone": "+4512345678", "contactEmail": "elias@mentorshoppen.dk",
        "start": "2026-03-02", "date": "2026-03-19", "end": "2027-03-01", "days": "30", "month": "2026-03",
        "minutes": "135", "target": "240", "missing": "105", "hours": "210", "time": "17:00", "place": "Huset",
        "oldDate": "2026-03-17", "oldTime": "16:00",
        "text": "Godmorgen! Husk praktik kl. 8.", "count": "3", "by": "Amira Hansen", "sender": "Amira Hansen",
        "channel": "e-mail", "about": "invitationen til caféaften", "yesCount": "4", "noCount": "1",
        "silentCount": "7", "yes": "Amira Hansen, Noah Rasmussen", "more": "5", "address": "amira.hansen@gmail[.]com",
        "reason": "the SMTP server refused the login: SMTP 535 5.7.8 Authentication credentials invalid",
        "lines": [
            TextLines.record(["Søren Mikkelsen", "Amira Hansen", "135", "240"]),
            TextLines.record(["Inge Thomsen", "Noah Rasmussen", "0", "240"]),
        ].joined(separator: "\n"),
    ]

    /// The scenarios a rule's texts are shown in.
    static func scenarios(_ rule: Rule) -> [(String, [String: String])] {
        var base = typical
        // A forward shows the sender's lines set apart (`ForwardText`).
        if rule == .replyForward { base["text"] = "| " + (base["text"] ?? "") }
        if rule == .deliveryFailed {
            base["lines"] = [
                TextLines.record(["Amira Hansen", "mentee", "first-meeting", "sms", "gateway 400: invalid number"]),
                TextLines.record(["Søren Mikkelsen", "mentor", "monthly-hours", "email", "bounced: 5.1.1 user unknown"]
                ),
                TextLines.record(["", "mentee", "cafe-invite", "email", "gave up after 9 attempts over 5 days"]),
            ].joined(separator: "\n")
        }
        var list: [(String, [String: String])] = []
        let groups = SMSLength.exclusive[rule] ?? [""]
        for shown in groups {
            var values = base
            for other in groups where other != shown { values[other] = nil }
            if !shown.isEmpty, values[shown] == nil { values[shown] = "yes" }
            let label = shown.isEmpty ? "" : " \(shown)"
            list.append(("typical\(label)", values))
            var answered = values
            answered["replies"] = "1"
            list.append(("answers read\(label)", answered))
            if rule == .evaluation || rule == .evaluationReminder {
                for final in ["", "yes"] {
                    var withForms = answered
                    withForms["final"] = final
                    withForms["formMentor"] = "https://forms.example.dk/mentor"
                    withForms["formMentee"] = "https://forms.example.dk/mentee"
                    list.append(("forms, final \(final.isEmpty ? "no" : "yes")", withForms))
                }
            }
            if rule == .replyForward, shown == "more" {
                var one = values
                one["more"] = "1"
                list.append(("one more", one))
            }
            if rule == .deliveryFailed || rule == .monthlyDigest {
                var one = values
                one["count"] = "1"
                one["lines"] = values["lines"].map { String($0.split(separator: "\n").first ?? "") }
                list.append(("one\(label)", one))
            }
        }
        if rule == .monthlyDigest {
            var withOptOuts = base
            withOptOuts["optOuts"] = [
                TextLines.record(["Amira Hansen", "mentee", "email", "stop", "link", "2026-03-03"]),
                TextLines.record(["Noah Rasmussen", "mentee", "sms", "stop", "reply", "2026-03-10"]),
                TextLines.record(["Noah Rasmussen", "mentee", "sms", "start", "reply", "2026-03-17"]),
                TextLines.record(["Inge Thomsen", "mentor", "email", "stop", "leader", "2026-03-20"]),
                TextLines.record(["", "mentee", "email", "stop", "link", "2026-03-24"]),
                TextLines.record(["Jonas Berg", "mentee", "email", "stop", "complaint", "2026-03-25"]),
                TextLines.record(["Jonas Berg", "mentee", "email", "start", "leader", "2026-03-27"]),
            ].joined(separator: "\n")
            list.append(("with opt-outs", withOptOuts))
            var onlyOptOuts = withOptOuts
            onlyOptOuts["lines"] = nil
            onlyOptOuts["count"] = nil
            list.append(("opt-outs only", onlyOptOuts))
            var onlyUnreadable = onlyOptOuts
            onlyUnreadable["optOuts"] = nil
            onlyUnreadable["unreadable"] = [
                TextLines.record(["2026-03-03", "moved", "Ulæselig"]),
                TextLines.record(["2026-03-10", "left", "INBOX"]),
            ].joined(separator: "\n")
            list.append(("unreadable replies only", onlyUnreadable))
        }
        return list
    }

    /// The whole read-through, deterministic.
    static func render() throws -> String {
        let catalog = try TemplateCatalog.load(directory: repository.appendingPathComponent("templates").path)
        var out = "# Every text mentor-notify sends, as people read them. Written by `make texts`; checked by\n"
        out += "# GoldenTextTests. A change here is a change of what people read: review it as such.\n"
        for language in Language.allCases {
            for rule in Rule.allCases {
                for role in rule.roles {
                    let variants: [String?] = TemplateCatalog.variants[rule] ?? [nil]
                    for variant in variants {
                        for channel in rule.channels {
                            var seen = Set<String>()
                            var cases = scenarios(rule)
                            if channel == .sms {
                                cases.append(
                                    (
                                        "longest values",
                                        SMSLength.worstCases(rule, .presets, language: language)[0]
                                    ))
                            }
                            // Each program's wording, where its text differs from the programs before.
                            let programs = ProgramTextTests.programs().filter { program in
                                variant == nil || program.afterFirstMeeting?.rawValue == variant
                            }
                            for (label, values) in cases {
                                // Only the programs that send it (a café answer only where there are cafés).
                                let shown = (SMSLength.exclusive[rule] ?? []).first { values[$0] != nil } ?? ""
                                for program in programs
                                where ProgramTextTests.sends(program, rule, role, shown: shown) {
                                    var values = values.filter { !Rule.programVariables.contains($0.key) }
                                        .merging(program.textVariables(language)) { $1 }
                                    // The mentor's address, where the mentee takes the first contact (added by the cycle).
                                    if rule == .firstMeeting && program.shareMentorContact {
                                        values["mentorEmail"] = "soren@example.dk"
                                        values["mentorPhone"] = "+4513243546"
                                    }
                                    // The pair's numbers and addresses, in an alert asking the leader to contact them.
                                    if rule.asksLeaderToContactPair && label != "longest values" {
                                        values["mentorEmail"] = "soren@example.dk"
                                        values["mentorPhone"] = "+4513243546"
                                        values["menteeEmail"] = "amira@example.dk"
                                        values["menteePhone"] = "+4524354657"
                                    }
                                    if label != "longest values" {
                                        values["recipient"] = [.mentor: "Søren", .leader: "Louise"][role] ?? "Amira"
                                    }
                                    if language == .en { values["about"] = "the invitation to the café evening" }
                                    values["variant"] = variant
                                    let message = try catalog.render(
                                        rule: rule, role: role, channel: channel, language: language, variables: values)
                                    let text =
                                        (channel == .email ? "Subject: \(message.subject)\n\n" : "") + message.body
                                    // A section that does not apply to this role (a mentee's hours) shows nothing.
                                    if message.body.hasPrefix(" ") || message.body.contains("\n\n\n\n") { continue }
                                    guard seen.insert(text).inserted else { continue }
                                    let header = [
                                        language.rawValue, rule.rawValue, role.rawValue, channel.rawValue, variant,
                                    ]
                                    .compactMap { $0 }.joined(separator: " ")
                                    out += "\n======== \(header) — \(label), \(program.preset)"
                                    if channel == .sms {
                                        out += " (\(SMSEncoding.segments(GSMText.bestEffort(message.body))) segments)"
                                    }
                                    out += "\n" + text.trimmingCharacters(in: .newlines) + "\n"
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    @Test func everyTextIsAsReviewed() throws {
        let rendered = try Self.render()
        if ProcessInfo.processInfo.environment["UPDATE_TEXTS"] == "1" {
            try rendered.write(toFile: Self.golden, atomically: true, encoding: .utf8)
        }
        let reviewed = (try? String(contentsOfFile: Self.golden, encoding: .utf8)) ?? ""
        guard rendered != reviewed else { return }
        let old = reviewed.split(separator: "\n", omittingEmptySubsequences: false)
        let new = rendered.split(separator: "\n", omittingEmptySubsequences: false)
        let first =
            zip(old, new).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(old.count, new.count)
        Issue.record(
            """
            the texts differ from Tests/NotifierTests/Golden/texts.txt from line \(first + 1):
              reviewed: \(first < old.count ? String(old[first]) : "(end)")
              now:      \(first < new.count ? String(new[first]) : "(end)")
            If the change is meant, run `make texts` and review the diff.
            """)
    }

    /// Nothing a person reads is a command, an id, a technical arrow or the program signing itself.
    @Test func noTextToAPersonHasACommandAnIdOrOurName() throws {
        let rendered = try Self.render()
        let texts = rendered.components(separatedBy: "\n======== ").dropFirst()
        #expect(texts.count > 300)
        for text in texts {
            let body = text.split(separator: "\n", maxSplits: 1).last.map(String.init) ?? ""
            let header = String(text.prefix(while: { $0 != "\n" }))
            #expect(!body.contains("mentor-notify"), "\(header): names the program's own name or a command")
            #expect(!body.contains("#"), "\(header): '#'")
            #expect(!body.contains("→"), "\(header): '→'")
            #expect(!body.contains(" --"), "\(header): a command-line option")
            #expect(
                body.range(of: #"(?i)\b(forløb|relationship|outbox|person) [0-9]"#, options: .regularExpression) == nil,
                "\(header): an id")
            #expect(!body.contains("{{") && !body.contains("}}"), "\(header): a template tag")
            #expect(!body.contains(" 1 beskeder") && !body.contains(" 1 messages"), "\(header): 1 with a plural")
        }
    }
}
