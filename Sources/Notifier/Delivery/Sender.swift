import Dispatch
import Foundation
import MentorModel
import MentorStore
import Transport

/// A leased row with its message built, ready for the transport.
struct Outgoing: Sendable {
    enum Message: Sendable {
        case email(EmailPayload)
        case sms(SMSPayload)
    }

    var row: OutboxRow
    var address: String
    var message: Message
}

/// Transmits one batch at a time on its own thread: send, then the sent mark to the journal, then
/// the next message. Nothing else happens between two transfers, so the network is never kept
/// waiting by the bookkeeping, which the delivering thread does meanwhile.
///
/// Ownership: while a batch is out (`start` to `finish`), only the sender thread touches the
/// transports; `finish` waits for it, so afterwards the caller may use them again.
final class Sender: @unchecked Sendable {
    // @unchecked: see "Ownership" above; `outcomes` is written by the sender thread before it
    // signals `done` and read by the caller after `done` was waited for.
    enum Outcome: Sendable {
        case sent(DeliveryReceipt, journaled: Bool)
        case failed(DeliveryError)
        case notAttempted(Reason)

        /// The daemon is stopping: not attempted for that reason, or aborted in flight.
        static func isStop(_ outcome: Outcome) -> Bool {
            switch outcome {
            case .notAttempted(.stopping): true
            case .failed(let error): error.kind == .stopped
            default: false
            }
        }

        /// The channel failed: its server or gateway, not the message.
        static func isChannelFailure(_ outcome: Outcome) -> Bool {
            if case .failed(let error) = outcome { return error.holdsChannel }
            return false
        }
    }

    enum Reason: Sendable, Equatable {
        /// SIGTERM: the daemon is stopping.
        case stopping
        /// The batch's lease is half gone: the row goes back to pending rather than risk a
        /// second sender (after the lease ran out) sending it too.
        case leaseRunningShort
        /// The send window closed during the pass: the row waits for it to open again.
        case windowClosed
        /// An earlier message of this batch found the channel down: one timeout per pass, not one
        /// per message.
        case channelHeld
    }

    private let email: any EmailTransport
    private let sms: any SMSTransport
    private let journal: SentJournal?
    private let now: Int64
    private let shouldStop: @Sendable () -> Bool
    private let heartbeat: Heartbeat
    private let done = DispatchSemaphore(value: 0)
    /// Signalled too when a batch is done, so one waiter can serve several senders.
    private let completions: DispatchSemaphore?
    private(set) var busy = false
    private var outcomes: [Outcome] = []

    init(
        email: any EmailTransport, sms: any SMSTransport, journal: SentJournal?, now: Int64,
        shouldStop: @escaping @Sendable () -> Bool, heartbeat: Heartbeat, completions: DispatchSemaphore? = nil
    ) {
        self.completions = completions
        self.heartbeat = heartbeat
        self.email = email
        self.sms = sms
        self.journal = journal
        self.now = now
        self.shouldStop = shouldStop
    }

    /// Starts sending `batch` in order. Call `finish` before the next `start`.
    /// `windowDeadline`: when the send window closes (nil: it is closed already, or has no end in
    /// this pass); rows meant for the window are not started after it.
    func start(_ batch: [Outgoing], leaseDeadline: DispatchTime, windowDeadline: DispatchTime?) {
        precondition(!busy, "Sender.start while a batch is out")
        busy = true
        // A thread of its own, not a Dispatch queue: Dispatch's worker threads start with
        // setpriority(2), which the unit's SystemCallFilter refuses (a journal warning per batch).
        let thread = Thread { [self] in
            outcomes = send(batch, leaseDeadline: leaseDeadline, windowDeadline: windowDeadline)
            done.signal()
            completions?.signal()
        }
        thread.name = "sender"
        thread.start()
    }

    /// The outcomes if the batch out is done, without waiting; nil while it is still sending.
    func finishIfDone() -> [Outcome]? {
        guard busy, done.wait(timeout: .now()) == .success else { return nil }
        busy = false
        defer { outcomes = [] }
        return outcomes
    }

    /// Waits for the batch out and returns an outcome per message, in its order ([] if none is out).
    func finish() -> [Outcome] {
        guard busy else { return [] }
        done.wait()
        busy = false
        defer { outcomes = [] }
        return outcomes
    }

    private func send(_ batch: [Outgoing], leaseDeadline: DispatchTime, windowDeadline: DispatchTime?) -> [Outcome] {
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(batch.count)
        var channelDown = false
        for outgoing in batch {
            if channelDown {
                outcomes.append(.notAttempted(.channelHeld))
                continue
            }
            if shouldStop() {
                outcomes.append(.notAttempted(.stopping))
                continue
            }
            let moment = DispatchTime.now()
            if moment >= leaseDeadline {
                outcomes.append(.notAttempted(.leaseRunningShort))
                continue
            }
            if outgoing.row.inWindow, let windowDeadline, moment >= windowDeadline {
                outcomes.append(.notAttempted(.windowClosed))
                continue
            }
            do throws(DeliveryError) {
                let receipt: DeliveryReceipt
                switch outgoing.message {
                case .email(let payload): receipt = try email.send(payload)
                case .sms(let payload): receipt = try sms.send(payload)
                }
                // The mark is written before the next transfer starts: that is what limits a kill
                // to one duplicate.
                let entry = SentJournal.Entry(
                    id: outgoing.row.id, at: now, segments: receipt.segments, providerID: receipt.providerID)
                outcomes.append(.sent(receipt, journaled: journal?.record(entry) == true))
            } catch {
                outcomes.append(.failed(error))
                channelDown = error.holdsChannel
            }
            heartbeat.beat()
        }
        return outcomes
    }
}
