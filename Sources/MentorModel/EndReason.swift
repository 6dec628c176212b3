/// Why a forløb ended: a category, never free text, so it names no one and survives `forget`
/// as it is. `report year` counts ended forløb by it.
public enum EndReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// The pair reached its goal or its planned end (the cycle closes a forløb at its planned end
    /// with this reason).
    case completed
    case menteeLeft = "mentee-left"
    case mentorLeft = "mentor-left"
    case noContact = "no-contact"
    case moved
    case other

    /// The categories as `--reason` lists them: `completed|mentee-left|…`.
    public static var choices: String { allCases.map(\.rawValue).joined(separator: "|") }

    private static var listed: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// A `--reason` value: one of the categories, in any case.
    public static func parse(_ raw: String) throws(InputError) -> EndReason {
        guard let reason = EndReason(rawValue: raw.trimmingSpaces().lowercased()) else {
            throw InputError(
                "reason",
                "'\(raw)' is not a reason; use one of \(listed) "
                    + "(a category, never a person's story)")
        }
        return reason
    }

    /// The category of a stored reason; text that is not a category (older rows) counts as `other`.
    public init(stored: String) {
        self = EndReason(rawValue: stored) ?? .other
    }
}
