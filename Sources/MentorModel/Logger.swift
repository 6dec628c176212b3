public import Foundation
import Synchronization

/// In MentorModel, which every module sees: the logger needs only Foundation and `singleLine`, so
/// delivery, the transports and the core log without a dependency on each other.
///
/// One line per event on stderr: `event=NAME key=value ...`, with a syslog priority prefix
/// (`<6>`) when stderr goes to the journal. Callers pass ids and masked addresses only.
public final class Logger: @unchecked Sendable {
    // @unchecked: the level is an atomic; writes are serialized by the lock; the rest is immutable.
    public enum Level: Int, Sendable, Comparable {
        case debug = 7
        case info = 6
        case warning = 4
        case error = 3

        public init?(name: String) {
            switch name {
            case "debug": self = .debug
            case "info": self = .info
            case "warning": self = .warning
            case "error": self = .error
            default: return nil
            }
        }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue > rhs.rawValue }
    }

    private let levelValue: Atomic<Int>
    /// The lowest level written; safe to change from any thread (a reload, a signal).
    public var level: Level {
        get { Level(rawValue: levelValue.load(ordering: .relaxed)) ?? .info }
        set { levelValue.store(newValue.rawValue, ordering: .relaxed) }
    }
    private let journal: Bool
    private let lock = NSLock()
    private let sink: (String) -> Void

    public init(
        level: Level = .info, environment: [String: String] = ProcessInfo.processInfo.environment,
        sink: ((String) -> Void)? = nil
    ) {
        self.levelValue = Atomic(level.rawValue)
        self.journal = environment["JOURNAL_STREAM"] != nil
        self.sink = sink ?? { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    }

    /// The fields are an autoclosure: an event below the level costs nothing to describe.
    public func log(
        _ level: Level, _ event: String, _ fields: @autoclosure () -> KeyValuePairs<String, String> = [:]
    ) {
        guard level >= self.level else { return }
        var line = journal ? "<\(level.rawValue)>" : ""
        line += "event=\(event)"
        for (key, value) in fields() { line += " \(key)=\(Logger.quote(value))" }
        lock.lock()
        sink(line)
        lock.unlock()
    }

    public func debug(_ event: String, _ fields: @autoclosure () -> KeyValuePairs<String, String> = [:]) {
        log(.debug, event, fields())
    }
    public func info(_ event: String, _ fields: @autoclosure () -> KeyValuePairs<String, String> = [:]) {
        log(.info, event, fields())
    }
    public func warning(_ event: String, _ fields: @autoclosure () -> KeyValuePairs<String, String> = [:]) {
        log(.warning, event, fields())
    }
    public func error(_ event: String, _ fields: @autoclosure () -> KeyValuePairs<String, String> = [:]) {
        log(.error, event, fields())
    }

    /// Quotes a value with spaces or quotes; strips line breaks so one event stays one line.
    static func quote(_ value: String) -> String {
        let flat = value.singleLine
        guard flat.isEmpty || flat.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) else { return flat }
        return "\"" + flat.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            + "\""
    }

    /// `j***@example.dk` / `+45 ****5678`: enough to tell addresses apart, not to read them.
    public static func mask(_ address: String?) -> String {
        guard let address, !address.isEmpty else { return "-" }
        if let at = address.firstIndex(of: "@") {
            return String(address.prefix(1)) + "***" + String(address[at...])
        }
        if address.hasPrefix("+") && address.count > 6 {
            let country = address.hasPrefix("+45") ? "+45" : String(address.prefix(3))
            return country + " ****" + String(address.suffix(4))
        }
        return "***"
    }
}
