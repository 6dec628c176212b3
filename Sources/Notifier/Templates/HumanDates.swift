import Foundation
import MentorModel

/// Dates as people write them: `onsdag den 7. januar 2026`, `Wednesday 7 January 2026`.
/// The scheduler hands over ISO dates; the texts show them this way.
enum HumanDates {
    static let danishDays = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
    static let danishMonths = [
        "januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november",
        "december",
    ]
    static let englishDays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    static let englishMonths = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    /// `withYear: false` for SMS, where every character counts and the year is plain.
    static func date(_ date: LocalDate, _ language: Language, withYear: Bool = true) -> String {
        let year = withYear ? " \(date.year)" : ""
        switch language {
        case .da: return "\(danishDays[date.weekday - 1]) den \(date.day). \(danishMonths[date.month - 1])" + year
        case .en: return "\(englishDays[date.weekday - 1]) \(date.day) \(englishMonths[date.month - 1])" + year
        }
    }

    static func month(_ month: YearMonth, _ language: Language) -> String {
        switch language {
        case .da: return "\(danishMonths[month.month - 1]) \(month.year)"
        case .en: return "\(englishMonths[month.month - 1]) \(month.year)"
        }
    }

    /// The variables as a person reads them: ISO dates and months written out (an SMS's without
    /// the year), phone numbers in pairs, Danish times with a point, minutes as hours, lists in sentences, and `single` when a count (`count`, or
    /// `more`) is one (for the noun's number: "1 besked", "3 beskeder").
    static func humanize(
        _ variables: [String: String], _ language: Language, channel: Channel = .email, rule: Rule? = nil
    )
        -> [String: String]
    {
        var result = variables
        for key in ["date", "start", "end", "oldDate"] {
            if let raw = variables[key], let value = LocalDate(raw) {
                result[key] = date(value, language, withYear: channel == .email)
            }
        }
        if variables["count"] == "1" || variables["more"] == "1" { result["single"] = "yes" }
        if let raw = variables["lines"], let rule { result["lines"] = HumanLists.lines(raw, rule: rule, language) }
        if let raw = variables["optOuts"] { result["optOuts"] = HumanLists.optOutLines(raw, language) }
        if let raw = variables["unreadable"] { result["unreadable"] = HumanLists.unreadableLines(raw, language) }
        if let raw = variables["month"], let value = YearMonth(raw) {
            let written = month(value, language)
            // In an SMS the month alone: "i marts".
            result["month"] = channel == .email ? written : String(written.split(separator: " ").first ?? "")
        }
        for key in PhoneNumbers.variables {
            if let raw = variables[key] { result[key] = PhoneNumbers.written(raw) }
        }
        // Danes write a time of day with a point: "kl. 17.00".
        if language == .da {
            for key in ["time", "oldTime"] {
                if let raw = variables[key], LocalTime(raw) != nil {
                    result[key] = raw.replacingOccurrences(of: ":", with: ".")
                }
            }
        }
        if variables["minutes"] == "0" { result["noContact"] = "yes" }
        for key in ["hours", "minutes", "target"] {
            if let raw = variables[key], let minutes = Int(raw) { result[key] = duration(minutes, language) }
        }
        return result
    }

    /// `3,5 timer`, `1 time og 40 minutter`, `45 minutter`; `3.5 hours`, `1 hour and 40 minutes`.
    static func duration(_ minutes: Int, _ language: Language) -> String {
        let (hours, rest) = minutes.quotientAndRemainder(dividingBy: 60)
        let (hourWord, hoursWord, minuteWord, minutesWord, and, comma) =
            language == .da
            ? ("time", "timer", "minut", "minutter", "og", ",") : ("hour", "hours", "minute", "minutes", "and", ".")
        func count(_ value: Int, _ one: String, _ many: String) -> String { "\(value) \(value == 1 ? one : many)" }
        if hours == 0 { return count(rest, minuteWord, minutesWord) }
        if rest == 0 { return count(hours, hourWord, hoursWord) }
        if rest == 30 { return "\(hours)\(comma)5 \(hoursWord)" }
        return "\(count(hours, hourWord, hoursWord)) \(and) \(count(rest, minuteWord, minutesWord))"
    }
}

