public import MentorModel

/// The leader signed in: who, in which language, and the programs they lead (the only ones they see).
public struct DeskLeader: Sendable, Hashable {
    public var name: String
    public var email: String
    public var language: Language
    /// Ids of the programs whose leaders include this address today.
    public var programs: [String]

    public init(name: String, email: String, language: Language, programs: [String]) {
        self.name = name
        self.email = email
        self.language = language
        self.programs = programs
    }
}

/// One request to a desk page, after sign-in and the CSRF and `Origin` checks.
public struct DeskRequest: Sendable {
    public var leader: DeskLeader
    /// `GET` (`HEAD` is served as `GET`) or `POST`.
    public var method: String
    /// The path's segments after `/desk/`, percent-decoded: `/desk/pairs/12` is `["pairs", "12"]`.
    public var segments: [String]
    /// The query's fields (GET) or the form's (POST), decoded.
    public var form: Form
    /// The session's CSRF token, for the forms a page writes (`DeskForms.hidden`).
    public var csrfToken: String
    /// Uploaded files by field name (`multipart/form-data`, on the routes that take an upload).
    public var files: [String: [UInt8]]

    public init(
        leader: DeskLeader, method: String, segments: [String], form: Form, csrfToken: String,
        files: [String: [UInt8]] = [:]
    ) {
        self.leader = leader
        self.method = method
        self.segments = segments
        self.form = form
        self.csrfToken = csrfToken
        self.files = files
    }
}

/// What a desk handler answers.
public enum DeskResult: Sendable {
    /// A page in the layout: its title and body.
    case page(DeskPage)
    /// After a successful change: see the result (POST-redirect-GET), e.g. `/desk/pairs/12`.
    case redirect(String)
    /// No such page, or a record of a program the leader does not lead: the same answer for both.
    case notFound
    /// A file to download (a CSV), `name` its file name.
    case download(name: String, contentType: String, bytes: [UInt8])
}

/// A page's title (also its `<h1>`), its body and its HTTP status (422 for a form with errors).
public struct DeskPage: Sendable {
    public var title: String
    public var body: Markup
    public var status: Int
    /// The nav entry it belongs to (`attention`, `pairs`, `people`, …), marked as current.
    public var section: String

    public init(title: String, body: Markup, status: Int = 200, section: String) {
        self.title = title
        self.body = body
        self.status = status
        self.section = section
    }
}
