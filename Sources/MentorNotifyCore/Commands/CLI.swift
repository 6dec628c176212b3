import Desk
public import Foundation
import MentorModel
import MentorStore
import Notifier
import Scheduler

/// The `mentor-notify` command line: global options, then a command.
public enum CLI {
    static let globalUsage = """
        usage: mentor-notify [--db PATH] [--config PATH] [--log-level debug|info|warning|error] COMMAND [ARGS]

        Follow-ups for volunteer mentorship programs: reminders to mentors and mentees, alerts to leaders.

        commands:
          init                      create or migrate the database (safe to run again)
          person add|list|opt-out|opt-in  enter people, list them, stop a channel or start it again
          person edit|show ID       correct a person; everything held about them (GDPR art. 15)
          forget ID                 erase a person's personal data
          match                     start a forløb between a mentor and a mentee
          extend REL / end REL      move or record the end of a forløb (--reason: a category)
          forloeb list|show         the pairs by name; one pair's timeline
          attention                 the pairs that need a look, most urgent first
          contact REL               log contact that took place
          contact list|fix|remove   see a forløb's contacts, correct or remove one
          meeting REL               a planned meeting (for reminders)
          meeting list|move|cancel  a forløb's meetings; move or cancel one (those invited are told)
          evaluated REL             an evaluation was returned
          cafe add|list|cancel      a one-off café evening; the coming ones; cancel one
          reminder add|list|stop|pause  a personal recurring reminder (the wake-up SMS), listed, stopped, paused
          import KIND FILE          people, relationships or contacts from CSV, all or nothing
          plan                      what is due now (writes nothing)
          tick                      one cycle: enqueue what is due, deliver what is ready
          run                       the daemon: cycles until SIGTERM
          outbox                    the message log; `outbox retry` sends failed messages again
          report hours              minutes per pair against the target
          report year               the board's numbers for a year, per program and in all (no names)
          audit                     who changed what and when (ids only)
          check                     validate config, templates and database
          status                    last cycle and outbox counts, for monitoring
          backup                    a checked copy of the database, while the daemon runs; old copies pruned
          restore FILE              put a backup in place (daemon stopped); the current database is kept beside it
          replies                   what came back: answers, bounces, and what was done
          demo                      a fictional year on the spool, to see what the program does
          desk link --leader EMAIL  print a sign-in link to the leader's desk (for when mail is down)

        `mentor-notify COMMAND --help` shows a command's options.
        """

