import Foundation
import MentorModel
import MentorStore
import TestSupport
import Testing
import Transport

@testable import Notifier

/// The two-thread delivery: a sender transmits one batch while the next is leased and prepared and
/// the one before is recorded. Each row still ends in exactly one state, in order, once.
@Suite(.serialized) struct PipelineTests {
    /// An SMS gateway in memory: records what it was sent, in order, and answers as told.
    final class Gateway: SMSTransport, @unchecked Sendable {
        // @unchecked: the sender thread calls `send`; the test reads after `deliver` returned.
        private let lock = NSLock()
        private var texts: [String] = []
        let delay: TimeInterval
        let answer: @Sendable (String) -> DeliveryError?
        let afterSend: @Sendable (Int) -> Void

        init(
            delay: TimeInterval = 0, answer: @escaping @Sendable (String) -> DeliveryError? = { _ in nil },
            afterSend: @escaping @Sendable (Int) -> Void = { _ in }
        ) {
            self.delay = delay
            self.answer = answer
            self.afterSend = afterSend
        }

        var sent: [String] { lock.withLock { texts } }

        func send(_ message: SMSPayload) throws(DeliveryError) -> DeliveryReceipt {
            if delay > 0 { Thread.sleep(forTimeInterval: delay) }
            if let error = answer(message.text) { throw error }
            let count = lock.withLock {
                texts.append(message.text)
                return texts.count
            }
            afterSend(count)
            return DeliveryReceipt(providerID: "gw-\(count)", segments: 1)
        }

        func finishBatch() {}
    }

    struct World {
        let scratch = Scratch()
        let store: Store
        let mentee: Int64

        init(messages: Int) throws {
            store = try Store(path: scratch.path + "/p.db")
            mentee = try store.addPerson(
                NewPerson(role: .mentee, name: "Amira", phone: "+4513243546", channels: [.sms]))
            let rows = (1...messages).map { index in
                OutboxRow(
                    key: "k\(index)", channel: .sms, rule: .cafeInvite, role: .mentee, recipient: mentee,
                    program: "p", relationshipID: nil, language: .da, subject: nil, body: "besked \(index)",
                    notBefore: 1000, expiresAt: nil, inWindow: true, afterEnd: false)
            }
            try store.enqueue(rows, now: 900)
        }

        func deliverer(
            _ gateway: Gateway, batchSize: Int, leaseSeconds: Int64 = 300, log: DeliveryTests.LogLines = .init()
        ) -> Deliverer {
            let spool = SpoolTransport(directory: scratch.path + "/spool")
            let deliverer = Deliverer(
                store: store, email: spool, sms: gateway, from: "noreply@example.dk", zone: .copenhagen,
                logger: Logger(level: .info, environment: [:], sink: { log.add($0) }))
            deliverer.batchSize = batchSize
            deliverer.leaseSeconds = leaseSeconds
            return deliverer
        }
    }

    @Test func everyRowOfManyBatchesEndsInItsOwnStateOnce() throws {
        let world = try World(messages: 23)
        // Every fifth is refused for good, every seventh is busy: both must land on the right row.
        let gateway = Gateway(answer: { text in
            guard let number = Int(text.split(separator: " ").last ?? "") else { return nil }
            if number % 5 == 0 { return .permanent("HTTP 400 from the SMS gateway") }
            if number % 7 == 0 { return .transient("HTTP 503 from the SMS gateway") }
            return nil
        })
        let stats = try world.deliverer(gateway, batchSize: 4).deliver(now: 1000, windowOpen: true)
        #expect(stats.sent == 16 && stats.failed == 4 && stats.retried == 3)
        #expect(gateway.sent == (1...23).filter { $0 % 5 != 0 && $0 % 7 != 0 }.map { "besked \($0)" })
        // Every row is there to be looked at: the loop below says nothing about rows that are gone.
        let rows = try world.store.outbox()
        #expect(rows.count == 23)
        for row in rows {
            let number = Int(row.key.dropFirst()) ?? 0
            switch (number % 5, number % 7) {
            case (0, _):
                #expect(row.status == .failed && row.reason?.contains("400") == true, "\(row.key)")
            case (_, 0):
                #expect(row.status == .pending && row.notBefore == 1300 && row.reason?.contains("503") == true)
            default:
                #expect(row.status == .sent && row.attempts == 1 && row.providerID?.hasPrefix("gw-") == true)
            }
        }
        // The pass's journal was committed and removed.
        let left = try FileManager.default.contentsOfDirectory(atPath: world.scratch.path).filter {
            $0.hasSuffix(".journal")
        }
        #expect(left.isEmpty)
    }

