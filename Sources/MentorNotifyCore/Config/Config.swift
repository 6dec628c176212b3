public import Foundation
public import MentorModel
import MentorStore
public import Notifier
public import Scheduler
public import Transport

/// The whole configuration: SPEC.md's JSON, or the built-in defaults when there is no file.
public struct Config: Sendable {
    public var database: String?
    public var zone: Zone = .copenhagen
    public var windowFrom = LocalTime(hour: 9, minute: 0)!
    public var windowTo = LocalTime(hour: 20, minute: 0)!
    public var email: EmailSettings?
    public var sms: SMSSettings?
    /// Where answers come back (SPEC.md "Replies"); nil: no message invites an answer.
    public var replies: RepliesSettings?
    /// The web endpoint (`run` serves it); nil: no HTTP unless systemd hands over a socket.
    public var http: HTTPSettings?
    public var spool = "./spool"
    public var templates = "./templates"
    public var programs: [ProgramSettings] = []
    /// `status` exits non-zero when the last cycle is older than this.
    public var statusMaxAgeMinutes = 10
    /// Bodies of sent messages are deleted after this many days; the row stays.
    public var retentionDays = 90
    /// The daemon's cycle interval.
    public var cycleSeconds = 60
    /// Where the values came from, for `check` and logs.
    public var source = "built-in defaults"

    public init() {}

    public var schedulerSettings: SchedulerSettings {
        var settings = SchedulerSettings(zone: zone, windowFrom: windowFrom, windowTo: windowTo, programs: programs)
        settings.repliesRead = replies != nil || smsRepliesRead
        return settings
    }

    /// SMS answers are read when an SMS gateway is configured and the web endpoint its webhooks
    /// reach (`http`): the texts sent by SMS then say what to answer.
    public var smsRepliesRead: Bool { sms != nil && http != nil }

    /// Whether answers to messages on `channel` are read: email by `replies`, SMS by the webhooks.
    public func readsReplies(on channel: Channel) -> Bool {
        channel == .email ? replies != nil : smsRepliesRead
    }

    /// The config's share of the SMS worst case: its longest program and contact names and forms.
    var smsLongest: SMSLength.Longest {
        SMSLength.Longest(
            programs: programs.map(\.name), contacts: programs.flatMap(\.contactNames),
            forms: programs.flatMap { [$0.evaluationFormMentor, $0.evaluationFormMentee].compactMap { $0 } })
    }

    /// The program a command's `--program` names. An unknown one is the argument's mistake, not
    /// the config's (exit 65, with the programs there are).
    public func program(_ id: String) throws(InputError) -> ProgramSettings {
        guard let program = programs.first(where: { $0.id == id }) else {
            throw InputError(
                "--program",
                "there is no program '\(id)'; the programs are \(programs.map(\.id).joined(separator: ", "))")
        }
        return program
    }

    /// The names the built-in programs sign their messages with.
    static let builtInNames = [
        "mentorshoppen": "Mentorshoppen", "djoef": "Djøfs mentorprogram", "fki": "FKI's dimittendmentorordning",
        "symb": "SYMB MentorKorps", "lab": "Mentorordningen",
    ]

    /// The first names of the built-in programs' (fictional) daily leaders.
    static let builtInLeaders = [
        "mentorshoppen": "Elias", "djoef": "Mette", "fki": "Jonas", "symb": "Louise", "lab": "Karin",
    ]

    /// The built-in defaults: every preset as a program of its own name, spool delivery.
    public static func builtIn() -> Config {
        var config = Config()
        config.programs = ProgramSettings.presetNames.compactMap { name in
            var program = ProgramSettings.preset(name, id: name, name: builtInNames[name])
            program?.leaders = [Leader(name: builtInLeaders[name] ?? "Karin", email: "leder@example.dk")]
            if name == "mentorshoppen" {
                program?.cafe = CafeSchedule(
                    weekday: 3, time: LocalTime(hour: 18, minute: 0)!, everyWeeks: 2,
                    from: LocalDate(year: 2026, month: 1, day: 7)!, place: "Mentorshoppen")
            }
            return program
        }
        return config
    }

