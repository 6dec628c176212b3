import Foundation
import HTTPServer
import MentorModel
import MentorStore
import Notifier
import Testing

@testable import MentorNotifyCore

/// One-click unsubscribe (RFC 8058, SPEC.md "The web endpoint"): the headers on every email to a
/// person, the page that changes nothing, the POST that stops that program's email, the mail
/// client's mailto "stop", and the leader's digest that lists it.
@Suite struct UnsubscribeTests {
    final class World {
        let cli = CLIHarness()
        var ids: (mentor: Int64, mentee: Int64, forloeb: Int64) = (0, 0, 0)
        var endpoint: WebEndpoint!
        /// 2026-04-20T15:46:40Z, when the link is pressed.
        static let pressed: Int64 = 1_776_700_000

        init(replies: Bool = true) throws {
            cli.write(
                "config.json",
                """
                { "sendWindow": { "from": "08:00", "to": "21:00" },
                  "http": { "publicURL": "https://mentor.example.dk/" },
                  \(replies ? #""replies": { "address": "svar@example.dk", "authservId": "mx.example.dk" },"# : "")
                  "programs": [ { "id": "mentorshoppen", "preset": "mentorshoppen", "name": "Mentorshoppen Holstebro",
                                  "contact": { "name": "Elias", "phone": "+4512345678" },
                                  "leaders": [ { "name": "Louise Berg", "email": "louise@example.dk" } ] } ] }
                """)
            ids = try cli.forloeb()
            #expect(try cli.run(["cafe", "add", "--program", "mentorshoppen", "--at", "2026-04-23T17:00"]).code == 0)
            try tick("2026-04-20T10:00")
            let config = try Config.load(path: cli.folder + "/config.json")
            let catalog = try TemplateCatalog.load(
                directory: CLIHarness.repository.appendingPathComponent("templates").path)
            endpoint = WebEndpoint(
                databasePath: cli.folder + "/test.db", config: config, catalog: catalog, logger: Logger(level: .error),
                clock: { World.pressed })
        }

        func tick(_ at: String) throws {
            let result = try cli.run(["tick", "--at", at])
            #expect(result.code == 0, "\(result.err)")
        }

        func database() throws -> Database { try Database(path: cli.folder + "/test.db") }

        /// The spooled emails to `address`, oldest first.
        func emails(to address: String) throws -> [String] {
            let folder = cli.folder + "/spool"
            return try FileManager.default.contentsOfDirectory(atPath: folder).sorted().filter { $0.hasSuffix(".eml") }
                .compactMap { FileManager.default.contents(atPath: folder + "/" + $0) }
                .map { String(decoding: $0, as: UTF8.self) }.filter { $0.contains("To: <\(address)>") }
        }

        /// A header's value, unfolded.
        static func header(_ name: String, in message: String) -> String? {
            let head = message.components(separatedBy: "\r\n\r\n").first ?? ""
            let unfolded = head.replacingOccurrences(of: "\r\n ", with: " ")
            return unfolded.components(separatedBy: "\r\n").first { $0.hasPrefix(name + ": ") }
                .map { String($0.dropFirst(name.count + 2)) }
        }

        /// What a mail client sends for `List-Unsubscribe: <mailto:…?subject=stop>`: an empty
        /// message with the word as its subject, into the spool's replies folder.
        func mail(subject: String, number: Int, body: String = "") {
            let folder = cli.folder + "/spool/replies/new"
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let text = """
                From: Amira Hansen <amira@example.dk>
                To: svar@example.dk
                Subject: \(subject)
                Message-ID: <unsubscribe-\(number)@example.net>
                Authentication-Results: mx.example.dk; dmarc=pass header.from=example.dk
                Content-Type: text/plain; charset=utf-8

                \(body)

                """
            _ = FileManager.default.createFile(atPath: "\(folder)/\(number).eml", contents: Data(text.utf8))
        }

        func request(_ method: String, _ path: String, body: String = "") -> (status: Int, html: String) {
            let response = endpoint.handle(HTTPRequest(method: method, path: path, body: Array(body.utf8)))
            return (response.status, String(decoding: response.body, as: UTF8.self))
        }
    }

    @Test func everyEmailToAPersonCarriesTheLinkAndTheMailtoAndOnlyThePostUnsubscribes() throws {
        let world = try World()
        let invite = try #require(try world.emails(to: "amira@example.dk").first)
        let list = try #require(World.header("List-Unsubscribe", in: invite))
        let token = try #require(
            list.firstMatch(
                of: /^<https:\/\/mentor\.example\.dk\/u\/([0-9a-f]{32})>, <mailto:svar@example\.dk\?subject=stop>$/)
        ).output.1
        #expect(World.header("List-Unsubscribe-Post", in: invite) == "List-Unsubscribe=One-Click")
        // The link's token is its own, not the Message-ID's.
        #expect(World.header("Message-ID", in: invite)?.contains(token) == false)
        // The folded header keeps every line within 78 characters.
        #expect(invite.components(separatedBy: "\r\n").allSatisfy { $0.count <= 998 })
        #expect(invite.contains("List-Unsubscribe: <https://mentor.example.dk/u/\(token)>,\r\n <mailto:"))

