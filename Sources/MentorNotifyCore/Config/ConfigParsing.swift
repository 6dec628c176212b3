public import Foundation
import MentorModel
import MentorStore
import Notifier
import Scheduler
import Transport

/// Reading the config file: the whole object, its plain values, and how an input check's failure
/// is reported under its key. The sections have files of their own (ChannelParsing, ProgramParsing).
extension Config {
    public static func load(path: String) throws(ConfigError) -> Config {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(path, "cannot read the file; check the path and its permissions")
        }
        var config = try parse(data)
        config.source = path
        config.loaded = Loaded(bytes: data, settings: config.schedulerSettings)
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
        if var desk = try root.object("desk") {
            config.desk.enabled = try desk.bool("enabled") ?? false
            try desk.finish()
            // Sign-in links and the Origin check need the address leaders open.
            guard !config.desk.enabled || config.http?.publicURL != nil else {
                throw ConfigError(
                    "desk.enabled",
                    "needs http.publicURL (the https:// address leaders open), e.g. https://mentor.example.dk")
            }
        }
        // Twilio reports each SMS to the address the SMS names; GatewayAPI's is set in its dashboard.
        if config.sms?.provider == .twilio, let base = config.http?.publicURL {
            config.sms?.statusCallback = base + "/hooks/twilio/status"
        }
        if var backup = try root.object("backup") {
            config.backup = try parseBackup(&backup)
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
