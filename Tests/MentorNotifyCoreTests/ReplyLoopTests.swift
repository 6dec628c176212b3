import Foundation
import MentorStore
import TestSupport
import Testing

/// The loop back, end to end: our email goes out through a real SMTP server (aiosmtpd), a reply is
/// delivered into a real IMAP server (Dovecot) as a mail server would, and the next cycle reads it
/// through libcurl, acts on it once, confirms it, and moves it to the processed folder.
@Suite(.serialized) struct ReplyLoopTests {
    final class World {
        let cli = CLIHarness()
        let scratch = Scratch()
        let smtp: TestServer
        let imap: TestServer
        let maildir: String
        var mentor: Int64 = 0
        var mentee: Int64 = 0
        var forloeb: Int64 = 0
        private var delivered = 0

        init(password: String = "hemmelig", program: String = "mentorshoppen") throws {
            let (cert, key) = try scratch.certificate()
            imap = try TestServer(
                script: "imap_server.py", arguments: ["--dir", scratch.path + "/imap", "--tls", cert, key],
                folder: scratch.path)
            smtp = try TestServer(
                script: "smtp_server.py", arguments: ["--out", scratch.path + "/in"], folder: scratch.path)
            maildir = scratch.path + "/imap/mail/svar/Maildir"
            cli.write("imap-password", password)
            chmod(cli.folder + "/imap-password", 0o600)
            cli.write(
                "config.json",
                """
                { "email": { "url": "smtp://127.0.0.1:\(smtp.port)", "from": "Mentorshoppen <noreply@example.dk>",
                             "starttls": "none" },
                  "replies": { "address": "svar@example.dk",
                               "imap": { "url": "imap://127.0.0.1:\(imap.port)/INBOX", "username": "svar",
                                         "passwordFile": "\(cli.folder)/imap-password", "caFile": "\(cert)",
                                         "processedFolder": "Behandlet", "timeoutSeconds": 10 } },
                  "programs": [ { "id": "\(program)", "preset": "\(program)",
                                  "leaders": [ { "name": "Louise Berg", "email": "louise@example.dk" } ] } ] }
                """)
            (mentor, mentee, forloeb) = try cli.forloeb(program: program)
        }

        /// A contact in April below the target, then the cycle of the 20th: the mentor is asked
        /// about April's hours. Returns that email's Message-ID.
        func askForAprilHours() throws -> String {
            #expect(try cli.run(["contact", String(forloeb), "--date", "2026-04-03", "--minutes", "30"]).code == 0)
            #expect(try cli.run(["tick", "--at", "2026-04-20T10:00"]).code == 0)
            let reminder = try #require(received(1).first)
            return try #require((reminder["headers"] as? [String: String])?["Message-ID"])
        }

        /// What the SMTP server received, in order (waiting up to `timeout` for `count` messages).
        func received(_ count: Int, timeout: TimeInterval = 10) -> [[String: Any]] {
            scratch.received(scratch.path + "/in", count: count, timeout: timeout)
        }

        /// Writes a message into the Maildir as a delivery agent does: into tmp/, renamed into new/.
        /// Returns its path there.
        @discardableResult
        func deliver(_ message: String) -> String {
            delivered += 1
            let name = "17700000\(delivered).M\(delivered)P1.test"
            let tmp = maildir + "/tmp/" + name
            _ = FileManager.default.createFile(
                atPath: tmp, contents: Data(message.replacingOccurrences(of: "\n", with: "\r\n").utf8))
            rename(tmp, maildir + "/new/" + name)
            return maildir + "/new/" + name
        }

        func processed() -> Int { count(".Behandlet/") }

        func inbox() -> Int { count("") }

        /// Messages in a folder of the Maildir (`""` the INBOX, `".Name/"` another).
        func count(_ folder: String) -> Int {
            ["new", "cur"].reduce(0) {
                $0 + ((try? FileManager.default.contentsOfDirectory(atPath: maildir + "/" + folder + $1))?.count ?? 0)
            }
        }

