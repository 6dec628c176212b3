/// Input refused at the edge, with the reason a person can act on.
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
    public var field: String
    public var reason: String

    public init(_ field: String, _ reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}
