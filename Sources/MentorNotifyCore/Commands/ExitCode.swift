/// sysexits.h exit codes (SPEC.md).
public enum ExitCode: Int32, Sendable {
    case ok = 0
    case failure = 1
    case usage = 64
    case dataError = 65
    case noInput = 66
    case unavailable = 69
    case software = 70
    case ioError = 74
    case tempFail = 75
    case config = 78
}

/// An error that ends a command: one line for stderr and the exit code.
public struct CLIError: Error, CustomStringConvertible, Sendable {
    public var code: ExitCode
    public var message: String

    public init(_ code: ExitCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
