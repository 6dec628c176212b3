/// A configuration problem: which key, and how to fix it. Exit 78 (EX_CONFIG).
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public var key: String
    public var message: String

    public init(_ key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "config \(key): \(message)" }
}
