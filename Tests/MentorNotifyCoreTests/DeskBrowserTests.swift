import Foundation
import MentorModel
import TestSupport
import Testing

/// The leader's desk end to end (issue 24, "Done when"): `run` behind the README's nginx with TLS,
/// mail to aiosmtpd, SMS to the gateway stub, and a leader in headless Chromium
/// (`Tests/Support/desk_browser.py`, DevTools over a pipe). Screenshots of every page at 390 and
/// 1280 px go to `.build/desk-screenshots/`.
@Suite(.serialized) struct DeskBrowserTests {
    /// Chromium and nginx are Debian packages (`scripts/deps.sh test` installs them; CI has them).
    static let browserAndProxy: Bool = ["chromium", "nginx"].allSatisfy { name in
        ["/usr/bin/", "/usr/sbin/", "/usr/local/bin/"].contains {
            FileManager.default.isExecutableFile(atPath: $0 + name)
        }
    }

    static let screenshots = CLIHarness.repository.appendingPathComponent(".build/desk-screenshots").path

    /// A leader asks for a link, it arrives by mail, its button signs them in; the attention list names
    /// the pair that has not met; they correct the mentee's number and move the pair's meeting; the
    /// daemon's next SMS goes to the new number and reminds of the new time. On the way: the same
    /// answer for a stranger's address, 403 for a POST without the token or from another Origin, 404
    /// for another program's pair and person, the session gone after "Log ud", the link used once.
    @Test(
        .enabled(
            if: browserAndProxy,
            "needs Debian's chromium and nginx (scripts/deps.sh test installs them): the desk is not driven in a browser"
        ))
    func aLeaderCorrectsAPairAtTheDeskInABrowserThroughNginx() throws {
        let cli = CLIHarness()
        let nginx = try BehindNginx()
        let scratch = nginx.scratch
        let smtp = try TestServer(
            script: "smtp_server.py", arguments: ["--out", scratch.path + "/mail"], folder: scratch.path)
        let smsLog = scratch.path + "/sms.jsonl"
        let gateway = try TestServer(script: "sms_server.py", arguments: ["--log", smsLog], folder: scratch.path)
        for secret in ["sms-token", "webhook-secret"] {
            cli.write(secret, "test-token")
            chmod(cli.folder + "/" + secret, 0o600)
        }
        cli.write(
            "config.json",
            """
            { "http": { "listen": "127.0.0.1:\(nginx.port)", "publicURL": "\(nginx.base)" },
              "desk": { "enabled": true }, "cycleSeconds": 5,
              "sendWindow": { "from": "00:00", "to": "23:59" },
              "email": { "url": "smtp://127.0.0.1:\(smtp.port)", "from": "Mentorshoppen <noreply@example.dk>",
                         "starttls": "none" },
              "sms": { "provider": "gatewayapi", "url": "http://127.0.0.1:\(gateway.port)/rest/mtsms",
                       "sender": "Mentor", "tokenFile": "\(cli.folder)/sms-token",
                       "webhookSecretFile": "\(cli.folder)/webhook-secret" },
              "programs": [
                { "id": "mentorshoppen", "preset": "mentorshoppen", "name": "Mentorshoppen Holstebro",
                  "leaders": [ { "name": "Louise", "email": "louise@example.dk" } ] },
                { "id": "djoef", "preset": "djoef", "leaders": [ { "name": "Dorte", "email": "dorte@example.dk" } ] } ] }
            """)
        // A pair that started five weeks ago and has not met (the mentee has only a phone: SMS), with
        // a meeting planned in five days; and a pair of another program.
        let today = Zone.copenhagen.local(Date()).date
        let pair = try cli.forloeb(
            mentee: ["--name", "Amira Hansen", "--phone", "12 25 66 64"], start: today.adding(days: -35).description)
        #expect(
            try cli.run([
                "meeting", String(pair.forloeb), "--at", "\(today.adding(days: 5))T17:00", "--place", "Biblioteket",
            ])
            .code == 0)
        let otherMentor = try cli.create([
            "person", "add", "--role", "mentor", "--name", "Ole Dahl", "--email", "ole@example.dk",
        ])
        let otherMentee = try cli.create([
            "person", "add", "--role", "mentee", "--name", "Nina Berg", "--email", "nina@example.dk",
        ])
        let otherPair = try cli.create([
            "match", "--mentor", String(otherMentor), "--mentee", String(otherMentee), "--program", "djoef", "--start",
            today.adding(days: -10).description,
        ])
        #expect(try cli.run(["attention", "--program", "mentorshoppen", "--json"]).out.contains("Amira"))
        #expect(try nginx.start(cli))