    @Test func aStopGivesBackTheRestOfTheBatchAndTheBatchWaitingBehindIt() throws {
        let world = try World(messages: 7)
        let stop = Flag()
        // SIGTERM arrives while the second message is on its way; by then the next batch is leased.
        let gateway = Gateway(delay: 0.5, afterSend: { count in if count == 2 { stop.set() } })
        let stats = try world.deliverer(gateway, batchSize: 3).deliver(
            now: 1000, windowOpen: true, shouldStop: { stop.isSet })
        #expect(gateway.sent == ["besked 1", "besked 2"])
        #expect(stats.sent == 2)
        let rows = try world.store.outbox()
        #expect(rows.filter { $0.status == .sent }.count == 2)
        #expect(rows.filter { $0.status == .pending }.count == 5)
        #expect(rows.allSatisfy { $0.status != .sending }, "a lease was left behind")
        // Given back untouched: the attempt that never happened is not counted.
        #expect(rows.filter { $0.status == .pending }.allSatisfy { $0.attempts == 0 })
        // The third message of the first batch and the whole second batch; the last was never leased.
        #expect(stats.released == 4)
    }

    @Test func aBatchPastHalfItsLeaseIsGivenBackAndLeasedAfresh() throws {
        let world = try World(messages: 5)
        // Half of a 2 s lease is 1 s: at 0.4 s a message, the fourth would start after it at the
        // earliest (later, on a loaded machine).
        let gateway = Gateway(delay: 0.4)
        let log = DeliveryTests.LogLines()
        let stats = try world.deliverer(gateway, batchSize: 200, leaseSeconds: 2, log: log).deliver(
            now: 1000, windowOpen: true)
        #expect(stats.sent == 5 && stats.released == 0)
        let requeued = log.all.split(separator: "\n").filter { $0.contains("result=requeued") }
        #expect(requeued.count >= 2, "\(requeued)")
        #expect(requeued.last?.contains("outbox=5") == true)
        #expect(gateway.sent == (1...5).map { "besked \($0)" }, "each sent once, in order")
        let rows = try world.store.outbox()
        #expect(rows.count == 5 && rows.allSatisfy { $0.status == .sent && $0.attempts == 1 })
    }
}

@Suite struct HeartbeatTests {
    final class Counter: @unchecked Sendable {
        // @unchecked: guarded by the lock.
        private let lock = NSLock()
        private var value = 0
        func add() { lock.withLock { value += 1 } }
        var count: Int { lock.withLock { value } }
    }

    @Test func atMostOneBeatASecondReachesTheHandler() {
        let counter = Counter()
        let started = Date()
        let heartbeat = Heartbeat()
        heartbeat.install { counter.add() }
        for _ in 0..<10_000 { heartbeat.beat() }
        Thread.sleep(forTimeInterval: 1.05)
        heartbeat.beat()
        // This heartbeat is this test's own: nothing else beats it.
        let seconds = Date().timeIntervalSince(started)
        #expect(counter.count >= 2, "one beat, then one more after a second")
        #expect(counter.count <= Int(seconds) + 1, "\(counter.count) beats in \(seconds) s")
    }
}

@Suite(.serialized) struct SendWindowTests {
    @Test func aPassStillRunningWhenTheWindowClosesHoldsTheRestTillMorning() throws {
        let world = try PipelineTests.World(messages: 5)
        // A wake-up reminder names its own hour: the window's end does not hold it back.
        try world.store.enqueue(
            [
                OutboxRow(
                    key: "wake", channel: .sms, rule: .recurring, role: .person, recipient: world.mentee,
                    program: "p", relationshipID: nil, language: .da, subject: nil, body: "vågn op", notBefore: 1000,
                    expiresAt: nil, inWindow: false, afterEnd: false)
            ], now: 900)
        let gateway = PipelineTests.Gateway(delay: 0.4)
        let log = DeliveryTests.LogLines()
        // The window closes 1 s into the pass; at 0.4 s a message, the fourth cannot start before it.
        let stats = try world.deliverer(gateway, batchSize: 200, log: log).deliver(
            now: 1000, windowOpen: true, windowClosesAfter: 1)
        let sent = gateway.sent
        #expect(sent.last == "vågn op")
        #expect(sent.dropLast().count >= 1 && sent.dropLast().count <= 3, "\(sent)")
        #expect(stats.sent == sent.count && stats.released == 0)
        let rows = try world.store.outbox()
        let held = rows.filter { $0.status == .pending }
        #expect(held.count == 5 - sent.dropLast().count)
        #expect(held.allSatisfy { $0.inWindow && $0.attempts == 0 && $0.leaseUntil == nil })
        #expect(held.map(\.key).contains("k5"))
        #expect(log.all.split(separator: "\n").filter { $0.contains("result=held") }.count == held.count)
        // Next morning they go.
        let morning = try world.deliverer(PipelineTests.Gateway(), batchSize: 200).deliver(
            now: 1000 + 13 * 3600, windowOpen: true, windowClosesAfter: 11 * 3600)
        #expect(morning.sent == held.count)
    }
}
