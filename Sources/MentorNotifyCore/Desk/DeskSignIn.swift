import Desk
import Foundation
import HTTPServer
import MentorModel
import MentorStore
import WebhookAuth

/// Signing in by emailed link, the session cookie and the CSRF token (SPEC.md "The leader's desk").
///
/// - `GET /desk/login` asks for an address; `POST /desk/login` answers the same page whatever the
///   address, doing the same work either way, and mails a link only to a leader of today, within
///   the rate limits.
/// - `GET /desk/login/TOKEN` shows a button and changes nothing (link checkers open links);
///   `POST` of it uses the link and starts a session (`__Host-mn-desk`).
/// - `POST /desk/logout` ends it.
///
/// Before a session, a POST carries a signed double-submit token: the form's `csrf` is an HMAC,
/// keyed with this process's secret, of the random value in the `__Host-mn-desk-login` cookie.
/// After, the form's `csrf` is an HMAC of the session's token. Every POST must also come from
/// `http.publicURL`'s origin (`Origin`, or without it `Referer`).
final class DeskSignIn: Sendable {
    struct Session: Sendable {
        var leader: DeskLeader
        var csrfToken: String
        /// What the database knows the session by.
        var hash: String
    }

    static let linkSeconds: Int64 = 15 * 60
    static let idleSeconds: Int64 = 60 * 60
    static let lifetimeSeconds: Int64 = 12 * 60 * 60
    static let linksPerAddressPerHour = 3
    static let linksPerHour = 30
    static let sessionCookie = "__Host-mn-desk"
    static let loginCookie = "__Host-mn-desk-login"
    /// Keys the pre-session tokens. One per process: a restart only makes a sign-in form that was
    /// open ask again.
    static let loginKey: [UInt8] = Array((DeskToken.make() + DeskToken.make()).utf8)

    let config: Config
    let databasePath: String
    /// `https://mentor.example.dk`: the origin every POST must come from, and where links point.
    let origin: String?
    let mailer: DeskLinkMailer?
    let logger: Logger
    let clock: @Sendable () -> Int64

    init(
        config: Config, databasePath: String, mailer: DeskLinkMailer?, logger: Logger,
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) {
        self.config = config
        self.databasePath = databasePath
        self.origin = config.http?.publicURL.flatMap(SignInReading.origin(of:))
        self.mailer = mailer
        self.logger = logger
        self.clock = clock
    }

    // MARK: the sign-in pages

    /// The sign-in pages' answer (`/desk/login`, the link, log out), or nil for any other path.
    func handle(_ request: HTTPRequest, endpoint: DeskEndpoint) -> HTTPResponse? {
        let reading = request.method == "GET" || request.method == "HEAD"
        switch request.path {
        case "/desk/login":
            if reading { return askPage(request, endpoint: endpoint) }
            return request.method == "POST" ? requestLink(request, endpoint: endpoint) : endpoint.refused(405)
        case "/desk/logout":
            return request.method == "POST" ? logout(request, endpoint: endpoint) : endpoint.refused(405)
        case let path where path.hasPrefix("/desk/login/"):
            // A token we could not have made is a dead link, like a used one.
            let token = SignInReading.linkToken(path: path) ?? ""
            if reading { return linkPage(token, request, endpoint: endpoint) }
            return request.method == "POST" ? useLink(token, request, endpoint: endpoint) : endpoint.refused(405)
        default:
            return nil
        }
    }

    /// The form that asks for an address. A leader already signed in goes to the desk.
    func askPage(_ request: HTTPRequest, endpoint: DeskEndpoint) -> HTTPResponse {
        if session(of: request) != nil { return endpoint.redirect("/desk/") }
        let (value, isNew) = loginValue(request)
        var response = endpoint.page(askForm(endpoint, csrf: loginToken(value)), nil, nil)
        if isNew { response.headers.append(("Set-Cookie", DeskSignIn.loginCookieHeader(value))) }
        return response
    }

    func askForm(_ endpoint: DeskEndpoint, csrf: String, status: Int = 200, problem: String? = nil) -> DeskPage {
        let word = { (name: String) in endpoint.words("signin", name, .da) }
        var body = Markup()
        if let problem {
            body.paragraph(problem, class: "problem")
        }
        body.paragraph(word("intro"))
        let field = FormMarkup.field("email", label: word("email"), type: "email", required: true)
        body.append(FormMarkup.form(action: "/desk/login", csrfToken: csrf, button: word("send"), content: field))
        return DeskPage(title: word("title"), body: body, status: status, section: "")
    }

