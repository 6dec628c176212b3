import Foundation
import MentorModel
import MentorStore
import Scheduler

/// `programs`: each program's preset and what it overrides, its leaders, café, contact and forms.
extension Config {
    /// One program: its preset, then what the object overrides, each part read by a function of its own.
    static func parseProgram(_ reader: inout JSONReader) throws(ConfigError) -> ProgramSettings {
        var program = try parsePreset(&reader)
        if let language = try reader.string("language") {
            guard let value = Language(rawValue: language) else {
                throw ConfigError(reader.keyPath("language"), "must be da or en")
            }
            program.language = value
        }
        for var leader in try reader.array("leaders") ?? [] {
            program.leaders.append(try parseLeader(&leader))
        }
        try parseRuleSettings(&reader, into: &program)
        if var eligibility = try reader.object("eligibility") {
            program.eligibility = try parseEligibility(&eligibility, over: program.eligibility)
        }
        if var cafe = try reader.object("cafe") {
            program.cafe = try parseCafe(&cafe)
        }
        if var contact = try reader.object("contact") {
            program.contact = try parseContact(&contact)
        }
        if var forms = try reader.object("evaluationForm") {
            program.evaluationFormMentor = try formURL(&forms, "mentor")
            program.evaluationFormMentee = try formURL(&forms, "mentee")
            try forms.finish()
        }
        _ = try checked(reader.keyPath("name")) { () throws(InputError) in try Validate.name(program.name) }
        try reader.finish()
        return program
    }

    /// `id` and `preset`: the program with its preset's rule settings.
    static func parsePreset(_ reader: inout JSONReader) throws(ConfigError) -> ProgramSettings {
        guard let id = try reader.string("id"), (try? Validate.ref(id)) != nil else {
            throw ConfigError(reader.keyPath("id"), "is missing or not a simple name (letters, digits, - and _)")
        }
        let presets = ProgramSettings.presetNames.joined(separator: ", ")
        guard let preset = try reader.string("preset") else {
            throw ConfigError(reader.keyPath("preset"), "is missing; use one of \(presets)")
        }
        guard let program = ProgramSettings.preset(preset, id: id, name: try reader.string("name")) else {
            throw ConfigError(reader.keyPath("preset"), "'\(preset)' is not a preset; use one of \(presets)")
        }
        return program
    }

    /// A leader: a name and an address for every channel they are reached on.
    static func parseLeader(_ leader: inout JSONReader) throws(ConfigError) -> Leader {
        guard let name = try leader.string("name"), !name.isEmpty else {
            throw ConfigError(leader.keyPath("name"), "is missing")
        }
        _ = try checked(leader.keyPath("name")) { () throws(InputError) in try Validate.name(name) }
        var email: String?
        var phone: String?
        var channels: Set<Channel>?
        if let raw = try leader.string("email") {
            email = try checked(leader.keyPath("email")) { () throws(InputError) in try Validate.email(raw) }
        }
        if let raw = try leader.string("phone") {
            phone = try checked(leader.keyPath("phone")) { () throws(InputError) in try Validate.phone(raw) }
        }
        if let raw = try leader.string("channels") {
            channels = try checked(leader.keyPath("channels")) { () throws(InputError) in try Channel.parseList(raw) }
        }
        var language = Language.da
        if let raw = try leader.string("lang") {
            guard let value = Language(rawValue: raw) else {
                throw ConfigError(leader.keyPath("lang"), "must be da or en")
            }
            language = value
        }
        guard email != nil || phone != nil else {
            throw ConfigError(leader.path, "a leader needs an email or a phone, or alerts cannot reach them")
        }
        var value = Leader(name: name, email: email, phone: phone, channels: channels)
        value.language = language
        for channel in value.channels where value.address(channel) == nil {
            throw ConfigError(
                leader.keyPath("channels"), "\(channel.rawValue) is chosen but the leader has no address for it")
        }
        try parseDuty(&leader, into: &value)
        try leader.finish()
        return value
    }

    /// When a leader leads: `from`, `until` (both included) and `away` periods inside them.
    static func parseDuty(_ leader: inout JSONReader, into value: inout Leader) throws(ConfigError) {
        func ordered(_ from: LocalDate?, _ until: LocalDate?, _ reader: JSONReader) throws(ConfigError) {
            guard let from, let until, until < from else { return }
            throw ConfigError(
                reader.keyPath("until"), "\(until) is before from (\(from)); the days are from ... until, both included"
            )
        }
        value.from = try date(&leader, "from")
        value.until = try date(&leader, "until")
        try ordered(value.from, value.until, leader)
        for var period in try leader.array("away") ?? [] {
            guard let from = try date(&period, "from"), let until = try date(&period, "until") else {
                throw ConfigError(
                    period.path, "an away period needs \"from\" and \"until\" (YYYY-MM-DD, both included)")
            }
            try ordered(from, until, period)
            try period.finish()
            value.away.append(DateSpan(from: from, until: until))
        }
    }

