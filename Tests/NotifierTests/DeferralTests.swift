import CCurl
import MentorModel
import MentorStore
import TestSupport
import Testing
import Transport

@testable import Notifier

/// A 4xx that names the recipient (a busy or full mailbox, greylisting) defers that one message:
/// it is retried with backoff while the channel goes on, and given up after 5 days (RFC 5321
/// 4.5.4.1). Against aiosmtpd answering as Postfix does.
@Suite(.serialized) struct DeferralTests {
    /// aiosmtpd in `defer` mode: greylists each recipient once, and "full…" mailboxes always.
    static func deferringServer(_ world: DeliveryTests.World) throws -> TestServer {
        try TestServer(
            script: "smtp_server.py", arguments: ["--out", world.scratch.path + "/in", "--mode", "defer"],
            folder: world.scratch.path)
    }

    /// The deferring server, and a message to a mailbox it always finds full.
    static func fullMailbox(_ world: DeliveryTests.World) throws -> (TestServer, Int64) {
        let server = try deferringServer(world)
        let fie = try world.store.addPerson(NewPerson(role: .mentee, name: "Fie", email: "full@example.dk"))
        return (server, try world.enqueue("k1", recipient: fie))
    }

    @Test func aGreylistedRecipientIsRetriedLaterWhileTheChannelGoesOn() throws {
        let world = try DeliveryTests.World()
        let server = try Self.deferringServer(world)
        let amira = try world.enqueue("k1")
        let soren = try world.enqueue("k2", recipient: world.mentor)
        let deliverer = world.deliverer(smtp: server.port)
        let first = try deliverer.deliver(now: 1000, windowOpen: true)
        #expect(first.retried == 2 && first.released == 0, "\(first)")
        #expect(try world.store.channelHolds().isEmpty, "a greylisted recipient holds no channel")
        var row = try world.row(amira)
        #expect(row.status == .pending && row.attempts == 1 && row.notBefore == 1300)
        #expect(row.reason?.contains("Greylisted") == true && row.reason?.contains("deferred at RCPT") == true)
        #expect(row.reason?.contains("amira@") == false, "\(row.reason ?? "nil")")
        #expect(try deliverer.deliver(now: 1200, windowOpen: true) == Deliverer.Stats(), "retried before its time")
        #expect(try deliverer.deliver(now: 1300, windowOpen: true).sent == 2)
        row = try world.row(amira)
        #expect(row.status == .sent && row.attempts == 2 && row.reason == nil)
        #expect(try world.row(soren).status == .sent)
        #expect(world.scratch.received(world.scratch.path + "/in", count: 2).count == 2)
    }

    @Test func aFullMailboxIsRetriedWithBackoffAndGivenUpAfterFiveDays() throws {
        let world = try DeliveryTests.World()
        let (server, id) = try Self.fullMailbox(world)
        let deliverer = world.deliverer(smtp: server.port)
        var now: Int64 = 1000
        var waits: [Int64] = []
        while try world.row(id).status == .pending, waits.count < 500 {
            _ = try deliverer.deliver(now: now, windowOpen: true)
            let row = try world.row(id)
            guard row.status == .pending else { break }
            #expect(try world.store.channelHolds().isEmpty)
            waits.append(row.notBefore - now)
            now = row.notBefore
        }
        // Postfix's backoff: 5 minutes, doubling, at most 4000 s.
        #expect(Array(waits.prefix(6)) == [300, 600, 1200, 2400, 4000, 4000], "\(waits.prefix(6))")
        let row = try world.row(id)
        #expect(row.status == .failed, "\(row.status)")
        #expect(now + 4000 >= 900 + 5 * 86_400 && now < 900 + 5 * 86_400, "given up at \(now)")
        let reason = try #require(row.reason)
        #expect(reason.hasPrefix("gave up after \(row.attempts) attempts over 5 days: SMTP 452 4.2.2"), "\(reason)")
        #expect(!reason.contains("full@"), "\(reason)")
        #expect(try world.store.unreportedFailures().map(\.id) == [id], "the leader hears of it")
        #expect(world.log.all.contains("result=retry"))
    }

    /// The server comes back after two days down and defers the waiting message: that answer ends
    /// the outage, whose two days are credited, so the 5 days of deferrals start after it.
    @Test func aDeferralEndsAnOutageAndTheOutageIsNotCountedAgainstTheMessage() throws {
        let world = try DeliveryTests.World()
        let (server, id) = try Self.fullMailbox(world)
        _ = try world.deliverer(smtp: 1).deliver(now: 1000, windowOpen: true)
        #expect(try world.store.channelHolds()[.email]?.since == 1000, "down: the channel is held")
        let back: Int64 = 1000 + 2 * 86_400
        let deliverer = world.deliverer(smtp: server.port)
        #expect(try deliverer.deliver(now: back, windowOpen: true).retried == 1)
        #expect(try world.store.channelHolds().isEmpty, "the deferral shows the server works")
        var row = try world.row(id)
        #expect(row.heldSeconds == 2 * 86_400 && row.notBefore == back + 300, "\(row.heldSeconds) \(row.notBefore)")
        #expect(row.reason?.contains("Mailbox full") == true, "\(row.reason ?? "nil")")
        #expect(world.log.all.contains("result=working held_seconds=172800"), "\(world.log.all)")
        var now = back
        while try world.row(id).status == .pending, now < back + 10 * 86_400 {
            now = try world.row(id).notBefore
            _ = try deliverer.deliver(now: now, windowOpen: true)
        }
        row = try world.row(id)
        let giveUp = 900 + 2 * 86_400 + 5 * 86_400
        #expect(row.status == .failed && now < giveUp && now + 4000 >= giveUp, "given up at \(now)")
    }
}