    public static func load(path: String) throws(ConfigError) -> Config {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(path, "cannot read the file; check the path and its permissions")
        }
        var config = try parse(data)
        config.source = path
        return config
    }

    public static func parse(_ data: Data) throws(ConfigError) -> Config {
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ConfigError("(file)", "is not valid JSON: \(error.localizedDescription)")
        }
        guard let object = json as? [String: Any] else { throw ConfigError("(file)", "must be a JSON object {...}") }
        var root = JSONReader(object, path: "")
        var config = Config()
        config.database = try root.string("database")
        if let name = try root.string("timezone") {
            guard let zone = Zone(identifier: name) else {
                throw ConfigError("timezone", "'\(name)' is not a time zone; use e.g. Europe/Copenhagen")
            }
            config.zone = zone
        }
        if var window = try root.object("sendWindow") {
            config.windowFrom = try time(&window, "from") ?? config.windowFrom
            config.windowTo = try time(&window, "to") ?? config.windowTo
            try window.finish()
            guard config.windowFrom < config.windowTo else {
                throw ConfigError("sendWindow", "'from' must be before 'to', e.g. 09:00 to 20:00")
            }
        }
        if var email = try root.object("email") {
            config.email = try parseEmail(&email)
        }
        if var sms = try root.object("sms") {
            config.sms = try parseSMS(&sms)
        }
        if var replies = try root.object("replies") {
            config.replies = try parseReplies(&replies)
        }
        if var http = try root.object("http") {
            config.http = try parseHTTP(&http)
        }
        // Twilio reports each SMS to the address the SMS names; GatewayAPI's is set in its dashboard.
        if config.sms?.provider == .twilio, let base = config.http?.publicURL {
            config.sms?.statusCallback = base + "/hooks/twilio/status"
        }
        config.spool = try root.string("spool") ?? config.spool
        config.templates = try root.string("templates") ?? config.templates
        config.statusMaxAgeMinutes = try root.int("statusMaxAgeMinutes", min: 1) ?? config.statusMaxAgeMinutes
        config.retentionDays = try root.int("retentionDays", min: 1) ?? config.retentionDays
        config.cycleSeconds = try root.int("cycleSeconds", min: 5, max: 3600) ?? config.cycleSeconds
        guard let programs = try root.array("programs"), !programs.isEmpty else {
            throw ConfigError("programs", "is missing or empty; add at least one program with an id and a preset")
        }
        for var program in programs {
            config.programs.append(try parseProgram(&program))
        }
        let ids = config.programs.map(\.id)
        if let duplicate = ids.first(where: { id in ids.filter { $0 == id }.count > 1 }) {
            throw ConfigError("programs", "the id '\(duplicate)' is used twice; program ids must be unique")
        }
        try root.finish()
        return config
    }

    static func time(_ reader: inout JSONReader, _ key: String) throws(ConfigError) -> LocalTime? {
        guard let text = try reader.string(key) else { return nil }
        guard let time = LocalTime(text) else {
            throw ConfigError(reader.keyPath(key), "'\(text)' is not a time; write HH:MM")
        }
        return time
    }

    static func date(_ reader: inout JSONReader, _ key: String) throws(ConfigError) -> LocalDate? {
        guard let text = try reader.string(key) else { return nil }
        guard let date = LocalDate(text) else {
            throw ConfigError(reader.keyPath(key), "'\(text)' is not a date; write YYYY-MM-DD")
        }
        return date
    }

    static let inlineSecretKeys = ["password", "token", "secret", "authToken", "apiKey", "webhookSecret"]

    static func refuseInlineSecrets(_ reader: inout JSONReader, fileKey: String) throws(ConfigError) {
        for key in inlineSecretKeys where reader.has(key) {
            throw ConfigError(
                reader.keyPath(key),
                "a secret must not be written in the config; put it in a file readable only by the service and name it in \(fileKey), or use systemd LoadCredential="
            )
        }
    }

    /// A URL that carries a secret (`smtp://user:pass@host`, `?token=...`) would print it in `check`, in
    /// logs and in process listings: refused, without repeating the URL.
    static func refuseSecrets(in url: URL, keyPath: String, fileKey: String) throws(ConfigError) {
        if url.user != nil || url.password != nil {
            throw ConfigError(
                keyPath,
                "must not carry a username or password; use username and \(fileKey) (a file only the service reads)")
        }
        let secretish = ["token", "key", "secret", "pass", "auth", "sig", "credential"]
        for item in URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? [] {
            let name = item.name.lowercased()
            if secretish.contains(where: name.contains) {
                throw ConfigError(
                    keyPath, "must not carry a secret in its query (\(item.name)=...); put it in \(fileKey) instead")
            }
        }
    }

    /// 127.0.0.0/8, ::1 and localhost.
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if bare == "localhost" || bare == "::1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    static func parseEmail(_ reader: inout JSONReader) throws(ConfigError) -> EmailSettings {
        try refuseInlineSecrets(&reader, fileKey: "passwordFile")
        guard let url = try reader.string("url") else {
            throw ConfigError(reader.keyPath("url"), "is missing; write smtps://host:465 or smtp://host:587")
        }
        guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://"), let parsed = URL(string: url), parsed.host != nil
        else {
            throw ConfigError(reader.keyPath("url"), "must start with smtp:// or smtps:// and name a host")
        }
        try refuseSecrets(in: parsed, keyPath: reader.keyPath("url"), fileKey: "passwordFile")
        // libcurl would take a path as the EHLO name: that name is `heloName`, said once.
        guard parsed.path.isEmpty || parsed.path == "/", parsed.query == nil else {
            throw ConfigError(
                reader.keyPath("url"),
                "must be only smtp(s)://host:port, without a path; set the EHLO name in email.heloName")
        }
        guard let from = try reader.string("from") else {
            throw ConfigError(reader.keyPath("from"), "is missing; write e.g. \"Mentorshoppen <noreply@example.dk>\"")
        }
        let address = EmailSettings.address(of: from)
        do {
            _ = try Validate.email(address, field: "from")
            try Validate.text(from, field: "from")
        } catch {
            throw ConfigError(reader.keyPath("from"), error.reason)
        }
        var settings = EmailSettings(url: url, from: from)
        settings.username = try reader.string("username")
        settings.passwordFile = try reader.string("passwordFile")
        settings.caFile = try reader.string("caFile")
        if let helo = try reader.string("heloName") {
            guard EmailSettings.isHostName(helo) else {
                throw ConfigError(
                    reader.keyPath("heloName"), "must be a fully qualified host name, e.g. mail.example.dk")
            }
            settings.heloName = helo
        }
        if let mode = try reader.string("starttls") {
            guard mode == "none" || mode == "required" else {
                throw ConfigError(
                    reader.keyPath("starttls"), "must be \"required\" (the default) or \"none\" for a local relay")
            }
            settings.requireTLS = mode != "none"
            // Without TLS the password and every message cross the network in clear: only a relay on
            // this machine may be spoken to that way.
            if !settings.requireTLS, !Config.isLoopback(parsed.host ?? "") {
                throw ConfigError(
                    reader.keyPath("starttls"),
                    "\"none\" is allowed only for a relay on this machine (127.0.0.1, ::1 or localhost); "
                        + "use smtps:// or STARTTLS for \(parsed.host ?? "the server")")
            }
        }
        settings.timeoutSeconds = try reader.int("timeoutSeconds", min: 1, max: 600) ?? settings.timeoutSeconds
        settings.insecureSkipVerify = false
        try reader.finish()
        return settings
    }

    /// `http`: `listen` (HOST:PORT, checked when `run` binds it) and `publicURL` (https://…).
    static func parseHTTP(_ reader: inout JSONReader) throws(ConfigError) -> HTTPSettings {
        var settings = HTTPSettings(listen: try reader.string("listen"))
        if let listen = settings.listen {
            guard let colon = listen.lastIndex(of: ":"), UInt16(listen[listen.index(after: colon)...]) != nil else {
                throw ConfigError(reader.keyPath("listen"), "must be HOST:PORT, e.g. 127.0.0.1:8480")
            }
        }
        if let url = try reader.string("publicURL") {
            // People's mail programs post to it (RFC 8058 wants https) and gateways sign it: plain
            // http only for a test on this machine.
            guard let parsed = URL(string: url), let host = parsed.host, parsed.query == nil,
                parsed.scheme == "https" || (parsed.scheme == "http" && Config.isLoopback(host))
            else {
                throw ConfigError(
                    reader.keyPath("publicURL"),
                    "must be the https:// address people and gateways reach, e.g. https://mentor.example.dk "
                        + "(plain http only on loopback)")
            }
            settings.publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        try reader.finish()
        return settings
    }

    static func parseReplies(_ reader: inout JSONReader) throws(ConfigError) -> RepliesSettings {
        guard let address = try reader.string("address") else {
            throw ConfigError(
                reader.keyPath("address"), "is missing; write the address replies go to, e.g. svar@example.dk")
        }
        _ = try checked(reader.keyPath("address")) { () throws(InputError) in try Validate.email(address) }
        var settings = RepliesSettings(address: address.lowercased())
        if var imap = try reader.object("imap") {
            settings.imap = try parseIMAP(&imap)
        }
        if let id = try reader.string("authservId") {
            // An authserv-id is a domain-like name (RFC 8601 2.5), compared as written by our server.
            guard !id.isEmpty, id.count <= 255,
                id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-_".contains($0)) })
            else {
                throw ConfigError(
                    reader.keyPath("authservId"),
                    "must be the name your receiving mail server writes in Authentication-Results, e.g. mx.example.dk")
            }
            settings.authservId = id.lowercased()
        }
        try reader.finish()
        return settings
    }

    /// A folder the mailbox moves messages to, by a name we can write into a command unquoted.
    private static func folder(_ reader: inout JSONReader, _ key: String, example: String) throws(ConfigError)
        -> String?
    {
        guard let folder = try reader.string(key) else { return nil }
        guard IMAPSettings.isPlainFolderName(folder) else {
            throw ConfigError(
                reader.keyPath(key), "may hold only letters, digits, space, . / - _ (e.g. \"\(example)\")")
        }
        return folder
    }

    static func parseIMAP(_ reader: inout JSONReader) throws(ConfigError) -> IMAPSettings {
        try refuseInlineSecrets(&reader, fileKey: "passwordFile")
        guard let url = try reader.string("url"), url.hasPrefix("imap://") || url.hasPrefix("imaps://"),
            let parsed = URL(string: url), let host = parsed.host
        else {
            throw ConfigError(reader.keyPath("url"), "must be imaps://host/INBOX or imap://host/INBOX (with STARTTLS)")
        }
        try refuseSecrets(in: parsed, keyPath: reader.keyPath("url"), fileKey: "passwordFile")
        guard let username = try reader.string("username"), !username.isEmpty else {
            throw ConfigError(reader.keyPath("username"), "is missing; write the mailbox's login name")
        }
        var settings = IMAPSettings(url: url, username: username)
        guard IMAPSettings.isPlainFolderName(settings.serverAndFolder.folder) else {
            throw ConfigError(
                reader.keyPath("url"), "names a folder with characters other than letters, digits, space, . / - _")
        }
        settings.passwordFile = try reader.string("passwordFile")
        settings.caFile = try reader.string("caFile")
        settings.processedFolder =
            try folder(&reader, "processedFolder", example: "Behandlet") ?? settings.processedFolder
        settings.unreadableFolder =
            try folder(&reader, "unreadableFolder", example: "Ulæselig") ?? settings.unreadableFolder
        if let mode = try reader.string("starttls") {
            guard mode == "none" || mode == "required" else {
                throw ConfigError(reader.keyPath("starttls"), "must be \"required\" (the default) or \"none\"")
            }
            settings.requireTLS = mode != "none"
            // The mailbox password and what people wrote would cross the network in clear.
            if !settings.requireTLS, !Config.isLoopback(host) {
                throw ConfigError(
                    reader.keyPath("starttls"),
                    "\"none\" is allowed only for a server on this machine; use imaps:// or STARTTLS for \(host)")
            }
        }
        settings.timeoutSeconds = try reader.int("timeoutSeconds", min: 1, max: 600) ?? settings.timeoutSeconds
        try reader.finish()
        return settings
    }

    static func parseSMS(_ reader: inout JSONReader) throws(ConfigError) -> SMSSettings {
        try refuseInlineSecrets(&reader, fileKey: "tokenFile")
        guard let name = try reader.string("provider"), let provider = SMSProvider(rawValue: name) else {
            throw ConfigError(reader.keyPath("provider"), "must be \"gatewayapi\" or \"twilio\"")
        }
        guard let url = try reader.string("url"), let parsed = URL(string: url), let host = parsed.host,
            parsed.scheme == "https" || (parsed.scheme == "http" && Config.isLoopback(host))
        else {
            throw ConfigError(
                reader.keyPath("url"), "must be the gateway's https:// address (plain http only on loopback)")
        }
        try refuseSecrets(in: parsed, keyPath: reader.keyPath("url"), fileKey: "tokenFile")
        guard let sender = try reader.string("sender"), !sender.isEmpty,
            sender.count <= 11 || sender.allSatisfy(\.isNumber)
        else {
            throw ConfigError(reader.keyPath("sender"), "must be the sender name (at most 11 characters) or a number")
        }
        var settings = SMSSettings(provider: provider, url: url, sender: sender)
        settings.tokenFile = try reader.string("tokenFile")
        settings.webhookSecretFile = try reader.string("webhookSecretFile")
        settings.replyKeyword = try reader.string("replyKeyword")
        if let keyword = settings.replyKeyword, keyword.isEmpty || keyword.count > 20 || keyword.contains(" ") {
            throw ConfigError(reader.keyPath("replyKeyword"), "must be one word of at most 20 characters, e.g. MENTOR")
        }
        settings.accountSid = try reader.string("accountSid")
        settings.caFile = try reader.string("caFile")
        settings.timeoutSeconds = try reader.int("timeoutSeconds", min: 1, max: 600) ?? settings.timeoutSeconds
        if provider == .twilio && settings.accountSid == nil {
            throw ConfigError(reader.keyPath("accountSid"), "is needed for twilio (the AC... account id)")
        }
        try reader.finish()
        return settings
    }

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
        guard email != nil || phone != nil else {
            throw ConfigError(leader.path, "a leader needs an email or a phone, or alerts cannot reach them")
        }
        var value = Leader(name: name, email: email, phone: phone, channels: channels)
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

    /// Runs an input check, reporting its failure under the config key.
    static func checked<T>(_ key: String, _ body: () throws(InputError) -> T) throws(ConfigError) -> T {
        do {
            return try body()
        } catch {
            throw ConfigError(key, error.reason)
        }
    }

    static func checkText(_ text: String, key: String) throws(ConfigError) {
        do { try Validate.text(text, field: key) } catch { throw ConfigError(key, error.reason) }
    }
}