    /// The rule settings a program may override; `null` switches a rule off.
    static func parseRuleSettings(_ reader: inout JSONReader, into program: inout ProgramSettings)
        throws(ConfigError)
    {
        program.durationMonths = try reader.int("durationMonths", min: 1, max: 120) ?? program.durationMonths
        func days(_ key: String, _ current: Int?) throws(ConfigError) -> Int? {
            if reader.isNull(key) { return nil }
            return try reader.int(key, min: 0, max: 3650) ?? current
        }
        program.firstMeetingReminderDays = try days("firstMeetingReminderDays", program.firstMeetingReminderDays)
        program.firstMeetingAlertDays = try days("firstMeetingAlertDays", program.firstMeetingAlertDays)
        if reader.isNull("afterFirstMeeting") {
            program.afterFirstMeeting = nil
        } else if let value = try reader.string("afterFirstMeeting") {
            guard let mode = AfterFirstMeeting(rawValue: value) else {
                throw ConfigError(reader.keyPath("afterFirstMeeting"), "must be \"continue\", \"agreement\" or null")
            }
            program.afterFirstMeeting = mode
        }
        program.afterFirstMeetingDays =
            try reader.int("afterFirstMeetingDays", max: 60) ?? program.afterFirstMeetingDays
        program.monthlyTargetMinutes = try days("monthlyTargetMinutes", program.monthlyTargetMinutes)
        program.monthlyReminderDay = try reader.int("monthlyReminderDay", min: 1, max: 31) ?? program.monthlyReminderDay
        program.contactNudgeDays = try days("contactNudgeDays", program.contactNudgeDays)
        program.missedContactDays = try days("missedContactDays", program.missedContactDays)
        program.evaluationEveryMonths = try days("evaluationEveryMonths", program.evaluationEveryMonths)
        program.evaluationAtEnd = try reader.bool("evaluationAtEnd") ?? program.evaluationAtEnd
        program.evaluationReminderDays =
            try reader.int("evaluationReminderDays", min: 1, max: 90) ?? program.evaluationReminderDays
        program.endNoticeDays = try days("endNoticeDays", program.endNoticeDays)
        program.cafeInviteDays = try reader.int("cafeInviteDays", max: 30) ?? program.cafeInviteDays
        program.meetingReminderDays = try days("meetingReminderDays", program.meetingReminderDays)
        program.agendaReminderDays = try days("agendaReminderDays", program.agendaReminderDays)
        program.recurringGraceMinutes =
            try reader.int("recurringGraceMinutes", min: 1, max: 1440) ?? program.recurringGraceMinutes
        program.shareMentorContact = try reader.bool("shareMentorContact") ?? program.shareMentorContact
    }

    /// Who may be matched: ages and the certificate; `null` lifts a limit.
    static func parseEligibility(_ reader: inout JSONReader, over preset: Eligibility) throws(ConfigError)
        -> Eligibility
    {
        var rules = preset
        func age(_ key: String, _ current: Int?) throws(ConfigError) -> Int? {
            if reader.isNull(key) { return nil }
            return try reader.int(key, max: 120) ?? current
        }
        rules.menteeMinAge = try age("menteeMinAge", rules.menteeMinAge)
        rules.menteeMaxAge = try age("menteeMaxAge", rules.menteeMaxAge)
        rules.mentorOlderThan = try age("mentorOlderThan", rules.mentorOlderThan)
        rules.mentorCertificateRequired =
            try reader.bool("mentorCertificateRequired") ?? rules.mentorCertificateRequired
        try reader.finish()
        return rules
    }

    /// Whom people contact: a name, and a phone number or an email address (or both).
    static func parseContact(_ reader: inout JSONReader) throws(ConfigError) -> ProgramContact {
        guard let name = try reader.string("name"), !name.isEmpty else {
            throw ConfigError(reader.keyPath("name"), "is missing; write whom people contact, e.g. \"Elias\"")
        }
        _ = try checked(reader.keyPath("name")) { () throws(InputError) in try Validate.name(name) }
        var contact = ProgramContact(name: name)
        if let email = try reader.string("email") {
            contact.email = try checked(reader.keyPath("email")) { () throws(InputError) in try Validate.email(email) }
        }
        if let phone = try reader.string("phone") {
            contact.phone = try checked(reader.keyPath("phone")) { () throws(InputError) in try Validate.phone(phone) }
        }
        guard contact.email != nil || contact.phone != nil else {
            throw ConfigError(reader.keyPath("phone"), "give a phone number or an email address (or both)")
        }
        try reader.finish()
        return contact
    }

    /// An evaluation form's address: https:// (or http://), no line breaks, no secrets.
    static func formURL(_ reader: inout JSONReader, _ key: String) throws(ConfigError) -> String? {
        guard let value = try reader.string(key) else { return nil }
        guard value.hasPrefix("https://") || value.hasPrefix("http://"), let url = URL(string: value),
            url.host != nil, value.count <= 100
        else {
            throw ConfigError(
                reader.keyPath(key),
                "must be the form's address (at most 100 characters: it goes into SMS), e.g. https://forms.example.dk/evaluering"
            )
        }
        try checkText(value, key: reader.keyPath(key))
        return value
    }

    /// A recurring café evening: a weekday, a time, every N weeks from a first evening.
    static func parseCafe(_ cafe: inout JSONReader) throws(ConfigError) -> CafeSchedule {
        guard let day = try cafe.string("weekday"), let weekday = LocalDate.weekday(named: day) else {
            throw ConfigError(cafe.keyPath("weekday"), "must be a weekday in English, e.g. \"wednesday\"")
        }
        guard let time = try time(&cafe, "time") else {
            throw ConfigError(cafe.keyPath("time"), "is missing; write HH:MM")
        }
        guard let from = try date(&cafe, "from") else {
            throw ConfigError(cafe.keyPath("from"), "is missing; write the date of the first evening, YYYY-MM-DD")
        }
        guard from.weekday == weekday else {
            throw ConfigError(cafe.keyPath("from"), "\(from) is not a \(day); give the date of the first evening")
        }
        let every = try cafe.int("everyWeeks", min: 1, max: 52) ?? 1
        let until = try date(&cafe, "until")
        let place = try cafe.string("place")
        if let place {
            _ = try checked(cafe.keyPath("place")) { () throws(InputError) in try Validate.place(place) }
        }
        try cafe.finish()
        return CafeSchedule(weekday: weekday, time: time, everyWeeks: every, from: from, until: until, place: place)
    }
}