    /// The answer to every genuine request for a link: the same page, whoever asked.
    func requestLink(_ request: HTTPRequest, endpoint: DeskEndpoint) -> HTTPResponse {
        guard let form = try? Form.parse(request.body) else { return endpoint.refused(400) }
        guard loginIsGenuine(request, form: form) else { return refusedLogin(request, endpoint: endpoint) }
        let typed = SignInReading.address(form)
        let now = clock()
        let leader = DeskLeaders.leader(typed, in: config, on: config.zone.local(now).date)
        // A leader's links are counted under the config's address: another spelling of the same
        // letters (composed or not) is the same address and shares its 3 an hour.
        let address = leader.map { $0.email.lowercased() } ?? typed
        // The same work whoever asked: a token made and hashed, the counts read, the same insert
        // run (inserting nothing for a stranger). Only the mail, sent after the answer, differs.
        let token = DeskToken.make()
        var mailed = false
        do {
            let hash = try DeskToken.hash(token)
            let store = try Store(path: databasePath, migrate: false)
            mailed = try store.write {
                try store.purgeDesk(
                    now: now, idleSeconds: DeskSignIn.idleSeconds, lifetimeSeconds: DeskSignIn.lifetimeSeconds)
                let sent = try store.deskLinksMailed(to: address, since: now - 3600)
                let allowed =
                    leader != nil && sent.address < DeskSignIn.linksPerAddressPerHour
                    && sent.all < DeskSignIn.linksPerHour
                try store.addDeskLink(
                    hash: hash, address: address, now: now, expiresAt: now + DeskSignIn.linkSeconds, mailed: true,
                    keep: allowed)
                return allowed
            }
        } catch {
            logger.error("desk.login-failed", ["reason": CLI.describe(error).1])
            return endpoint.refused(503)
        }
        if mailed, let leader, let origin {
            mailer?.send(origin + "/desk/login/" + token, to: leader, now: now)
        }
        logger.info(
            "desk.link-requested",
            ["address": Logger.mask(address), "outcome": mailed ? "mailed" : leader == nil ? "no-leader" : "limited"])
        let word = { (name: String) in endpoint.words("signin", name, .da) }
        var body = Markup()
        body.raw("<p class=\"notice\">")
        body.text(endpoint.words("signin", "sent", .da, ["minutes": String(DeskSignIn.linkSeconds / 60)]))
        body.raw("</p>\n<p><a href=\"/desk/login\">")
        body.text(word("again"))
        body.raw("</a></p>\n")
        return endpoint.page(DeskPage(title: word("sent-title"), body: body, section: ""), nil, nil)
    }

    /// `GET /desk/login/TOKEN`: a button that signs in, in the leader's language; nothing changes.
    func linkPage(_ token: String, _ request: HTTPRequest, endpoint: DeskEndpoint) -> HTTPResponse {
        let now = clock()
        guard let leader = linkLeader(token, now: now, use: false) else { return deadLink(endpoint) }
        let word = { (name: String) in endpoint.words("signin", name, leader.language) }
        let (value, isNew) = loginValue(request)
        var body = Markup()
        body.paragraph(word("link-intro"))
        body.append(
            FormMarkup.form(action: "/desk/login/" + token, csrfToken: loginToken(value), button: word("link-button")))
        var response = endpoint.page(
            DeskPage(title: word("link-title"), body: body, section: ""), nil, nil, language: leader.language)
        if isNew { response.headers.append(("Set-Cookie", DeskSignIn.loginCookieHeader(value))) }
        return response
    }

    /// `POST /desk/login/TOKEN`: uses the link and starts the leader's session.
    func useLink(_ token: String, _ request: HTTPRequest, endpoint: DeskEndpoint) -> HTTPResponse {
        guard let form = try? Form.parse(request.body) else { return endpoint.refused(400) }
        guard loginIsGenuine(request, form: form) else { return endpoint.refused(403) }
        let now = clock()
        guard let leader = linkLeader(token, now: now, use: true) else { return deadLink(endpoint) }
        let sessionToken = DeskToken.make()
        do {
            let store = try Store(path: databasePath, migrate: false)
            try store.startDeskSession(
                hash: try DeskToken.hash(sessionToken), address: leader.email.lowercased(), now: now)
        } catch {
            logger.error("desk.login-failed", ["reason": CLI.describe(error).1])
            return endpoint.refused(503)
        }
        logger.info("desk.signed-in", ["leader": Logger.mask(leader.email)])
        var response = endpoint.redirect("/desk/")
        response.headers.append(("Set-Cookie", DeskSignIn.sessionCookieHeader(sessionToken)))
        return response
    }

    /// The leader a well-formed, live link is for (used now when `use`); nil for any other link,
    /// and for a link of someone who no longer leads.
    func linkLeader(_ token: String, now: Int64, use: Bool) -> DeskLeader? {
        guard SignInReading.isToken(token), let hash = try? DeskToken.hash(token),
            let store = try? Store(path: databasePath, migrate: false),
            case .valid(let address) = try?
                (use ? store.useDeskLink(hash: hash, now: now) : store.deskLink(hash: hash, now: now))
        else { return nil }
        return DeskLeaders.leader(address, in: config, on: config.zone.local(now).date)
    }

    /// A used, expired or unknown link: a clear page in both languages, 410.
    func deadLink(_ endpoint: DeskEndpoint) -> HTTPResponse {
        var body = Markup()
        for language in Language.allCases {
            body.raw("<p lang=\"\(language.rawValue)\">")
            body.text(endpoint.words("signin", "dead", language))
            body.raw("</p>\n")
        }
        body.raw("<p><a href=\"/desk/login\">")
        body.text(endpoint.words("signin", "new-link", .da))
        body.raw("</a></p>\n")
        return endpoint.page(
            DeskPage(title: endpoint.words("signin", "dead-title", .da), body: body, status: 410, section: ""), nil, nil
        )
    }

