import Desk
import Foundation
import MentorModel
import MentorStore
import Notifier
import Scheduler
import Transport

enum AdminCommands {
    static func initialise(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "init", options: [])
        try args.noPositionals()
        let folder = (context.databasePath as NSString).deletingLastPathComponent
        if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            throw CLIError(.ioError, "init: the folder \(folder) does not exist; create it or choose another --db")
        }
        let database = try Database(path: context.databasePath)
        let applied = try Schema.migrator.migrate(database)
        context.logger.info("database-ready", ["path": context.databasePath, "migrated": String(applied.count)])
        context.output.line(
            applied.isEmpty
                ? "database \(context.databasePath) is up to date"
                : "database \(context.databasePath) ready (applied \(applied.joined(separator: ", ")))")
    }

    static func reportHours(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "report hours", options: ["month", "program"], switches: ["csv"])
        try args.noPositionals()
        let raw = try args.required("month")
        guard let month = YearMonth(raw) else {
            throw CLIError(.dataError, "report hours: --month '\(raw)' is not a month; write YYYY-MM")
        }
        let programFilter = try args.value("program").map { id throws(InputError) in try context.config.program(id).id }
        let store = try context.openStore()
        let (relationships, minutes, people) = try store.read {
            (try store.relationships(), try store.minutes(in: month), try store.people())
        }
        let names = Dictionary(
            people.map { ($0.id, $0.name ?? "(forgotten)") }, uniquingKeysWith: { first, _ in first })
        let last = month.adding(months: 1).firstDay
        var rows: [[String]] = []
        for relationship in relationships
        where relationship.start < last && relationship.effectiveEnd > month.firstDay
            && (programFilter == nil || relationship.program == programFilter)
        {
            let target = context.config.programs.first { $0.id == relationship.program }?.monthlyTarget
            let logged = minutes[relationship.id] ?? 0
            let counted = relationship.countsTowardTarget(in: month)
            let state: String
            if let target {
                state = !counted ? "not counted" : (logged >= target ? "ok" : "below")
            } else {
                state = "no target"
            }
            rows.append([
                String(relationship.id), relationship.program, names[relationship.mentorID] ?? "",
                names[relationship.menteeID] ?? "", String(logged), target.map(String.init) ?? "", state,
            ])
        }
        let header = ["relationship", "program", "mentor", "mentee", "minutes", "target", "status"]
        if args.flag("csv") {
            context.output.write(CSVWriter.document(header: header, rows: rows))
        } else {
            context.output.table(header.map { $0.uppercased() }, rows)
        }
    }

    static func check(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "check", options: [], switches: ["connect"])
        try args.noPositionals()
        let config = context.config
        context.output.line(
            "config: \(config.source), \(config.programs.count) programs, time zone \(config.zone.identifier)")
        let directory = Paths.templates(config.templates)
        let catalog = try TemplateCatalog.load(directory: directory)
        let twoSegments = try SMSLength.check(catalog, longest: config.smsLongest)
        context.output.line("templates: \(directory), \(catalog.count) sections; \(SMSLength.summary(twoSegments))")
        var warnings: [String] = []
        for program in config.programs where program.leaders.isEmpty {
            warnings.append("program \(program.id) has no leaders: leader alerts and digests cannot be delivered")
        }
        warnings += Watch.warnings(config: config, today: config.zone.local(Int64(Date().timeIntervalSince1970)).date)
        var problems: [String] = []
        if let email = config.email {
            _ = try Transports.smtpPassword(email, environment: context.environment)
            context.output.line("email: \(email.url)")
        } else {
            context.output.line("email: spool (\(config.spool))")
        }
        if let sms = config.sms {
            // The token, and what the endpoint needs for the gateway's webhooks.
            _ = try Webhooks.configured(config, environment: context.environment, needed: config.http != nil)
            context.output.line("sms: \(sms.provider.rawValue) \(sms.url)")
        } else {
            context.output.line("sms: spool (\(config.spool))")
        }
        if let replies = config.replies {
            try checkReplies(replies, context: context, connect: args.flag("connect"))
        }
        if config.desk.enabled {
            try checkDesk(config, directory: directory, context: context)
        }
        if FileManager.default.fileExists(atPath: context.databasePath) {
            let store = try Store(path: context.databasePath, migrate: false)
            let integrity = try store.database.scalarString("PRAGMA quick_check") ?? "?"
            guard integrity == "ok" else {
                throw CLIError(.dataError, "database \(context.databasePath) fails its integrity check: \(integrity)")
            }
            context.output.line("database: \(context.databasePath), schema up to date, integrity ok")
            let today = config.zone.local(Int64(Date().timeIntervalSince1970)).date
            problems = try Watch.problems(config: config, store: store, today: today)
        } else {
            warnings.append("no database at \(context.databasePath) yet; run `mentor-notify init`")
        }
        for warning in warnings { context.output.line("warning: \(warning)") }
        for problem in problems { context.output.line("error: \(problem)") }
        if let first = problems.first {
            throw ConfigError(
                "programs", problems.count == 1 ? first : "\(first) (and \(problems.count - 1) more, listed above)")
        }
        context.output.line("ok")
    }
}

extension AdminCommands {
    /// The leader's desk: its words load (every word in both languages), the address leaders open
    /// is set, and who can sign in.
    static func checkDesk(_ config: Config, directory: String, context: Context) throws {
        _ = try DeskWords.load(directory: directory)
        guard let publicURL = config.http?.publicURL, let origin = SignInReading.origin(of: publicURL) else {
            throw ConfigError("desk.enabled", "needs http.publicURL (the https:// address leaders open)")
        }
        let today = config.zone.local(Int64(Date().timeIntervalSince1970)).date
        let leaders = DeskLeaders.all(in: config, on: today).count
        context.output.line("desk: \(origin)/desk/, \(leaders) leader\(leaders == 1 ? "" : "s") can sign in today")
    }

    /// The replies mailbox: its password can be read, and with `--connect` the login works and the
    /// folder is there (a STATUS, which changes nothing).
    static func checkReplies(_ replies: RepliesSettings, context: Context, connect: Bool) throws {
        guard let imap = replies.imap else {
            context.output.line(
                "replies: \(replies.address), read from the spool (\(context.config.spool)/replies/new)")
            return
        }
        let password = try Transports.imapPassword(imap, environment: context.environment)
        guard connect else {
            context.output.line("replies: \(replies.address) via \(imap.url) (`check --connect` logs in)")
            return
        }
        let mailbox = IMAPMailbox(settings: imap, password: password)
        defer { mailbox.finish() }
        do {
            let (_, next) = try mailbox.status()
            context.output.line(
                "replies: \(replies.address) via \(imap.url): logged in, folder \(mailbox.folder) found "
                    + "(next UID \(next))")
        } catch {
            throw CLIError(.unavailable, "check: the replies mailbox cannot be read: \(error.reason)")
        }
    }
}

/// Finds installed files when the configured path is the default and does not exist here.
enum Paths {
    static func templates(_ configured: String) -> String {
        if FileManager.default.fileExists(atPath: configured) || configured != "./templates" { return configured }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        let candidates = [
            executable.appendingPathComponent("../share/mentor-notify/templates"),
            executable.appendingPathComponent("../../templates"),
            executable.appendingPathComponent("../../../templates"),
            URL(fileURLWithPath: "/usr/share/mentor-notify/templates"),
        ]
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate.standardized.path) {
            return candidate.standardized.path
        }
        return configured
    }
}
