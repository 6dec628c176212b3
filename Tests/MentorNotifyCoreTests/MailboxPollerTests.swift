import Foundation
import MentorModel
import MentorStore
import Notifier
import Replies
import Testing
import Transport

@testable import MentorNotifyCore

/// The poller's bookkeeping for a message it cannot fetch, against a mailbox that does what the
/// test says: a server that is down never makes a message unreadable; a message whose move fails
/// too is passed over by UID and never fetched again.
@Suite(.serialized) struct MailboxPollerTests {
    final class FakeMailbox: ReplyMailbox {
        var messages: [Int64: [UInt8]] = [:]
        var unfetchable: Set<Int64> = []
        var down = false
        /// Lists every message in the folder, not only those after the last one read.
        var listsAll = false
        /// Lists, then is gone (every later request fails).
        var goneAfterListing = false
        var moveRefused = false
        var fetched: [Int64] = []
        var processed: [Int64] = []
        var unreadable: [Int64] = []

        func listNew(after last: Int64, generation: Int64?) throws(MailboxError) -> (generation: Int64, ids: [Int64]) {
            if down { throw MailboxError("down") }
            return (5, messages.keys.filter { listsAll || generation != 5 || $0 > last }.sorted())
        }

        func fetch(_ id: Int64, generation: Int64) throws(MailboxError) -> [UInt8] {
            fetched.append(id)
            guard !down, !goneAfterListing, !unfetchable.contains(id), let bytes = messages[id] else {
                throw MailboxError("the IMAP server could not fetch it")
            }
            return bytes
        }

        func moveToProcessed(_ ids: [Int64]) throws(MailboxError) {
            if down || goneAfterListing { throw MailboxError("down") }
            processed += ids
            for id in ids { messages[id] = nil }
        }

        func moveToUnreadable(_ id: Int64) throws(MailboxError) {
            if down || moveRefused { throw MailboxError("the IMAP server refused UID MOVE") }
            unreadable.append(id)
            messages[id] = nil
        }

        var folderNames: (replies: String, unreadable: String) { ("INBOX", "Unreadable") }

        func check() throws(MailboxError) {
            if down || goneAfterListing { throw MailboxError("down") }
        }

        func finish() {}
    }

    func poller(_ mailbox: FakeMailbox, folder: TemporaryFolder) throws -> MailboxPoller {
        var config = Config.builtIn()
        config.replies = RepliesSettings(address: "svar@example.dk")
        let store = try Store(path: folder.path + "/poll.db")
        let catalog = try TemplateCatalog.load(
            directory: CLIHarness.repository.appendingPathComponent("templates").path)
        let core = ReplyCore(store: store, config: config, catalog: catalog, logger: Logger(level: .error))
        return MailboxPoller(mailbox: mailbox, core: core, ownAddresses: ["svar@example.dk"])
    }

    final class TemporaryFolder {
        let path = NSTemporaryDirectory() + "mentor-notify-poller-" + UUID().uuidString
        init() { try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    func unreadable(_ poller: MailboxPoller) throws -> [InboundRecord] {
        try poller.core.store.inbound(since: 0).filter { $0.action == .unreadable }
    }

    static func mail(_ id: Int64) -> [UInt8] {
        Array("From: a@example.net\r\nMessage-ID: <m\(id)@example.net>\r\n\r\nhej\r\n".utf8)
    }

    @Test func aServerThatGoesAwayMidPollNeverMakesAMessageUnreadable() throws {
        let folder = TemporaryFolder()
        let mailbox = FakeMailbox()
        mailbox.messages = [1: Self.mail(1), 2: Self.mail(2), 3: Self.mail(3)]
        let poller = try poller(mailbox, folder: folder)
        // Five polls in which the server lists the messages and then is gone: the poll fails.
        mailbox.goneAfterListing = true
        for minute in Int64(0)..<5 {
            #expect(try poller.poll(now: 1_000 + minute * 60).failure == "down")
        }
        #expect(try poller.core.store.inbound(since: 0).isEmpty)
        #expect(mailbox.unreadable.isEmpty)
        // Back: every message is read and moved on; none was counted against it.
        mailbox.goneAfterListing = false
        #expect(try poller.poll(now: 2_000).failure == nil)
        #expect(mailbox.processed == [1, 2, 3])
        #expect(try unreadable(poller).isEmpty)
    }

    @Test func aMessageWhoseMoveFailsTooIsPassedOverAndNeverFetchedAgain() throws {
        let folder = TemporaryFolder()
        let mailbox = FakeMailbox()
        mailbox.messages = [1: Self.mail(1), 2: Self.mail(2), 3: Self.mail(3)]
        mailbox.unfetchable = [2]
        mailbox.moveRefused = true
        // As after a renumbering or a restore of the state: the folder is listed from its start.
        mailbox.listsAll = true
        let poller = try poller(mailbox, folder: folder)
        // Polls 1 and 2: the others go on; 2 waits.
        #expect(try poller.poll(now: 1_000).unreadable == 1)
        #expect(mailbox.processed == [1, 3])
        #expect(try poller.poll(now: 1_060).unreadable == 1)
        #expect(try unreadable(poller).isEmpty)
        // Poll 3: the move fails, the server is up: passed over, recorded once.
        mailbox.messages[4] = Self.mail(4)
        #expect(try poller.poll(now: 1_120).failure == nil)
        #expect(try unreadable(poller).map(\.detail) == ["left in INBOX"])
        #expect(mailbox.processed == [1, 3, 4])
        // From now on it is not fetched again, though it is still in the folder.
        let fetchedBefore = mailbox.fetched.filter { $0 == 2 }.count
        mailbox.messages[5] = Self.mail(5)
        _ = try poller.poll(now: 1_180)
        _ = try poller.poll(now: 1_240)
        #expect(mailbox.fetched.filter { $0 == 2 }.count == fetchedBefore)
        #expect(mailbox.processed == [1, 3, 4, 5])
        #expect(try unreadable(poller).count == 1)
    }
}