        func contacts() throws -> [String] {
            let database = try Database(path: cli.folder + "/test.db")
            return try database.query("SELECT date || ' ' || minutes || ' ' || kind FROM contact ORDER BY id") {
                $0.string(0)
            }
        }

        /// A reply as Gmail writes it, from `from`, to the message with `messageID`.
        static func reply(from: String, to messageID: String, id: String, body: String, subject: String = "Re: x")
            -> String
        {
            """
            MIME-Version: 1.0
            Date: Fri, 20 Mar 2026 19:41:07 +0100
            References: \(messageID)
            In-Reply-To: \(messageID)
            Message-ID: <\(id)@mail.gmail.com>
            Subject: \(subject)
            From: \(from)
            To: svar@example.dk
            Content-Type: text/plain; charset="UTF-8"

            \(body)

            Den fre. 20. mar. 2026 kl. 09.00 skrev Mentorshoppen <svar@example.dk>:
            > Hej
            > Svar med antal timer, fx 3,5

            """
        }
    }

    @Test func aMentorAnswersTheMonthlyReminderWithHours() throws {
        let world = try World()
        let cli = world.cli
        // The first full month: monthly-hours asks about April on the 20th.
        #expect(try cli.run(["contact", String(world.forloeb), "--date", "2026-04-03", "--minutes", "30"]).code == 0)
        let reminderTick = try cli.run(["tick", "--at", "2026-04-20T10:00"])
        #expect(reminderTick.code == 0)
        let sent = world.received(1)
        #expect(!sent.isEmpty, "\(reminderTick.err)")
        let reminder = try #require(sent.first { ($0["rcpt_tos"] as? [String]) == ["soren@example.dk"] })
        let headers = try #require(reminder["headers"] as? [String: String])
        // Answers come back to the replies address, bounces too; the Message-ID cannot be guessed.
        #expect(headers["Reply-To"] == "svar@example.dk")
        #expect(reminder["mail_from"] as? String == "svar@example.dk")
        let messageID = try #require(headers["Message-ID"])
        #expect(messageID.range(of: #"^<mn\.[0-9a-f]{32}@example\.dk>$"#, options: .regularExpression) != nil)
        let reminderText = (reminder["parts"] as? [[String: Any]])?.first?["text"] as? String ?? ""
        #expect(reminderText.contains("svar blot på denne e-mail med antal timer"), "\(reminderText)")

        world.deliver(World.reply(from: "Søren <soren@example.dk>", to: messageID, id: "r1", body: "3,5"))
        let tick = try cli.run(["tick", "--at", "2026-04-20T19:45"])
        #expect(tick.code == 0, "\(tick.err)")
        // Logged once, in April, as other contact; the message moved on.
        #expect(try world.contacts() == ["2026-04-03 30 meeting", "2026-04-20 210 other"])
        #expect(world.inbox() == 0)
        #expect(world.processed() == 1)
        // Confirmed at once, though it is evening: the person just wrote. It answers the reminder.
        let confirmation = try #require(
            world.received(2).first {
                (($0["headers"] as? [String: String])?["Subject"] ?? "") == "SV: " + (headers["Subject"] ?? "")
            })
        let text = (confirmation["parts"] as? [[String: Any]])?.first?["text"] as? String ?? ""
        #expect(text.contains("Vi har registreret 3,5 timer sammen med Amira i april 2026"))
        // The reply is listed, never its text; the log has no word of it either.
        let check = try cli.run(["check", "--connect"])
        #expect(check.out.contains("logged in, folder INBOX found"), "\(check.out)\(check.err)")
        let replies = try cli.json(["replies", "--json"])
        #expect(replies.count == 1)
        #expect(replies.first?["action"] as? String == "hours")
        #expect(!tick.err.contains("3,5"))
        #expect(!(try cli.databaseDump()).contains("Den fre. 20. mar."))

