import Foundation
import MentorStore
import TestSupport
import Testing

/// One bad message never holds back the ones after it, against a real Dovecot: a message the
/// server will not hand over or the reader refuses waits, the poll goes on, and at the third poll
/// in a row it goes to the unreadable folder (or is passed over), is listed as `unreadable`, and
/// the leaders hear of it once. What came back is known by hashes, never by an address.
@Suite(.serialized) struct UnreadableMailTests {
    typealias World = ReplyLoopTests.World

    func actions(_ cli: CLIHarness) throws -> [String] {
        try cli.json(["replies", "--json"]).map { "\($0["action"] as? String ?? "") \($0["detail"] as? String ?? "")" }
            .sorted()
    }

    @Test func aMessageThatCannotBeFetchedOrReadNeverHoldsBackTheOnesAfterIt() throws {
        let world = try World()
        let cli = world.cli
        // SPEC.md's folder name, which IMAP writes in modified UTF-7 (Dovecot: `.Ul&AOY-selig`).
        let config = String(
            decoding: FileManager.default.contents(atPath: cli.folder + "/config.json") ?? Data(), as: UTF8.self)
        cli.write(
            "config.json",
            config.replacingOccurrences(
                of: #""processedFolder": "Behandlet""#,
                with: #""processedFolder": "Behandlet", "unreadableFolder": "Ulæselig""#))
        let unreadableFolder = ".Ul&AOY-selig/"
        let messageID = try world.askForAprilHours()
        world.deliver(World.reply(from: "Søren <soren@example.dk>", to: messageID, id: "r1", body: "2 timer"))
        // Broken MIME: a multipart without a boundary, which the reader refuses.
        world.deliver(
            "From: soren@example.dk\nMessage-ID: <broken@example.net>\nIn-Reply-To: \(messageID)\n"
                + "Content-Type: multipart/mixed\n\n--\n3\n")
        // A message the server cannot hand over: its file cannot be read (Dovecot answers NO).
        let damaged = world.deliver(World.reply(from: "soren@example.dk", to: messageID, id: "r2", body: "5 timer"))
        chmod(damaged, 0)
        world.deliver(World.reply(from: "Søren <soren@example.dk>", to: messageID, id: "r3", body: "1 time"))

        // The good ones are acted on in the first poll; the bad ones wait, and the mailbox works.
        let first = try cli.run(["tick", "--at", "2026-04-20T10:05"])
        #expect(first.code == 0, "\(first.err)")
        #expect(!first.err.contains("result=failing"), "\(first.err)")
        #expect(try world.contacts() == ["2026-04-03 30 meeting", "2026-04-20 120 other", "2026-04-20 60 other"])
        #expect(try actions(cli) == ["hours 120 min on 2026-04-20", "hours 60 min on 2026-04-20"])
        #expect(world.processed() == 2)
        #expect(world.inbox() == 2)
        #expect(try cli.run(["tick", "--at", "2026-04-20T10:10"]).code == 0)
        #expect(world.inbox() == 2)
        #expect(try actions(cli).count == 2)

        // The third poll in a row: moved to the unreadable folder (created now), or, where even that
        // fails (Dovecot, running as another user, cannot link or copy a file it cannot read),
        // passed over by UID.
        let third = try cli.run(["tick", "--at", "2026-04-20T10:15"])
        #expect(third.code == 0, "\(third.err)")
        let listed = try actions(cli)
        #expect(listed.count == 4, "\(listed)")
        #expect(listed.contains("unreadable moved to Ulæselig"), "\(listed)")
        #expect(
            listed.contains("unreadable left in INBOX")
                || listed.filter { $0 == "unreadable moved to Ulæselig" }.count == 2,
            "\(listed)")
        #expect(world.count(unreadableFolder) + world.inbox() == 2)
        #expect(world.count(unreadableFolder) >= 1)
        #expect(try world.contacts().count == 3)
        // Nothing of the messages in the log but that they could not be read.
        #expect(!third.err.contains("5 timer") && !third.err.contains("broken@"), "\(third.err)")
        // Then the poll is clean: the one passed over is not fetched again.
        let fourth = try cli.run(["tick", "--at", "2026-04-20T10:20"])
        #expect(!fourth.err.contains("event=mailbox"), "\(fourth.err)")
        #expect(try actions(cli).count == 4)

        // May's first digest tells the leader, once: when, and where the messages are.
        #expect(try cli.run(["tick", "--at", "2026-05-01T09:00"]).code == 0)
        let database = try Database(path: cli.folder + "/test.db")
        let may = try database.query("SELECT body FROM outbox WHERE rule = 'monthly-digest'") {
            $0.optionalString(0) ?? ""
        }
        #expect(may.count == 1)
        let digest = may.first ?? ""
        #expect(digest.contains("I april 2026 kom der e-mails til os, som vi ikke kunne læse"), "\(digest)")
        #expect(digest.contains("- mandag den 20. april, flyttet til mappen Ulæselig"), "\(digest)")
        #expect(try cli.run(["tick", "--at", "2026-06-01T09:00"]).code == 0)
        let june = try database.query(
            "SELECT body FROM outbox WHERE rule = 'monthly-digest' AND key LIKE '%2026-05'"
        ) { $0.optionalString(0) ?? "" }
        // One digest is written for May, so "not listed again" is checked on a real text.
        #expect(june.count == 1, "\(june)")
        #expect(june.allSatisfy { !$0.contains("ikke kunne læse") }, "\(june)")
    }

    /// A message without a Message-ID is known by its bytes: when the folder is renumbered (a new
    /// UIDVALIDITY, as when the mailbox is recreated) and the same message is in it again, it is
    /// not acted on twice.
    @Test func aMessageWithoutAMessageIDActsOnceWhenTheFolderIsRenumbered() throws {
        let world = try World()
        let cli = world.cli
        let messageID = try world.askForAprilHours()
        let reply = World.reply(from: "soren@example.dk", to: messageID, id: "x", body: "2 timer")
            .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("Message-ID:") }
            .joined(separator: "\n")
        world.deliver(reply)
        #expect(try cli.run(["tick", "--at", "2026-04-20T10:05"]).code == 0)
        #expect(try world.contacts().count == 2)
        #expect(world.processed() == 1)
        // The mailbox is recreated: Dovecot's UID list and indexes go, with a new UIDVALIDITY.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: world.maildir)) ?? []
        where name.hasPrefix("dovecot") {
            try FileManager.default.removeItem(atPath: world.maildir + "/" + name)
        }
        world.cli.write("uidlist", "3 V4242 N1\n")
        try FileManager.default.moveItem(atPath: cli.folder + "/uidlist", toPath: world.maildir + "/dovecot-uidlist")
        world.deliver(reply)
        let again = try cli.run(["tick", "--at", "2026-04-20T10:10"])
        #expect(again.code == 0, "\(again.err)")
        #expect(again.err.contains("result=renumbered"), "\(again.err)")
        #expect(try world.contacts().count == 2)
        #expect(try cli.json(["replies", "--json"]).count == 1)
        #expect(world.processed() == 2)
    }

