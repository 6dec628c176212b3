import Foundation
import MentorModel
import MentorStore
import Notifier

/// What every command needs: where the database is, the config, the output and the log.
final class Context {
    let output: Output
    let logger: Logger
    let environment: [String: String]
    let configPath: String?
    let databasePath: String
    private var loadedConfig: Config
    /// Who the audit names for a change: the desk's leader (`desk:NAME`); nil: the Unix user.
    let actor: String?

    init(databaseOption: String?, configOption: String?, logger: Logger, output: Output, environment: [String: String])
        throws
    {
        self.output = output
        self.logger = logger
        self.environment = environment
        actor = nil
        let explicit = configOption ?? environment["MENTOR_NOTIFY_CONFIG"]
        if let explicit {
            guard FileManager.default.fileExists(atPath: explicit) else {
                throw CLIError(
                    .noInput, "config file \(explicit) does not exist; check --config or MENTOR_NOTIFY_CONFIG")
            }
            configPath = explicit
        } else {
            // The daemon's config is found by the admin commands too (`sudo -u mentor-notify ...`).
            configPath = Context.configSearchPath.first { FileManager.default.fileExists(atPath: $0) }
        }
        loadedConfig =
            try configPath.map { path throws(ConfigError) in try Config.load(path: path) } ?? Config.builtIn()
        databasePath = databaseOption ?? environment["MENTOR_NOTIFY_DB"] ?? loadedConfig.database ?? "mentor-notify.db"
    }

    /// A context on a config already loaded: the daemon's, for a command the desk runs for a leader.
    init(config: Config, configPath: String?, databasePath: String, logger: Logger, output: Output, actor: String) {
        self.output = output
        self.logger = logger
        environment = [:]
        self.configPath = configPath
        self.databasePath = databasePath
        loadedConfig = config
        self.actor = actor
    }

    /// Where the config is looked for when neither --config nor $MENTOR_NOTIFY_CONFIG names it.
    static let configSearchPath = ["mentor-notify.json", "/etc/mentor-notify/mentor-notify.json"]

    var config: Config { loadedConfig }

    /// Today in the configured zone, by the real clock: what has happened is on or before it.
    var today: LocalDate { loadedConfig.zone.local(Int64(Date().timeIntervalSince1970)).date }

    /// The config file read again (SIGHUP), not yet taken: the daemon takes it (`adopt`) once
    /// every part built from it stands, and keeps the old one otherwise.
    func rereadConfig() throws -> Config {
        guard let configPath else { return loadedConfig }
        return try Config.load(path: configPath)
    }

    func adopt(_ config: Config) {
        loadedConfig = config
    }

    /// Opens the database, which must exist (created by `init`), and brings its schema up to date.
    func openStore() throws -> Store {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw CLIError(.noInput, "no database at \(databasePath); run `mentor-notify init` first or give --db")
        }
        return try Store(path: databasePath)
    }
}