        // Tomorrow, three minutes before now: its reminder (the day before, same time) is due at once.
        let moved = Zone.copenhagen.local(Date().addingTimeInterval(86_400 - 180))
        let movedAt = "\(moved.date)T\(moved.time)"
        try? FileManager.default.removeItem(atPath: Self.screenshots)
        let (status, output) = try WebEndpointTests.run(
            "python3",
            [
                TestServer.support.appendingPathComponent("desk_browser.py").path, "--base", nginx.base, "--cert",
                nginx.cert, "--profile", scratch.path + "/chromium", "--mail", scratch.path + "/mail", "--shots",
                Self.screenshots, "--leader", "louise@example.dk", "--stranger", "nobody@example.dk",
                "--mentee-name", "Amira Hansen", "--mentee-id", String(pair.mentee), "--pair-id", String(pair.forloeb),
                "--new-phone", "31 41 59 26", "--bad-phone", "12", "--forged-phone", "66 66 66 66", "--meeting-at",
                movedAt, "--other-pair", String(otherPair), "--other-person", String(otherMentee), "--sms-log", smsLog,
            ])
        let result = try #require(
            try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(status) \(output)")
        let problems = result["problems"] as? [String] ?? ["no problems list"]
        #expect(status == 0 && problems.isEmpty, "\(problems.joined(separator: "\n"))")
        let steps = result["steps"] as? [String: Any] ?? [:]
        #expect(steps["attentionNamesPair"] as? Bool == true, "\(steps)")
        #expect(steps["sameAnswerForStranger"] as? Bool == true)
        #expect(steps["strangerMails"] as? Int == 0, "a stranger's address got mail: \(steps)")
        #expect(steps["phoneErrorNextToField"] as? Bool == true, "\(steps)")
        // The page the leader lands on after each change shows it.
        #expect(steps["phoneShownAfter"] as? Bool == true && steps["newTimeShown"] as? Bool == true, "\(steps)")
        let refusals = result["refusals"] as? [String: Any] ?? [:]
        for (key, want) in [
            ("noToken", 403), ("wrongToken", 403), ("otherOrigin", 403), ("otherPortOrigin", 403), ("otherPair", 404),
            ("otherPerson", 404), ("otherPersonPost", 404),
        ] {
            #expect(refusals[key] as? Int == want, "\(key): \(refusals)")
        }
        let pages = result["pages"] as? [[String: Any]] ?? []
        // Every section of the nav was opened (and screenshot) signed in.
        let opened = Set(pages.compactMap { ($0["url"] as? String).flatMap { URLComponents(string: $0)?.path } })
        // Layout.sections' paths.
        let sections = [
            "/desk/", "/desk/pairs", "/desk/people", "/desk/cafes", "/desk/reminders", "/desk/failed", "/desk/import",
            "/desk/reports", "/desk/audit",
        ]
        for section in sections {
            #expect(opened.contains(section), "\(section) was not opened: \(opened.sorted())")
        }
        let shots = pages.flatMap { $0["screenshots"] as? [String] ?? [] }
        #expect(shots.count >= 2 * 12, "\(shots.count) screenshots of \(pages.map { $0["name"] ?? "" })")
        #expect(shots.allSatisfy { FileManager.default.fileExists(atPath: $0) })

        // What the leader did is what the commands show, in the audit under their name; the refused
        // posts changed nothing.
        let person = try cli.run(["person", "show", String(pair.mentee), "--json"]).out
        #expect(person.contains("31415926") || person.contains("31 41 59 26"), "\(person)")
        #expect(!person.contains("66666666") && !person.contains("66 66 66 66"))
        let meetings = try cli.run(["meeting", "list", String(pair.forloeb), "--json"]).out
        #expect(meetings.contains(movedAt), "\(meetings)")
        let audit = try cli.run(["audit", "--json"]).out
        #expect(audit.contains("desk:Louise"), "\(audit)")

        // The daemon's next SMS to the mentee goes to the new number and names the new time; after the
        // correction, none goes to the old one.
        let before = try #require(steps["smsBeforeCorrection"] as? Int, "\(steps)")
        let deadline = Date().addingTimeInterval(60)
        var reminder: [String: Any]?
        while reminder == nil && Date() < deadline {
            usleep(250_000)
            reminder = scratch.requests(smsLog).dropFirst(before).first { request in
                let json = request["json"] as? [String: Any]
                let to = (json?["recipients"] as? [[String: Any]])?.first?["msisdn"] as? Int
                return to == 4531_415_926 && (json?["message"] as? String ?? "").contains("Husk mødet")
            }
        }
        let text = (reminder?["json"] as? [String: Any])?["message"] as? String ?? ""
        let clock = moved.time.description
        #expect(
            text.contains(clock) || text.contains(clock.replacingOccurrences(of: ":", with: ".")),
            "no meeting reminder at \(movedAt) to the new number: \(scratch.requests(smsLog))")
        let toOld = scratch.requests(smsLog).dropFirst(before).filter { request in
            ((request["json"] as? [String: Any])?["recipients"] as? [[String: Any]])?.first?["msisdn"] as? Int
                == 4512_256_664
        }
        #expect(toOld.isEmpty, "SMS to the old number after the correction: \(toOld)")
        withExtendedLifetime((nginx, smtp, gateway)) {}
    }
}
