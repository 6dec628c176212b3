import MentorModel

/// A value bound to or read from a SQLite statement.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// A Swift value that can be bound as a statement argument.
public protocol SQLArgument {
    var sqlValue: SQLValue { get }
}

extension Int: SQLArgument {
    public var sqlValue: SQLValue { .integer(Int64(self)) }
}
extension Int64: SQLArgument {
    public var sqlValue: SQLValue { .integer(self) }
}
extension Double: SQLArgument {
    public var sqlValue: SQLValue { .real(self) }
}
extension Bool: SQLArgument {
    public var sqlValue: SQLValue { .integer(self ? 1 : 0) }
}
extension String: SQLArgument {
    public var sqlValue: SQLValue { .text(self) }
}
extension SQLValue: SQLArgument {
    public var sqlValue: SQLValue { self }
}
extension Optional: SQLArgument where Wrapped: SQLArgument {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}
