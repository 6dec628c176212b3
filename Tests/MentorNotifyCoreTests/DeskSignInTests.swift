import Desk
import Foundation
import HTTPServer
import MentorModel
import MentorStore
import Notifier
import Synchronization
import Testing

@testable import MentorNotifyCore

/// Signing in to the leader's desk (SPEC.md "The leader's desk"), through `DeskEndpoint.handle`
/// with a real database, config and spool: the link arrives as an email file.
@Suite struct DeskSignInTests {
    static let origin = "https://mentor.example.dk"
    /// 2026-05-12T10:00:00Z.
    static let start: Int64 = 1_778_580_000

    final class World: @unchecked Sendable {
        // @unchecked: the endpoint is replaced only between requests, on the test's own thread.
        let cli = CLIHarness()
        let clock = Mutex<Int64>(DeskSignInTests.start)
        var endpoint: DeskEndpoint!
        let logLines = Mutex<[String]>([])
        var signedInWith: Set<String> = []

        /// Louise leads holstebro; Jens (English) leads djoef; Old led until January; `extra`
        /// more leaders of holstebro (`leder1@example.dk`, ...) for the limit in all.
        init(extra: Int = 0) throws {
            try configure(extra: extra)
            #expect(try cli.run(["init"]).code == 0)
            try rebuild()
        }

