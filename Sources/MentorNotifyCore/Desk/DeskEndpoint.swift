import Desk
import Foundation
import HTTPServer
import MentorModel

/// `PUBLIC/desk/`: the leader's desk (SPEC.md "The leader's desk"). Signs the leader in
/// (`DeskSignIn`), checks every POST's CSRF token and `Origin`, finds the route and runs it; every
/// answer carries the layout's headers (no cache, no framing, the strict CSP).
final class DeskEndpoint: Sendable {
    let actions: DeskActions
    let words: DeskWords
    let signIn: DeskSignIn
    let logger: Logger
    let routes: [DeskRoute]

    init(
        actions: DeskActions, words: DeskWords, signIn: DeskSignIn, logger: Logger, routes: [DeskRoute] = DeskRoutes.all
    ) {
        self.actions = actions
        self.words = words
        self.signIn = signIn
        self.logger = logger
        self.routes = routes
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        if request.path == "/desk/style.css" {
            guard request.method == "GET" || request.method == "HEAD" else { return refused(405) }
            return HTTPResponse(
                status: 200, headers: Layout.headers(contentType: "text/css; charset=utf-8"),
                body: Array(Style.css.utf8))
        }
        if let answer = signIn.handle(request, endpoint: self) { return answer }
        guard let session = signIn.session(of: request) else { return redirect("/desk/login") }
        guard let segments = DeskEndpoint.segments(request.path) else { return notFound(session.leader) }
        let method = request.method == "HEAD" ? "GET" : request.method
        guard method == "GET" || method == "POST" else { return refused(405) }
        for route in routes {
            guard let parameters = route.match(method, segments) else { continue }
            let form: Form
            let files: [String: [UInt8]]
            do {
                (form, files) = try DeskEndpoint.form(of: request, method: method, upload: route.upload)
            } catch {
                return refused(400)
            }
            // A POST is the leader's only when it carries their session's token and comes from here.
            if method == "POST" {
                guard signIn.postIsGenuine(request, form: form, session: session) else { return refused(403) }
            }
            let deskRequest = DeskRequest(
                leader: session.leader, method: method, segments: segments, form: form, csrfToken: session.csrfToken,
                files: files)
            return serve(route, deskRequest, parameters: parameters)
        }
        return notFound(session.leader)
    }

    /// Runs `route` for a signed-in leader's checked request (the tests call it directly too).
    func serve(_ route: DeskRoute, _ request: DeskRequest, parameters: [String: String]) -> HTTPResponse {
        let call = DeskCall(request: request, actions: actions, words: words, parameters: parameters)
        let result: DeskResult
        do {
            result = try route.handler(call)
        } catch let DeskFailure.command(message) {
            var body = Markup()
            body.paragraph(message, class: "problem")
            return page(
                DeskPage(title: call.word("error", "title"), body: body, status: 422, section: ""), request.leader,
                request.csrfToken)
        } catch {
            logger.error("desk.failed", ["path": "/desk/" + request.segments.joined(separator: "/")])
            return refused(500)
        }
        switch result {
        case .page(let page): return self.page(page, request.leader, request.csrfToken)
        case .redirect(let path): return redirect(path)
        case .notFound: return notFound(request.leader)
        case .download(let name, let contentType, let bytes):
            var headers = Layout.headers(contentType: contentType)
            headers.append(("Content-Disposition", "attachment; filename=\"\(name)\""))
            return HTTPResponse(status: 200, headers: headers, body: bytes)
        }
    }

    /// A page in the layout, in `language` (else the leader's, else Danish).
    func page(_ page: DeskPage, _ leader: DeskLeader?, _ csrfToken: String?, language: Language? = nil)
        -> HTTPResponse
    {
        Layout.document(
            page, language: language ?? leader?.language ?? .da, words: words, leader: leader, csrfToken: csrfToken)
    }

    /// 404 for a page that is not there and for a record of another program alike.
    func notFound(_ leader: DeskLeader) -> HTTPResponse {
        var body = Markup()
        body.paragraph(words("error", "not-found", leader.language))
        return page(
            DeskPage(title: words("error", "not-found-title", leader.language), body: body, status: 404, section: ""),
            leader, nil)
    }

    func refused(_ status: Int) -> HTTPResponse {
        var response = HTTPResponse.refusal(status)
        response.headers = Layout.headers(contentType: "text/plain; charset=utf-8")
        return response
    }

    /// 303: after a POST the browser GETs the result.
    func redirect(_ path: String) -> HTTPResponse {
        var headers = Layout.headers(contentType: "text/plain; charset=utf-8")
        headers.append(("Location", path))
        return HTTPResponse(status: 303, headers: headers, body: [])
    }

    /// `/desk/pairs/12` → `["pairs", "12"]`; `/desk/` and `/desk` → `[]`; nil for anything that is
    /// no desk path or holds a broken %-escape.
    static func segments(_ path: String) -> [String]? {
        guard path == "/desk" || path.hasPrefix("/desk/") else { return nil }
        var segments: [String] = []
        for part in path.dropFirst("/desk".count).split(separator: "/") {
            guard let decoded = String(part).removingPercentEncoding, !decoded.isEmpty else { return nil }
            segments.append(decoded)
        }
        return segments
    }

    /// The query's fields for a GET, the body's for a POST (a route that takes an upload reads
    /// `multipart/form-data`).
    static func form(of request: HTTPRequest, method: String, upload: Bool) throws -> (Form, [String: [UInt8]]) {
        if method == "GET" { return (try Form.parse(Array(request.query.utf8)), [:]) }
        guard upload else { return (try Form.parse(request.body), [:]) }
        let boundary = try Multipart.boundary(contentType: request.header("content-type") ?? "")
        return try Multipart.parse(request.body, boundary: boundary).fields()
    }
}