    /// A reply's Message-ID often holds an address: keys hold its hash, and `forget` leaves no
    /// trace of it in the database or its WAL.
    @Test func keysHoldHashesAndForgetLeavesNoAddressInAnyKey() throws {
        let world = try World()
        let cli = world.cli
        let messageID = try world.askForAprilHours()
        world.deliver(
            World.reply(from: "soren@example.dk", to: messageID, id: "x", body: "2 timer")
                .replacingOccurrences(of: "<x@mail.gmail.com>", with: "<20260420.soren@example.dk>"))
        world.deliver(
            World.reply(from: "soren@example.dk", to: messageID, id: "y", body: "hvornår ses vi?")
                .replacingOccurrences(of: "<y@mail.gmail.com>", with: "<20260421.soren@example.dk>"))
        #expect(try cli.run(["tick", "--at", "2026-04-20T10:05"]).code == 0)
        #expect(try cli.json(["replies", "--json"]).count == 2)
        let database = try Database(path: cli.folder + "/test.db")
        let keys =
            try database.query("SELECT key FROM inbound") { $0.string(0) }
            + database.query("SELECT key FROM outbox") { $0.string(0) }
        #expect(keys.allSatisfy { !$0.contains("@") }, "\(keys)")
        #expect(try cli.run(["forget", String(world.mentor)]).code == 0)
        for file in ["test.db", "test.db-wal"] {
            let data = FileManager.default.contents(atPath: cli.folder + "/" + file) ?? Data()
            for value in ["soren@example.dk", "20260420.soren", "20260421.soren"] {
                #expect(data.range(of: Data(value.utf8)) == nil, "\(value) in \(file)")
            }
        }
    }
}