        func configure(extra: Int = 0, withLouise: Bool = true) throws {
            var leaders = [#"{ "name": "Old Leader", "email": "old@example.dk", "until": "2026-01-31" }"#]
            if withLouise { leaders.insert(#"{ "name": "Louise Berg", "email": "Louise@Example.dk" }"#, at: 0) }
            leaders += (0..<extra).map { #"{ "name": "Leder \#($0)", "email": "leder\#($0)@example.dk" }"# }
            cli.write(
                "config.json",
                """
                { "spool": "\(cli.folder)/spool",
                  "templates": "\(CLIHarness.repository.appendingPathComponent("templates").path)",
                  "http": { "publicURL": "https://mentor.example.dk/" },
                  "desk": { "enabled": true },
                  "programs": [
                    { "id": "holstebro", "preset": "mentorshoppen", "name": "Mentorshoppen Holstebro",
                      "leaders": [ \(leaders.joined(separator: ", ")) ] },
                    { "id": "djoef", "preset": "djoef", "name": "Djøf Mentor",
                      "leaders": [ { "name": "Jens Holm", "email": "jens@example.dk", "lang": "en" } ] } ] }
                """)
        }

        /// Builds the endpoint as `run` does at start and on SIGHUP, with the test's clock.
        func rebuild() throws {
            let config = try Config.load(path: cli.folder + "/config.json")
            let catalog = try TemplateCatalog.load(directory: config.templates)
            let logger = Logger(level: .debug, environment: [:]) { [self] line in
                logLines.withLock { $0.append(line) }
            }
            let composition = Composition(
                config: config, environment: [:], databasePath: cli.folder + "/test.db", logger: logger)
            let built = try #require(try composition.desk(catalog: catalog))
            let signIn = DeskSignIn(
                config: config, databasePath: cli.folder + "/test.db", mailer: built.signIn.mailer, logger: logger,
                clock: { [self] in clock.withLock { $0 } })
            endpoint = DeskEndpoint(actions: built.actions, words: built.words, signIn: signIn, logger: logger)
        }

        func advance(_ seconds: Int64) { clock.withLock { $0 += seconds } }

        func request(
            _ method: String, _ path: String, form: [(String, String)] = [], cookies: [String: String] = [:],
            origin: String? = DeskSignInTests.origin, referer: String? = nil
        ) -> HTTPResponse {
            var headers: [(name: String, value: String)] = []
            if let origin { headers.append(("origin", origin)) }
            if let referer { headers.append(("referer", referer)) }
            if !cookies.isEmpty {
                headers.append(
                    ("cookie", cookies.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: "; ")))
            }
            let body = form.map { "\(Self.escape($0))=\(Self.escape($1))" }.joined(separator: "&")
            return endpoint.handle(
                HTTPRequest(method: method, path: path, headers: headers, body: Array(body.utf8)))
        }

        static func escape(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
        }

        /// The sign-in form's cookie and token, as a browser gets them.
        func loginForm() throws -> (cookie: String, csrf: String) {
            let page = request("GET", "/desk/login")
            #expect(page.status == 200)
            let cookie = try #require(Self.setCookie(page, DeskSignIn.loginCookie))
            return (cookie, try #require(Self.csrf(in: page)))
        }

        /// Asks for a link for `address` with a genuine form; returns the answer.
        func ask(_ address: String) throws -> HTTPResponse {
            let (cookie, csrf) = try loginForm()
            return request(
                "POST", "/desk/login", form: [("csrf", csrf), ("email", address)],
                cookies: [DeskSignIn.loginCookie: cookie])
        }

        /// The sign-in links mailed so far to `address`, oldest first.
        func links(to address: String) throws -> [String] {
            endpoint.signIn.mailer?.waitUntilSent()
            let folder = cli.folder + "/spool"
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            func written(_ name: String) -> Date {
                (try? FileManager.default.attributesOfItem(atPath: folder + "/" + name)[.modificationDate] as? Date)
                    ?? .distantPast
            }
            return names.filter { $0.hasSuffix(".eml") }.sorted { written($0) < written($1) }
                .compactMap { FileManager.default.contents(atPath: folder + "/" + $0) }
                .map { String(decoding: $0, as: UTF8.self) }
                .filter { $0.lowercased().contains("to: <\(address.lowercased())>") }
                .compactMap { mail in
                    mail.range(of: #"https://mentor\.example\.dk/desk/login/[0-9a-f]{32}"#, options: .regularExpression)
                        .map { String(mail[$0]) }
                }
        }

        /// Presses the link's button: the session cookie's value when it signed in.
        func press(_ link: String) throws -> (response: HTTPResponse, session: String?) {
            let path = String(link.dropFirst(DeskSignInTests.origin.count))
            let page = request("GET", path)
            // A dead link's page has no button: the sign-in form's token, to see the POST refused too.
            let (cookie, csrf) =
                try Self.setCookie(page, DeskSignIn.loginCookie).map { ($0, Self.csrf(in: page) ?? "") } ?? loginForm()
            let answer = request("POST", path, form: [("csrf", csrf)], cookies: [DeskSignIn.loginCookie: cookie])
            return (answer, Self.setCookie(answer, DeskSignIn.sessionCookie))
        }

        /// Asks for a link for Louise and signs in with it: the session cookie's value.
        func signIn(_ address: String = "louise@example.dk") throws -> String {
            #expect(try ask(address).status == 200)
            // The link mailed now: the one not seen before (files written in one tick sort by name).
            let link = try #require(try links(to: address).first { !signedInWith.contains($0) })
            signedInWith.insert(link)
            let (answer, session) = try press(link)
            #expect(answer.status == 303)
            return try #require(session)
        }

        /// The start page with `session`: 200 when signed in, a 303 to the login page when not.
        func startPage(_ session: String) -> HTTPResponse {
            request("GET", "/desk/", cookies: [DeskSignIn.sessionCookie: session])
        }

        static func header(_ response: HTTPResponse, _ name: String) -> [String] {
            response.headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
        }

        /// The value a `Set-Cookie` gives cookie `name`.
        static func setCookie(_ response: HTTPResponse, _ name: String) -> String? {
            header(response, "Set-Cookie").first { $0.hasPrefix(name + "=") }.map {
                String($0.dropFirst(name.count + 1).prefix { $0 != ";" })
            }
        }

        static func csrf(in response: HTTPResponse) -> String? {
            let html = String(decoding: response.body, as: UTF8.self)
            guard let range = html.range(of: #"name="csrf" value="[0-9a-f]+""#, options: .regularExpression) else {
                return nil
            }
            return String(html[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
        }
    }

    @Test func aLeadersAddressAndAStrangersGetTheSameAnswer() throws {
        let world = try World()
        let (cookie, csrf) = try world.loginForm()
        func ask(_ address: String) -> HTTPResponse {
            world.request(
                "POST", "/desk/login", form: [("csrf", csrf), ("email", address)],
                cookies: [DeskSignIn.loginCookie: cookie])
        }
        let leader = ask("LOUISE@example.DK")
        let stranger = ask("someone@example.dk")
        let former = ask("old@example.dk")
        for other in [stranger, former] {
            #expect(leader.status == 200 && other.status == leader.status)
            #expect(String(decoding: other.body, as: UTF8.self) == String(decoding: leader.body, as: UTF8.self))
            #expect(other.headers.map { "\($0.0): \($0.1)" } == leader.headers.map { "\($0.0): \($0.1)" })
        }
        #expect(World.header(leader, "Set-Cookie").isEmpty)
        #expect(
            String(decoding: leader.body, as: UTF8.self).contains("Hvis adressen tilhører en leder, er et link på vej"))
        // Only the leader of today gets a link, at the address the config writes.
        #expect(try world.links(to: "Louise@Example.dk").count == 1)
        #expect(try world.links(to: "someone@example.dk").isEmpty)
        #expect(try world.links(to: "old@example.dk").isEmpty)
        // The log names the address masked, never the link.
        let log = world.logLines.withLock { $0 }.joined(separator: "\n")
        let link = try #require(try world.links(to: "Louise@Example.dk").first)
        #expect(!log.contains(String(link.suffix(32))))
        #expect(!log.contains("louise@example.dk") && log.contains("event=desk.link-sent"))
    }

    @Test func theLinkIsInTheLeadersLanguageAndOpensTheDesk() throws {
        let world = try World()
        _ = try world.ask("jens@example.dk")
        let link = try #require(try world.links(to: "jens@example.dk").first)
        let page = world.request("GET", String(link.dropFirst(DeskSignInTests.origin.count)))
        #expect(page.status == 200)
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(html.contains("<html lang=\"en\">") && html.contains("Sign in"))
        // Opening the link signs no one in (a link checker opens it too).
        #expect(World.setCookie(page, DeskSignIn.sessionCookie) == nil)
        let (answer, session) = try world.press(link)
        #expect(answer.status == 303 && World.header(answer, "Location") == ["/desk/"])
        let start = world.startPage(try #require(session))
        #expect(start.status == 200)
        #expect(String(decoding: start.body, as: UTF8.self).contains("Jens Holm"))
    }

    @Test func theSessionCookieIsExact() throws {
        let world = try World()
        _ = try world.ask("louise@example.dk")
        let link = try #require(try world.links(to: "Louise@Example.dk").first)
        let (answer, session) = try world.press(link)
        let token = try #require(session)
        #expect(SignInReading.isToken(token))
        #expect(
            World.header(answer, "Set-Cookie")
                == ["__Host-mn-desk=\(token); Path=/; Secure; HttpOnly; SameSite=Strict"])
        let login = world.request("GET", "/desk/login")
        let loginCookie = try #require(World.setCookie(login, DeskSignIn.loginCookie))
        #expect(
            World.header(login, "Set-Cookie")
                == ["__Host-mn-desk-login=\(loginCookie); Path=/; Secure; HttpOnly; SameSite=Strict"])
        // Every desk answer, the sign-in pages included, carries the layout's headers.
        for response in [answer, login, world.request("GET", "/desk/login/" + String(repeating: "0", count: 32))] {
            #expect(World.header(response, "Content-Security-Policy") == [Layout.contentSecurityPolicy])
            #expect(World.header(response, "Cache-Control") == ["no-store"])
            #expect(World.header(response, "X-Frame-Options") == ["DENY"])
        }
    }

    @Test func aLinkIsUsedOnce() throws {
        let world = try World()
        _ = try world.ask("louise@example.dk")
        let link = try #require(try world.links(to: "Louise@Example.dk").first)
        // Opened twice (a preview, then the leader): still good.
        #expect(world.request("GET", String(link.dropFirst(DeskSignInTests.origin.count))).status == 200)
        #expect(try world.press(link).session != nil)
        let again = try world.press(link)
        #expect(again.response.status == 410 && again.session == nil)
        #expect(world.request("GET", String(link.dropFirst(DeskSignInTests.origin.count))).status == 410)
    }

    @Test func anExpiredLinkIsRefused() throws {
        let world = try World()
        _ = try world.ask("louise@example.dk")
        _ = try world.ask("louise@example.dk")
        let links = try world.links(to: "Louise@Example.dk")
        try #require(links.count == 2)
        world.advance(15 * 60 - 1)
        #expect(try world.press(links[0]).session != nil)
        world.advance(1)
        let late = try world.press(links[1])
        #expect(late.response.status == 410 && late.session == nil)
        #expect(String(decoding: late.response.body, as: UTF8.self).contains("Bed om et nyt"))
    }

    @Test func aPostWithoutTheTokenOrFromElsewhereIsRefused() throws {
        let world = try World()
        let (cookie, csrf) = try world.loginForm()
        let cookies = [DeskSignIn.loginCookie: cookie]
        let email = ("email", "louise@example.dk")
        // The sign-in form: no token, another cookie's token, another origin, neither Origin nor Referer.
        #expect(world.request("POST", "/desk/login", form: [email], cookies: cookies).status == 403)
        #expect(world.request("POST", "/desk/login", form: [("csrf", csrf), email]).status == 403)
        let other = try world.loginForm()
        #expect(
            world.request("POST", "/desk/login", form: [("csrf", other.csrf), email], cookies: cookies).status == 403)
        #expect(
            world.request(
                "POST", "/desk/login", form: [("csrf", csrf), email], cookies: cookies, origin: "https://evil.example"
            ).status == 403)
        #expect(
            world.request(
                "POST", "/desk/login", form: [("csrf", csrf), email], cookies: cookies,
                origin: "https://mentor.example.dk.evil.example"
            ).status == 403)
        #expect(
            world.request("POST", "/desk/login", form: [("csrf", csrf), email], cookies: cookies, origin: nil).status
                == 403)
        #expect(try world.links(to: "Louise@Example.dk").isEmpty)
        // Without Origin, a Referer of ours will do.
        #expect(
            world.request(
                "POST", "/desk/login", form: [("csrf", csrf), email], cookies: cookies, origin: nil,
                referer: DeskSignInTests.origin + "/desk/login"
            ).status == 200)
        let link = try #require(try world.links(to: "Louise@Example.dk").first)
        let path = String(link.dropFirst(DeskSignInTests.origin.count))
        // The link's button: refused without its token or from elsewhere, and the link stays unused.
        #expect(world.request("POST", path, cookies: cookies).status == 403)
        #expect(
            world.request("POST", path, form: [("csrf", csrf)], cookies: cookies, origin: "https://evil.example").status
                == 403)
        let session = try #require(try world.press(link).session)
        // A signed-in leader's POST: the session's token, from our origin.
        let csrfOfSession = DeskSignIn.csrfToken(session: session)
        let sessionCookie = [DeskSignIn.sessionCookie: session]
        #expect(world.request("POST", "/desk/logout", cookies: sessionCookie).status == 403)
        #expect(world.request("POST", "/desk/logout", form: [("csrf", csrf)], cookies: sessionCookie).status == 403)
        #expect(
            world.request(
                "POST", "/desk/logout", form: [("csrf", csrfOfSession)], cookies: sessionCookie,
                origin: "https://evil.example"
            ).status == 403)
        #expect(
            world.request("POST", "/desk/logout", form: [("csrf", csrfOfSession)], cookies: sessionCookie, origin: nil)
                .status == 403)
        #expect(world.startPage(session).status == 200)
        // And a route's POST goes through the same check.
        let route = DeskRoute("POST", "x") { _ in .redirect("/desk/") }
        world.endpoint = DeskEndpoint(
            actions: world.endpoint.actions, words: world.endpoint.words, signIn: world.endpoint.signIn,
            logger: world.endpoint.logger, routes: [route])
        #expect(world.request("POST", "/desk/x", cookies: sessionCookie).status == 403)
        #expect(
            world.request("POST", "/desk/x", form: [("csrf", csrfOfSession)], cookies: sessionCookie).status == 303)
    }

    @Test func linksAreLimitedPerAddressAndInAllAcrossRestarts() throws {
        let world = try World(extra: 12)
        for _ in 0..<4 { #expect(try world.ask("louise@example.dk").status == 200) }
        #expect(try world.links(to: "Louise@Example.dk").count == 3)
        // 3 + 9 * 3 = 30 in the hour; a restart (a new endpoint) keeps the count.
        for index in 0..<9 {
            for _ in 0..<3 { _ = try world.ask("leder\(index)@example.dk") }
        }
        try world.rebuild()
        let refused = try world.ask("leder10@example.dk")
        #expect(refused.status == 200)
        #expect(try world.links(to: "leder10@example.dk").isEmpty)
        // An hour after the first ones, links go out again.
        world.advance(3600)
        _ = try world.ask("leder10@example.dk")
        _ = try world.ask("louise@example.dk")
        #expect(try world.links(to: "leder10@example.dk").count == 1)
        #expect(try world.links(to: "Louise@Example.dk").count == 4)
    }

    @Test func aSessionEndsAfterAnIdleHour() throws {
        let world = try World()
        let session = try world.signIn()
        world.advance(59 * 60)
        #expect(world.startPage(session).status == 200)
        world.advance(59 * 60)
        #expect(world.startPage(session).status == 200)
        world.advance(60 * 60)
        let after = world.startPage(session)
        #expect(after.status == 303 && World.header(after, "Location") == ["/desk/login"])
        world.advance(-60 * 60)
        #expect(world.startPage(session).status == 303, "an ended session stays ended")
    }

    @Test func aSessionEndsAfterTwelveHoursHoweverBusy() throws {
        let world = try World()
        let session = try world.signIn()
        for _ in 0..<14 {
            world.advance(50 * 60)
            #expect(world.startPage(session).status == 200)
        }
        world.advance(20 * 60 - 1)
        #expect(world.startPage(session).status == 200)
        world.advance(1)
        #expect(world.startPage(session).status == 303)
    }

    @Test func logUdEndsTheSession() throws {
        let world = try World()
        let session = try world.signIn()
        let other = try world.signIn()
        let logout = world.request(
            "POST", "/desk/logout", form: [("csrf", DeskSignIn.csrfToken(session: session))],
            cookies: [DeskSignIn.sessionCookie: session])
        #expect(logout.status == 303 && World.header(logout, "Location") == ["/desk/login"])
        #expect(
            World.header(logout, "Set-Cookie") == [
                "__Host-mn-desk=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0"
            ])
        #expect(world.startPage(session).status == 303)
        #expect(world.startPage(other).status == 200, "another browser's session goes on")
    }

    @Test func aLeaderWhoLeavesTheConfigLosesTheirSessionsAtTheReload() throws {
        let world = try World()
        let session = try world.signIn()
        _ = try world.ask("louise@example.dk")
        let unused = try #require(try world.links(to: "Louise@Example.dk").last)
        try world.configure(withLouise: false)
        try world.rebuild()
        #expect(world.startPage(session).status == 303)
        #expect(try world.press(unused).session == nil)
        // Named again later: the old session and link stay dead.
        try world.configure()
        try world.rebuild()
        #expect(world.startPage(session).status == 303)
        #expect(try world.press(unused).session == nil)
    }

    @Test func onlyHashesAreStored() throws {
        let world = try World()
        _ = try world.ask("louise@example.dk")
        let link = try #require(try world.links(to: "Louise@Example.dk").first)
        let session = try #require(try world.press(link).session)
        let unused = try #require(
            try world.cli.run(["desk", "link", "--leader", "louise@example.dk"]).out.split(separator: "\n").last)
        var bytes = Data()
        for suffix in ["", "-wal"] {
            bytes += FileManager.default.contents(atPath: world.cli.folder + "/test.db" + suffix) ?? Data()
        }
        #expect(bytes.count > 0)
        for token in [String(link.suffix(32)), session, String(unused.suffix(32))] {
            #expect(SignInReading.isToken(token))
            #expect(bytes.range(of: Data(token.utf8)) == nil, "a token is stored as it is")
            #expect(bytes.range(of: Data(try DeskToken.hash(token).utf8)) != nil)
        }
    }

    @Test func deskLinkPrintsALinkForALeaderOnly() throws {
        let world = try World()
        let printed = try world.cli.run(["desk", "link", "--leader", "LOUISE@example.dk"])
        #expect(printed.code == 0, "\(printed.err)")
        let link = printed.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(
            link.range(of: #"^https://mentor\.example\.dk/desk/login/[0-9a-f]{32}$"#, options: .regularExpression)
                != nil)
        // `--at` in the past: made then, expired now.
        let old = try world.cli.run(["desk", "link", "--leader", "louise@example.dk", "--at", "2026-05-11T09:00"])
        #expect(old.code == 0)
        #expect(try world.press(old.out.trimmingCharacters(in: .whitespacesAndNewlines)).session == nil)
        #expect(try world.press(link).session != nil)
        for stranger in ["someone@example.dk", "old@example.dk"] {
            let refused = try world.cli.run(["desk", "link", "--leader", stranger])
            #expect(refused.code == 64)
            #expect(refused.err.contains("leads no program"))
        }
        let audit = try world.cli.run(["audit", "--json"])
        #expect(audit.out.contains("desk link") && audit.out.contains("holstebro"))
        #expect(!audit.out.contains("louise") && !audit.out.contains(String(link.suffix(32))))
    }

    @Test func checkNamesTheDeskAndALeadersLanguageIsDaOrEn() throws {
        let world = try World()
        let checked = try world.cli.run(["check"])
        #expect(checked.code == 0, "\(checked.err)")
        #expect(checked.out.contains("desk: https://mentor.example.dk/desk/, 2 leaders can sign in today"))
        let config = try String(contentsOfFile: world.cli.folder + "/config.json", encoding: .utf8)
        world.cli.write("config.json", config.replacingOccurrences(of: #""lang": "en""#, with: #""lang": "fr""#))
        let refused = try world.cli.run(["check"])
        #expect(refused.code == 78)
        #expect(refused.err.contains("lang") && refused.err.contains("must be da or en"))
    }

    @Test func aLeaderSeesTheirProgramsPairsAndPeopleOnly() throws {
        let world = try World()
        let pair = try world.cli.forloeb(program: "holstebro")
        let unmatched = try world.cli.create([
            "person", "add", "--role", "mentee", "--name", "Ny Mentee", "--email", "ny@example.dk", "--birthdate",
            "2004-03-10",
        ])
        let config = try Config.load(path: world.cli.folder + "/config.json")
        let today = LocalDate("2026-05-12")!
        let louise = try #require(DeskLeaders.leader("LOUISE@example.dk", in: config, on: today))
        let jens = try #require(DeskLeaders.leader("jens@example.dk", in: config, on: today))
        #expect(louise.programs == ["holstebro"] && jens.programs == ["djoef"])
        #expect(jens.language == .en && louise.language == .da)
        #expect(DeskLeaders.leader("old@example.dk", in: config, on: today) == nil)
        #expect(DeskLeaders.leader("old@example.dk", in: config, on: LocalDate("2026-01-31")!) != nil)
        let actions = world.endpoint.actions
        #expect(actions.sees(pair: pair.forloeb, louise) && !actions.sees(pair: pair.forloeb, jens))
        #expect(!actions.sees(pair: pair.forloeb + 1000, louise))
        for person in [pair.mentor, pair.mentee] {
            #expect(actions.sees(person: person, louise) && !actions.sees(person: person, jens))
        }
        // Entered, not yet matched: any leader may match them.
        #expect(actions.sees(person: unmatched, louise) && actions.sees(person: unmatched, jens))
        #expect(!actions.sees(person: unmatched + 1000, louise))
    }
}