        // The same message delivered again (a second copy, or a move that failed): not acted on twice.
        world.deliver(World.reply(from: "Søren <soren@example.dk>", to: messageID, id: "r1", body: "3,5"))
        #expect(try cli.run(["tick", "--at", "2026-04-20T19:50"]).code == 0)
        #expect(try world.contacts().count == 2)
        #expect(world.processed() == 2)
        #expect(try cli.json(["replies", "--json"]).count == 1)
    }

    @Test func strangersRobotsAndBouncesAreHandledAsTheSpecSays() throws {
        let world = try World()
        let cli = world.cli
        let messageID = try world.askForAprilHours()
        // A reply from another address to the mentor's message acts on nothing: only forwarded.
        world.deliver(World.reply(from: "someone@example.net", to: messageID, id: "s1", body: "24"))
        // An out-of-office answer.
        world.deliver(
            World.reply(
                from: "soren@example.dk", to: messageID, id: "o1", body: "Jeg er på ferie", subject: "Autosvar: x")
        )
        // A Postfix bounce of our message.
        world.deliver(
            """
            Return-Path: <>
            From: MAILER-DAEMON@example.dk (Mail Delivery System)
            To: svar@example.dk
            Subject: Undelivered Mail Returned to Sender
            Auto-Submitted: auto-replied
            Message-ID: <bounce1@example.dk>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="B"

            --B
            Content-Type: text/plain

            Your message could not be delivered.
            --B
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mail.example.dk

            Final-Recipient: rfc822; soren@example.dk
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 <soren@example.dk>: Recipient address rejected

            --B
            Content-Type: text/rfc822-headers

            From: Mentorshoppen <noreply@example.dk>
            Message-ID: \(messageID)
            Subject: Jeres kontakt

            --B--
            """)
        #expect(try cli.run(["tick", "--at", "2026-04-20T11:00"]).code == 0)
        let actions = try cli.json(["replies", "--json"]).compactMap { $0["action"] as? String }.sorted()
        #expect(actions == ["bounce", "ignored-auto", "unverified"])
        #expect(try world.contacts().count == 1)
        #expect(world.processed() == 3)
        let failed = try cli.json(["outbox", "--status", "failed", "--json"])
        #expect(failed.count == 1)
        let reason = failed.first?["reason"] as? String ?? ""
        #expect(reason.hasPrefix("bounced: 5.1.1"), "\(reason)")
        // Nothing was answered: the only mail sent is the reminder (and, later, the leader's alert).
        // (The cycle has finished: whatever it sent is there; nothing more is coming.)
        #expect(
            world.received(2, timeout: 1).filter { ($0["rcpt_tos"] as? [String]) != ["louise@example.dk"] }.count == 1)
    }

    @Test func aMailboxThatRefusesTheLoginIsLoggedOnceAndSendingGoesOn() throws {
        let world = try World(password: "wrong")
        let cli = world.cli
        let first = try cli.run(["tick", "--at", "2026-03-09T10:00"])
        #expect(first.code == 0, "\(first.err)")
        #expect(first.err.components(separatedBy: "event=mailbox").count == 2, "\(first.err)")
        #expect(first.err.contains("result=failing"))
        #expect(world.received(2).count == 2)
        let second = try cli.run(["tick", "--at", "2026-03-09T10:05"])
        #expect(!second.err.contains("result=failing"))
        let status = try cli.run(["status"])
        #expect(status.out.contains("replies:        FAILING since"))
        #expect(status.code != 0)
        // `check` reads the password file; `check --connect` logs in, and says why it cannot.
        #expect(try cli.run(["check"]).code == 0)
        let connect = try cli.run(["check", "--connect"])
        #expect(connect.code == 69)
        #expect(connect.err.contains("the replies mailbox cannot be read"), "\(connect.err)")
    }

    @Test func largeAndBrokenMessagesDoNotHoldBackTheRest() throws {
        let world = try World()
        let cli = world.cli
        let messageID = try world.askForAprilHours()
        // 10 MB: the answer and a photo from the phone. The answer is read; the photo never decoded.
        let photo = String(repeating: String(repeating: "QUJD", count: 19) + "\n", count: 10 * 1024 * 1024 / 77)
        world.deliver(
            """
            From: soren@example.dk
            To: svar@example.dk
            Message-ID: <big@example.net>
            In-Reply-To: \(messageID)
            Content-Type: multipart/mixed; boundary=X

            --X
            Content-Type: text/plain; charset=utf-8

            2 timer
            --X
            Content-Type: image/jpeg
            Content-Transfer-Encoding: base64
            Content-Disposition: attachment; filename=IMG_0001.jpg

            \(photo)
            --X--
            """)
        // Past the 16 MiB we fetch: not read; at the third poll moved to the unreadable folder.
        world.deliver("From: soren@example.dk\nMessage-ID: <huge@example.net>\n\n" + photo + photo)
        // Broken MIME: a multipart without a boundary.
        world.deliver(
            "From: soren@example.dk\nMessage-ID: <broken@example.net>\nIn-Reply-To: \(messageID)\n"
                + "Content-Type: multipart/mixed\n\n--\n3\n")
        let tick = try cli.run(["tick", "--at", "2026-04-20T10:05"])
        #expect(tick.code == 0, "\(tick.err)")
        #expect(try world.contacts() == ["2026-04-03 30 meeting", "2026-04-20 120 other"])
        #expect(try cli.json(["replies", "--json"]).count == 1)
        #expect(world.processed() == 1)
        #expect(try cli.run(["tick", "--at", "2026-04-20T10:10"]).code == 0)
        #expect(try cli.run(["tick", "--at", "2026-04-20T10:15"]).code == 0)
        let replies = try cli.json(["replies", "--json"])
        let details = replies.map { "\($0["action"] as? String ?? "") \($0["detail"] as? String ?? "")" }.sorted()
        #expect(
            details == [
                "hours 120 min on 2026-04-20", "unreadable moved to Unreadable", "unreadable moved to Unreadable",
            ])
        #expect(world.inbox() == 0)
        #expect(world.processed() == 1)
        #expect(world.count(".Unreadable/") == 2)
        // And the mailbox keeps working: the next cycle is a clean poll.
        let next = try cli.run(["tick", "--at", "2026-04-20T10:20"])
        #expect(!next.err.contains("event=mailbox"), "\(next.err)")
    }

    @Test func implicitTLSWithTheTestCAAndARefusalWithoutIt() throws {
        let scratch = Scratch()
        let (cert, key) = try scratch.certificate()
        let imaps = try TestServer(
            script: "imap_server.py", arguments: ["--dir", scratch.path + "/imap", "--tls", cert, key, "--imaps"],
            folder: scratch.path)
        let cli = CLIHarness()
        cli.write("pw", "hemmelig")
        chmod(cli.folder + "/pw", 0o600)
        func config(caFile: String?) {
            cli.write(
                "config.json",
                """
                { "replies": { "address": "svar@example.dk",
                    "imap": { "url": "imaps://127.0.0.1:\(imaps.port)/INBOX", "username": "svar",
                              "passwordFile": "\(cli.folder)/pw"\(caFile.map { ", \"caFile\": \"\($0)\"" } ?? "") } },
                  "programs": [ { "id": "symb", "preset": "symb", "leaders": [ { "name": "L", "email": "l@example.dk" } ] } ] }
                """)
        }
        config(caFile: cert)
        let trusted = try cli.run(["check", "--connect"])
        #expect(trusted.code == 0, "\(trusted.err)")
        #expect(trusted.out.contains("logged in"))
        // A certificate nobody vouches for: refused, and the fix named.
        config(caFile: nil)
        let untrusted = try cli.run(["check", "--connect"])
        #expect(untrusted.code == 69)
        #expect(untrusted.err.contains("not trusted"), "\(untrusted.err)")
    }
}