    /// A sign-in form posted without its token or from elsewhere: 403, with the form again (a
    /// form left open across a restart lands here too).
    func refusedLogin(_ request: HTTPRequest, endpoint: DeskEndpoint) -> HTTPResponse {
        let (value, isNew) = loginValue(request)
        var response = endpoint.page(
            askForm(
                endpoint, csrf: loginToken(value), status: 403, problem: endpoint.words("signin", "refused", .da)),
            nil, nil)
        if isNew { response.headers.append(("Set-Cookie", DeskSignIn.loginCookieHeader(value))) }
        return response
    }

    /// `POST /desk/logout`: the session ends, its cookie is cleared.
    func logout(_ request: HTTPRequest, endpoint: DeskEndpoint) -> HTTPResponse {
        guard let session = session(of: request) else { return endpoint.redirect("/desk/login") }
        guard let form = try? Form.parse(request.body) else { return endpoint.refused(400) }
        guard postIsGenuine(request, form: form, session: session) else { return endpoint.refused(403) }
        do {
            try Store(path: databasePath, migrate: false).endDeskSession(hash: session.hash)
        } catch {
            return endpoint.refused(503)
        }
        logger.info("desk.signed-out", ["leader": Logger.mask(session.leader.email)])
        var response = endpoint.redirect("/desk/login")
        response.headers.append(("Set-Cookie", DeskSignIn.sessionCookieHeader("", clear: true)))
        return response
    }

    // MARK: sessions and tokens

    /// The signed-in leader of the request's session cookie: a live session of someone who leads
    /// a program in the current config today.
    func session(of request: HTTPRequest) -> Session? {
        guard let token = SignInReading.cookie(DeskSignIn.sessionCookie, in: request), SignInReading.isToken(token),
            let hash = try? DeskToken.hash(token), let store = try? Store(path: databasePath, migrate: false)
        else { return nil }
        let now = clock()
        guard
            let address = try? store.deskSession(
                hash: hash, now: now, idleSeconds: DeskSignIn.idleSeconds, lifetimeSeconds: DeskSignIn.lifetimeSeconds)
        else { return nil }
        guard let leader = DeskLeaders.leader(address, in: config, on: config.zone.local(now).date) else {
            try? store.endDeskSession(hash: hash)
            return nil
        }
        return Session(leader: leader, csrfToken: DeskSignIn.csrfToken(session: token), hash: hash)
    }

    /// The session's CSRF token: an HMAC of its token, which only the leader's browser holds
    /// (the cookie is HttpOnly); nothing more to store.
    static func csrfToken(session token: String) -> String {
        Hex.lowercase(HMACDigest.sha256(key: Array(token.utf8), data: Array("mentor-notify desk csrf".utf8)))
    }

    /// A POST carries the session's CSRF token and comes from our own origin.
    func postIsGenuine(_ request: HTTPRequest, form: Form, session: Session) -> Bool {
        let given = Array((form[FormMarkup.csrfField] ?? "").utf8)
        let matches = HMACDigest.equal(given, Array(session.csrfToken.utf8))
        return comesFromUs(request) && matches
    }

    /// A sign-in POST carries the HMAC of its login cookie and comes from our own origin.
    func loginIsGenuine(_ request: HTTPRequest, form: Form) -> Bool {
        guard let value = SignInReading.cookie(DeskSignIn.loginCookie, in: request), SignInReading.isToken(value) else {
            return false
        }
        let given = Array((form[FormMarkup.csrfField] ?? "").utf8)
        let matches = HMACDigest.equal(given, Array(loginToken(value).utf8))
        return comesFromUs(request) && matches
    }

    /// `Origin` equals `http.publicURL`'s origin (without `Origin`, `Referer` is under it).
    func comesFromUs(_ request: HTTPRequest) -> Bool {
        guard let origin else { return false }
        return SignInReading.comes(from: origin, request)
    }

    func loginToken(_ value: String) -> String {
        Hex.lowercase(HMACDigest.sha256(key: DeskSignIn.loginKey, data: Array(("login:" + value).utf8)))
    }

    /// The login cookie's value, or a new one to set.
    func loginValue(_ request: HTTPRequest) -> (value: String, isNew: Bool) {
        if let value = SignInReading.cookie(DeskSignIn.loginCookie, in: request), SignInReading.isToken(value) {
            return (value, false)
        }
        return (DeskToken.make(), true)
    }

    static func sessionCookieHeader(_ token: String, clear: Bool = false) -> String {
        "\(sessionCookie)=\(token); Path=/; Secure; HttpOnly; SameSite=Strict" + (clear ? "; Max-Age=0" : "")
    }

    static func loginCookieHeader(_ value: String) -> String {
        "\(loginCookie)=\(value); Path=/; Secure; HttpOnly; SameSite=Strict"
    }
}
