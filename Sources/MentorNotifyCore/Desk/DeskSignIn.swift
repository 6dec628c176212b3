import Desk
import Foundation
import HTTPServer
import MentorModel

/// Signing in by emailed link, the session cookie and the CSRF token (SPEC.md "The leader's desk").
/// NOT YET BUILT in this base: every request is answered as not signed in.
final class DeskSignIn: Sendable {
    struct Session: Sendable {
        var leader: DeskLeader
        var csrfToken: String
    }

    init() {}

    /// The sign-in pages' answer (`/desk/login`, the link, log out), or nil for any other path.
    func handle(_ request: HTTPRequest, endpoint: DeskEndpoint) -> HTTPResponse? {
        guard request.path == "/desk/login" else { return nil }
        return endpoint.page(
            DeskPage(title: endpoint.words("signin", "title", .da), body: Markup(), section: ""), nil, nil)
    }

    /// The signed-in leader of the request's session cookie.
    func session(of request: HTTPRequest) -> Session? { nil }

    /// A POST carries the session's CSRF token and comes from our own origin.
    func postIsGenuine(_ request: HTTPRequest, form: Form, session: Session) -> Bool { false }
}