/// The lists of leader messages, written out: who, what, and what happened, in words.
enum HumanLists {
    static func lines(_ raw: String, rule: Rule, _ language: Language) -> String {
        TextLines.records(raw).map { fields in
            "- " + (rule == .monthlyDigest ? digestLine(fields, language) : failureLine(fields, language))
        }.joined(separator: "\n")
    }

    /// `Søren Mikkelsen og Amira Hansen: 1 time og 45 minutter af 4 timer`
    static func digestLine(_ fields: [String], _ language: Language) -> String {
        guard fields.count == 4, let minutes = Int(fields[2]), let target = Int(fields[3]) else {
            return fields.joined(separator: " ")
        }
        let and = language == .da ? "og" : "and"
        let of = language == .da ? "af" : "of"
        let logged =
            minutes == 0
            ? (language == .da ? "ingen kontakt registreret" : "no contact logged")
            : "\(HumanDates.duration(minutes, language)) \(of) \(HumanDates.duration(target, language))"
        return "\(name(fields[0], "mentor", language)) \(and) \(name(fields[1], "mentee", language)): \(logged)"
    }

    /// `- Amira Hansen (mentee) afmeldte vores e-mails tirsdag den 3. marts (med linket i en e-mail)`
    static func optOutLines(_ raw: String, _ language: Language) -> String {
        TextLines.records(raw).map { "- " + optOutLine($0, language) }.joined(separator: "\n")
    }

    static func optOutLine(_ fields: [String], _ language: Language) -> String {
        guard fields.count == 6, let day = LocalDate(fields[5]) else { return fields.joined(separator: " ") }
        let who = person(fields[0], role: fields[1].isEmpty ? "person" : fields[1], language)
        let sms = fields[2] == "sms"
        let all = language == .da ? (sms ? "alle sms'er" : "alle e-mails") : (sms ? "all text messages" : "all email")
        let stop = fields[3] == "stop"
        let date = HumanDates.date(day, language, withYear: false)
        switch (language, fields[4], stop) {
        case (.da, "link", _): return "\(who) afmeldte vores e-mails \(date) (med linket i en e-mail)"
        case (.da, "complaint", _):
            return "\(who) markerede en af vores e-mails som spam \(date) og får derfor ikke flere e-mails fra os"
        case (.da, "reply", true): return "\(who) afmeldte \(all) \(date) (svarede »stop«)"
        case (.da, "reply", false):
            return "\(who) tilmeldte sig \(sms ? "sms'er" : "e-mails") igen \(date) (svarede »start«)"
        case (.da, _, false): return "\(who) blev tilmeldt \(sms ? "sms'er" : "e-mails") igen af en leder \(date)"
        case (.da, _, _): return "\(who) blev afmeldt \(all) af en leder \(date)"
        case (.en, "link", _): return "\(who) unsubscribed from our email on \(date) (with the link in an email)"
        case (.en, "complaint", _):
            return "\(who) marked one of our emails as spam on \(date), so we no longer email them"
        case (.en, "reply", true): return "\(who) stopped \(all) on \(date) (replied STOP)"
        case (.en, "reply", false):
            return "\(who) started \(sms ? "text messages" : "emails") again on \(date) (replied START)"
        case (.en, _, false): return "\(who) was put back on \(sms ? "text messages" : "email") by a leader on \(date)"
        case (.en, _, _): return "\(who) was taken off \(all) by a leader on \(date)"
        }
    }

    /// `- tirsdag den 3. marts, flyttet til mappen Ulæselig`
    static func unreadableLines(_ raw: String, _ language: Language) -> String {
        TextLines.records(raw).map { fields in
            guard fields.count == 3, let day = LocalDate(fields[0]) else { return "- " + fields.joined(separator: " ") }
            let date = HumanDates.date(day, language, withYear: false)
            let folder = folderName(fields[2], language)
            switch (language, fields[1] == "moved") {
            case (.da, true): return "- \(date), flyttet til \(folder)"
            case (.da, false): return "- \(date), ligger stadig i \(folder) (e-mailen kunne ikke flyttes)"
            case (.en, true): return "- \(date), moved to \(folder)"
            case (.en, false): return "- \(date), still in \(folder) (the email could not be moved)"
            }
        }.joined(separator: "\n")
    }