    /// Runs the command line and returns the exit code.
    public static func main(_ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Int32
    {
        // Everything this process creates can hold personal data: the database and its -wal and -shm,
        // spool files, journals. Owner and group only (files 0640, folders 0750), whatever the umask
        // it was started with.
        umask(umask(0) | 0o027)
        let output = Output()
        var words = Array(arguments.dropFirst())
        do {
            guard let options = try GlobalOptions.parse(&words) else {
                output.line(words.first == "--version" ? "mentor-notify \(version)" : globalUsage)
                return ExitCode.ok.rawValue
            }
            guard !words.isEmpty else {
                output.error(globalUsage)
                return ExitCode.usage.rawValue
            }
            try execute(words, output: output) {
                try Context(
                    databaseOption: options.database, configOption: options.config,
                    logger: Logger(level: options.level, environment: environment), output: output,
                    environment: environment)
            }
            return ExitCode.ok.rawValue
        } catch {
            let (code, message) = describe(error)
            output.error("mentor-notify: \(message)")
            return code.rawValue
        }
    }

    /// Runs one command (`words` after the global options): its `--help`, or its handler through
    /// the audit. The desk runs commands through here too, so a form does what its command does.
    /// - allowsHelp: false for the desk: its arguments carry what a leader typed, and a field
    ///   holding `--help` must be refused by the command, not turn it into its help.
    static func execute(
        _ words: [String], output: Output, allowsHelp: Bool = true, context: () throws -> Context
    ) throws {
        let (name, rest) = commandName(words)
        if allowsHelp, rest.contains("--help") || rest.contains("-h") {
            guard let usage = Usage.text[name] ?? Usage.text[words[0]] else {
                throw CLIError(.usage, "unknown command '\(name)'; see `mentor-notify --help`")
            }
            output.line(usage)
            return
        }
        guard let handler = commands[name] else {
            throw CLIError(.usage, "unknown command '\(name)'; see `mentor-notify --help`")
        }
        try AuditLog.run(name, rest, context: try context(), handler: handler)
    }

    /// The options before the command.
    struct GlobalOptions {
        var database: String?
        var config: String?
        var level = Logger.Level.info

        /// Reads them off the front of `words`; nil for `--help` or `--version` (left as the first
        /// word), which print and exit.
        static func parse(_ words: inout [String]) throws(CLIError) -> GlobalOptions? {
            var options = GlobalOptions()
            while let first = words.first, first.hasPrefix("-") {
                if first == "--help" || first == "-h" || first == "--version" { return nil }
                words.removeFirst()
                guard ["--db", "--config", "--log-level"].contains(first) else {
                    throw CLIError(.usage, "unknown option \(first); see `mentor-notify --help`")
                }
                guard let value = words.first else { throw CLIError(.usage, "\(first) needs a value") }
                words.removeFirst()
                switch first {
                case "--db": options.database = value
                case "--config": options.config = value
                default:
                    guard let parsed = Logger.Level(name: value) else {
                        throw CLIError(.usage, "--log-level must be debug, info, warning or error")
                    }
                    options.level = parsed
                }
            }
            return options
        }
    }

    /// The command's name (`person add`, `outbox retry`, `import`) and the words after it.
    static func commandName(_ words: [String]) -> (String, [String]) {
        let command = words[0]
        var rest = Array(words.dropFirst())
        // `contact 12 --date …` logs a contact; `contact list 12` lists them: a number after the
        // command is the forløb, a word is a subcommand.
        let grouped =
            ["person", "cafe", "reminder", "import", "report", "contact", "meeting", "forloeb", "desk"].contains(
                command)
            || (command == "outbox" && rest.first == "retry")
        guard grouped, let sub = rest.first, !sub.hasPrefix("-"), Int64(sub) == nil else { return (command, rest) }
        if command == "import" { return (command, rest) }
        rest.removeFirst()
        return ("\(command) \(sub)", rest)
    }

    static let version = "0.2.0"

    typealias Handler = @Sendable (Context, [String]) throws -> Void

    static let commands: [String: Handler] = [
        "init": AdminCommands.initialise,
        "person add": PeopleCommands.add,
        "person list": PeopleCommands.list,
        "person opt-out": PeopleCommands.optOut,
        "person opt-in": PeopleCommands.optIn,
        "person edit": PeopleCommands.edit,
        "person show": PersonShow.run,
        "forget": PeopleCommands.forget,
        "match": ForloebCommands.match,
        "extend": ForloebCommands.extend,
        "end": ForloebCommands.end,
        "forloeb list": ForloebViews.list,
        "forloeb show": ForloebViews.show,
        "attention": AttentionCommand.run,
        "contact": ForloebCommands.contact,
        "contact list": ContactCommands.list,
        "contact fix": ContactCommands.fix,
        "contact remove": ContactCommands.remove,
        "meeting": ForloebCommands.meeting,
        "evaluated": ForloebCommands.evaluated,
        "cafe add": ForloebCommands.cafeAdd,
        "reminder add": ForloebCommands.reminderAdd,
        "meeting list": EventCommands.meetingList,
        "meeting move": EventCommands.meetingMove,
        "meeting cancel": EventCommands.meetingCancel,
        "cafe list": EventCommands.cafeList,
        "cafe cancel": EventCommands.cafeCancel,
        "reminder list": EventCommands.reminderList,
        "reminder stop": EventCommands.reminderStop,
        "reminder pause": EventCommands.reminderPause,
        "import": ImportCommand.run,
        "report hours": AdminCommands.reportHours,
        "report year": ReportYear.run,
        "audit": AuditCommand.run,
        "check": AdminCommands.check,
        "plan": CycleCommands.plan,
        "tick": CycleCommands.tick,
        "run": CycleCommands.run,
        "outbox": CycleCommands.outbox,
        "outbox retry": CycleCommands.retry,
        "status": StatusCommand.run,
        "backup": BackupCommands.backup,
        "restore": BackupCommands.restore,
        "replies": RepliesCommand.run,
        "demo": DemoCommand.run,
        "desk link": DeskCommands.link,
    ]

    /// Maps any error to its sysexits code and one line for a person.
    static func describe(_ error: any Error) -> (ExitCode, String) {
        switch error {
        case let error as CLIError: return (error.code, error.message)
        case let error as SMSLength.TooLong: return (.config, error.description)
        case let error as InputError: return (.dataError, error.description)
        case let error as ConfigError:
            return (.config, error.description + " (exit 78: fix the config and run `mentor-notify check`)")
        case let error as TemplateError: return (.config, error.description)
        case let error as DeskWords.LoadError: return (.config, error.description)
        case let error as StoreError:
            switch error.code {
            case .busy: return (.tempFail, error.message)
            case .notFound, .conflict: return (.dataError, error.message)
            case .io: return (.ioError, error.message)
            case .damaged, .newerSchema: return (.dataError, error.message)
            case .sqlite: return (.software, error.message)
            }
        case let error as ImportError: return (.dataError, error.description)
        default: return (.software, "internal error: \(error)")
        }
    }
}