        // Opening the page (a person, a link checker, a preview) changes nothing.
        let before = try world.cli.databaseDump()
        let page = world.request("GET", "/u/\(token)")
        #expect(page.status == 200)
        #expect(page.html.contains(#"<html lang="da">"#) && page.html.contains(#"<form method="post">"#))
        #expect(page.html.contains("Afmeld e-mails fra Mentorshoppen Holstebro"))
        #expect(!page.html.contains("Amira"), "the page names nobody: whoever has the link sees it")
        #expect(!page.html.lowercased().contains("<script") && !page.html.contains("http"))
        #expect(try world.cli.databaseDump() == before)

        // The button, or the mail client's one-click POST.
        let done = world.request("POST", "/u/\(token)", body: "List-Unsubscribe=One-Click")
        #expect(done.status == 200 && done.html.contains("Du er afmeldt"), "\(done.html)")
        #expect(done.html.contains("kontakt Elias på +45 12 34 56 78"), "\(done.html)")
        #expect(!done.html.contains("<form"))
        let again = world.request("POST", "/u/\(token)", body: "List-Unsubscribe=One-Click")
        #expect(again.status == 200 && again.html.contains("allerede afmeldt"))
        let stored = try world.database().query(
            "SELECT person_id, program, channel, opted_out, via, at FROM opt_out_event"
        ) { "\($0.int64(0)) \($0.string(1)) \($0.string(2)) \($0.int(3)) \($0.string(4)) \($0.int64(5))" }
        #expect(stored == ["\(world.ids.mentee) mentorshoppen email 1 link \(World.pressed)"])
        #expect(
            try world.database().scalarInt(
                "SELECT count(*) FROM program_opt_out WHERE person_id = ?", [world.ids.mentee])
                == 1)

        // The leader sees it in the person list.
        #expect(try world.cli.run(["person", "list"]).out.contains("email(off for mentorshoppen)"))
        let listed = try world.cli.json(["person", "list", "--json"]).first { ($0["id"] as? Int64) == world.ids.mentee }
        #expect(
            (listed?["unsubscribed"] as? [[String: Any]])?.first?["program"] as? String == "mentorshoppen",
            "\(listed ?? [:])")

        // Nothing else unsubscribes: an unknown token, a malformed one, another method.
        #expect(world.request("POST", "/u/" + String(repeating: "0", count: 32)).status == 404)
        #expect(world.request("GET", "/u/../../etc/passwd").status == 404)
        #expect(world.request("GET", "/u/" + token.uppercased()).status == 404)
        #expect(world.request("PUT", "/u/\(token)").status == 405)

        // The next email of that program to her is not sent; her mentor's is.
        #expect(try world.cli.run(["cafe", "add", "--program", "mentorshoppen", "--at", "2026-05-21T17:00"]).code == 0)
        try world.tick("2026-05-18T10:00")
        let next = try world.database().queryOne(
            "SELECT status, reason FROM outbox WHERE rule = 'cafe-invite' AND recipient = ? ORDER BY id DESC LIMIT 1",
            [world.ids.mentee]
        ) { "\($0.string(0)): \($0.optionalString(1) ?? "")" }
        #expect(next == "suppressed: unsubscribed from mentorshoppen email")
    }

    @Test func theLeaderSeesTheOptOutInTheNextDigestAndALeadersEmailHasNoLink() throws {
        let world = try World()
        let invite = try #require(try world.emails(to: "amira@example.dk").first)
        let token = try #require(World.header("List-Unsubscribe", in: invite)?.firstMatch(of: /u\/([0-9a-f]{32})/))
            .output.1
        #expect(world.request("POST", "/u/\(token)").status == 200)
        try world.tick("2026-05-01T09:00")
        let digest = try #require(
            try world.database().queryOne("SELECT body FROM outbox WHERE rule = 'monthly-digest'") {
                $0.optionalString(0)
            })
        #expect(
            digest?.contains(
                "- Amira Hansen (mentee) afmeldte vores e-mails mandag den 20. april (med linket i en e-mail)")
                == true, "\(digest ?? "")")
        // The leader's own email (the digest) has no unsubscribe: alerts are changed in the config.
        try world.tick("2026-05-01T10:00")
        let toLeader = try #require(try world.emails(to: "louise@example.dk").last)
        #expect(World.header("List-Unsubscribe", in: toLeader) == nil)
        // In May's digest it is not listed again.
        try world.tick("2026-06-01T09:00")
        let june = try world.database().query(
            "SELECT body FROM outbox WHERE rule = 'monthly-digest' AND key LIKE '%2026-05'"
        ) { $0.optionalString(0) ?? "" }
        // One digest is written for May, so "not listed again" is checked on a real text.
        #expect(june.count == 1, "\(june)")
        #expect(june.allSatisfy { !$0.contains("afmeldte") }, "\(june)")
    }

    /// `List-Unsubscribe: <mailto:svar@…?subject=stop>`: the mail client sends an empty message with
    /// the subject "stop", which stops email; "start" as a subject undoes it and the link's stop too.
    @Test func theMailtoStopOfAMailClientStopsEmailAndStartUndoesEveryStop() throws {
        let world = try World()
        let invite = try #require(try world.emails(to: "amira@example.dk").first)
        let token = try #require(World.header("List-Unsubscribe", in: invite)?.firstMatch(of: /u\/([0-9a-f]{32})/))
            .output.1
        #expect(world.request("POST", "/u/\(token)").status == 200)
        world.mail(subject: "stop", number: 1)
        try world.tick("2026-04-21T10:00")
        func optOuts() throws -> String {
            try world.database().queryOne(
                """
                SELECT opt_out_email || ' ' || (SELECT count(*) FROM program_opt_out WHERE person_id = person.id)
                FROM person WHERE id = ?
                """, [world.ids.mentee]
            ) { $0.string(0) } ?? ""
        }
        #expect(try optOuts() == "1 1")
        world.mail(subject: "start", number: 2)
        try world.tick("2026-04-22T10:00")
        #expect(try optOuts() == "0 0")
        let actions = try world.database().query("SELECT action FROM inbound ORDER BY id") { $0.string(0) }
        #expect(actions == ["opt-out", "opt-in"])
        let events = try world.database().query("SELECT via, opted_out FROM opt_out_event ORDER BY id") {
            "\($0.string(0)) \($0.int(1))"
        }
        #expect(events == ["link 1", "reply 1", "reply 0"])
    }

    /// A stop is honoured however old the message it answers: the person's mail program offers
    /// unsubscribe on a message from months ago. Other answers look back 30 days only.
    @Test func aStopToAnOldMessageStillStops() throws {
        let world = try World()
        _ = try world.database().run("UPDATE outbox SET sent_at = 1767225600 WHERE recipient = ?", [world.ids.mentee])
        world.mail(subject: "Re: caféaften", number: 1, body: "ja")
        world.mail(subject: "stop", number: 2)
        try world.tick("2026-04-21T10:00")
        let actions = try world.database().query("SELECT action FROM inbound ORDER BY id") { $0.string(0) }
        #expect(actions == ["unmatched", "opt-out"])
        #expect(
            try world.database().scalarInt("SELECT opt_out_email FROM person WHERE id = ?", [world.ids.mentee]) == 1)
    }

    /// Without a public address only the mailto is offered, and no one-click POST is announced.
    @Test func withoutAPublicAddressOnlyTheMailto() throws {
        var row = OutboxRow(
            key: "k", channel: .email, rule: .cafeInvite, role: .mentee, recipient: 1, program: "p", relationshipID: 1,
            language: .da, subject: "s", body: "b", notBefore: 0, expiresAt: nil, inWindow: true, afterEnd: false)
        row.unsubscribeToken = String(repeating: "a", count: 32)
        let mailto = Deliverer.listUnsubscribe(row, publicURL: nil, replyTo: "Svar <svar@example.dk>")
        #expect(mailto?.0 == "<mailto:svar@example.dk?subject=stop>" && mailto?.1 == false)
        #expect(Deliverer.listUnsubscribe(row, publicURL: nil, replyTo: nil) == nil)
        let both = Deliverer.listUnsubscribe(row, publicURL: "https://m.example.dk", replyTo: nil)
        #expect(both?.0 == "<https://m.example.dk/u/\(String(repeating: "a", count: 32))>" && both?.1 == true)
        row.role = .leader
        #expect(Deliverer.listUnsubscribe(row, publicURL: "https://m.example.dk", replyTo: "svar@example.dk") == nil)
    }

    /// The page speaks the person's language.
    @Test func thePageIsInThePersonsLanguage() throws {
        let world = try World()
        #expect(
            try world.cli.run([
                "person", "add", "--role", "mentee", "--name", "Ana Lopez", "--email", "ana@example.dk", "--lang", "en",
                "--birthdate", "2004-01-01",
            ]).code == 0)
        let ana = try #require(
            try world.database().queryOne("SELECT id FROM person WHERE email = 'ana@example.dk'") { $0.int64(0) })
        let token = try #require(
            try world.database().queryOne(
                "SELECT unsubscribe_token FROM outbox WHERE recipient = ? LIMIT 1", [world.ids.mentee]
            ) { $0.string(0) })
        try world.database().run("UPDATE outbox SET recipient = ? WHERE unsubscribe_token = ?", [ana, token])
        let page = world.request("GET", "/u/\(token)")
        #expect(page.html.contains(#"<html lang="en">"#) && page.html.contains("Unsubscribe"), "\(page.html)")
    }
}
