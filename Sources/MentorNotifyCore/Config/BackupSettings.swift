/// The config's `backup` section (SPEC.md "Backups").
public struct BackupSettings: Sendable, Equatable {
    /// What the Debian package's timer writes to.
    public static let packageFolder = "/var/backups/mentor-notify"

    public var dir = BackupSettings.packageFolder
    /// How many copies stay; older ones are removed by the next `backup`.
    public var keep = 14

    public init() {}
}

extension Config {
    static func parseBackup(_ reader: inout JSONReader) throws(ConfigError) -> BackupSettings {
        var settings = BackupSettings()
        if let dir = try reader.string("dir") {
            guard !dir.isEmpty, !dir.contains("\0") else {
                throw ConfigError(reader.keyPath("dir"), "must name a folder, e.g. \(BackupSettings.packageFolder)")
            }
            settings.dir = dir
        }
        settings.keep = try reader.int("keep", min: 1, max: 3650) ?? settings.keep
        try reader.finish()
        return settings
    }
}