    /// A folder as a mail program shows it: IMAP's `INBOX` is the inbox, "indbakken".
    private static func folderName(_ folder: String, _ language: Language) -> String {
        switch (language, folder.uppercased() == "INBOX") {
        case (.da, true): return "indbakken"
        case (.da, false): return "mappen \(folder)"
        case (.en, true): return "the inbox"
        case (.en, false): return "the folder \(folder)"
        }
    }

    /// `Amira Hansen (mentee), SMS om det første møde: nummeret blev afvist`
    static func failureLine(_ fields: [String], _ language: Language) -> String {
        guard fields.count == 5 else { return fields.joined(separator: " ") }
        let who = person(fields[0], role: fields[1], language)
        let channel = fields[3] == "sms" ? (language == .da ? "sms" : "SMS") : (language == .da ? "e-mail" : "email")
        let about = Rule(rawValue: fields[2]).map { HumanLists.about($0, language) } ?? ""
        let what = language == .da ? "\(channel) om \(about)" : "\(channel) about \(about)"
        return "\(who), \(what): \(reason(fields[4], channel: fields[3], language))"
    }

    /// `Amira Hansen (mentee)`, or `en mentee (navn slettet)` once the person is forgotten.
    private static func person(_ value: String, role: String, _ language: Language) -> String {
        guard !value.isEmpty else { return name(value, role, language) }
        return role == "mentor" || role == "mentee" ? "\(value) (\(role))" : value
    }

    private static func name(_ value: String, _ role: String, _ language: Language) -> String {
        guard value.isEmpty else { return value }
        return language == .da ? "en \(role) (navn slettet)" : "a \(role) (name erased)"
    }

    /// What a leader can do something about, instead of the server's words.
    static func reason(_ raw: String, channel: String, _ language: Language) -> String {
        let lower = raw.lowercased()
        let address =
            channel == "sms"
            ? (language == .da ? "nummeret" : "the number") : (language == .da ? "adressen" : "the address")
        if lower.hasPrefix("bounced: 5.1") || lower.contains("refused at rcpt") || lower.contains("5.1.1") {
            return language == .da
                ? "\(address) findes ikke; ret den, eller kontakt personen på anden vis"
                : "\(address) does not exist; correct it, or reach the person another way"
        }
        if lower.hasPrefix("bounced:") {
            return language == .da
                ? "beskeden kom retur; kontakt personen på anden vis"
                : "the message came back; reach the person another way"
        }
        if lower.contains("gave up after") {
            return language == .da
                ? "kunne ikke leveres i 5 dage; tjek \(address)"
                : "could not be delivered for 5 days; check \(address)"
        }
        if channel == "sms" && (lower.contains("400") || lower.contains("422") || lower.contains("number")) {
            return language == .da ? "\(address) blev afvist; tjek det" : "\(address) was refused; check it"
        }
        return language == .da ? "kunne ikke leveres; tjek \(address)" : "could not be delivered; check \(address)"
    }

    static func about(_ rule: Rule, _ language: Language) -> String {
        let danish: [Rule: String] = [
            .firstMeeting: "det første møde", .afterFirstMeeting: "tiden efter det første møde",
            .monthlyHours: "månedens timer", .contactNudge: "at holde kontakten", .evaluation: "evalueringen",
            .evaluationReminder: "evalueringen", .endNotice: "forløbets afslutning", .end: "forløbets afslutning",
            .cafeInvite: "caféaftenen", .meetingReminder: "et møde", .agendaReminder: "dagsordenen",
            .recurring: "en fast påmindelse", .replyConfirmation: "et svar",
        ]
        let english: [Rule: String] = [
            .firstMeeting: "the first meeting", .afterFirstMeeting: "the time after the first meeting",
            .monthlyHours: "the month's hours", .contactNudge: "keeping in touch", .evaluation: "the evaluation",
            .evaluationReminder: "the evaluation", .endNotice: "the end of the mentorship",
            .end: "the end of the mentorship", .cafeInvite: "the café evening", .meetingReminder: "a meeting",
            .agendaReminder: "the agenda", .recurring: "a regular reminder", .replyConfirmation: "an answer",
        ]
        return (language == .da ? danish[rule] : english[rule]) ?? (language == .da ? "en besked" : "a message")
    }
}
