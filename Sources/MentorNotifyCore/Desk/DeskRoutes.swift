import Desk
import MentorModel

/// One desk page or form: `GET pairs/:id` or `POST pairs/:id/end`. A segment `:name` matches any
/// one segment and is given to the handler as `call.parameters[name]`.
struct DeskRoute: Sendable {
    var method: String
    var pattern: [String]
    /// Takes `multipart/form-data` (a file upload); every other POST is a urlencoded form.
    var upload: Bool
    var handler: @Sendable (DeskCall) throws -> DeskResult

    init(
        _ method: String, _ pattern: String, upload: Bool = false,
        _ handler: @escaping @Sendable (DeskCall) throws -> DeskResult
    ) {
        self.method = method
        self.pattern = pattern.split(separator: "/").map(String.init)
        self.upload = upload
        self.handler = handler
    }

    /// The parameters when `segments` match, else nil.
    func match(_ method: String, _ segments: [String]) -> [String: String]? {
        guard method == self.method, segments.count == pattern.count else { return nil }
        var parameters: [String: String] = [:]
        for (part, segment) in zip(pattern, segments) {
            if part.hasPrefix(":") {
                parameters[String(part.dropFirst())] = segment
            } else if part != segment {
                return nil
            }
        }
        return parameters
    }
}

/// Every route of the desk: each part of it lists its own (`AttentionPages.routes`, …).
enum DeskRoutes {
    static let all: [DeskRoute] =
        AttentionPages.routes
        + PairPages.routes + MeetingContactPages.routes
        + PeoplePages.routes
        + CafePages.routes
        + ReminderPages.routes
        + FailedPages.routes
        + ImportPages.routes
        + ReportPages.routes
        + AuditPages.routes
}

/// What a handler gets: the request, the actions, the words, the path's parameters.
struct DeskCall: Sendable {
    var request: DeskRequest
    var actions: DeskActions
    var words: DeskWords
    var parameters: [String: String]

    var leader: DeskLeader { request.leader }
    var language: Language { request.leader.language }
    var form: Form { request.form }

    /// A word of the desk in the leader's language.
    func word(_ page: String, _ name: String, _ values: [String: String] = [:]) -> String {
        words(page, name, language, values)
    }

    /// The path's `:name` as an id; nil when it is no positive number (the handler answers 404).
    func id(_ name: String) -> Int64? {
        guard let text = parameters[name], let id = Int64(text), id > 0 else { return nil }
        return id
    }

    /// Runs a command as the signed-in leader.
    func run(_ words: [String]) -> DeskActions.Outcome { actions.run(words, as: leader) }

    /// Runs a command with `--json` among `words` and reads its output.
    func json(_ words: [String]) throws(DeskFailure) -> JSONView { try actions.json(words, as: leader) }
}
