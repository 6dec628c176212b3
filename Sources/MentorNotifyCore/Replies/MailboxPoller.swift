import Foundation
import MentorModel
import MentorStore
import Notifier
import Replies
import Transport

/// Reads what arrived in the replies mailbox, hands each message to the reply core, then moves it
/// to the processed folder. A message is acted on once: the core records it by a hash of its
/// Message-ID (else of its bytes) in the transaction that acts, so a kill before the move, a move
/// that fails, or a renumbered folder only means it is read again and moved. One that cannot be
/// fetched or read waits for the next poll while the ones after it go on; at the third poll in a
/// row it goes to the unreadable folder (or, when even that fails, is passed over by UID). A
/// mailbox that is down is logged once per outage; the cycle goes on.
final class MailboxPoller {
    struct Report: Equatable {
        var read = 0
        var acted = 0
        var alreadyHandled = 0
        /// Could not be fetched or read this time (moved to the unreadable folder included).
        var unreadable = 0
        /// The mailbox failed: why (the cycle still sends).
        var failure: String?
    }

    let mailbox: any ReplyMailbox
    let core: ReplyCore
    let store: Store
    let logger: Logger
    /// Our own addresses: mail from them is ours and never answered.
    let ownAddresses: Set<String>
    /// Messages read in one poll at most; the rest wait for the next cycle.
    var maxPerPoll = 1000
    static let stateName = "imap"
    /// Messages moved with one command.
    static let moveBatch = 50
    /// Polls in a row a message may fail before it is moved to the unreadable folder.
    static let attemptsBeforeUnreadable = 3

    init(mailbox: any ReplyMailbox, core: ReplyCore, ownAddresses: Set<String>) {
        self.mailbox = mailbox
        self.core = core
        self.store = core.store
        self.logger = core.logger
        self.ownAddresses = ownAddresses
    }

    /// What became of one message in a poll.
    private enum Outcome {
        /// Acted on, or found handled before: to the processed folder.
        case handled
        /// Could not be fetched or read; left for the next poll, or moved to the unreadable folder.
        case failed(reason: String)
    }

    func poll(now: Int64) throws -> Report {
        var state = try store.mailboxState(MailboxPoller.stateName)
        var report = Report()
        defer { mailbox.finish() }
        do {
            let (generation, ids) = try mailbox.listNew(after: state.lastUID, generation: state.uidValidity)
            if generation != state.uidValidity {
                if state.uidValidity != nil {
                    logger.warning("mailbox", ["result": "renumbered", "reason": "UIDVALIDITY changed; reading all"])
                }
                state.uidValidity = generation
                state.lastUID = 0
            }
            let failedBefore = try store.mailboxFailures(MailboxPoller.stateName, uidValidity: generation)
            // The first message left for the next poll: the next poll lists from it again.
            var waiting: Int64?
            // Acted on one by one, moved in batches: a kill between the two only means the batch
            // is read again, found handled, and moved then.
            for batch in Array(ids.prefix(maxPerPoll)).chunked(MailboxPoller.moveBatch) {
                var handled: [Int64] = []
                for id in batch where failedBefore[id] != true {
                    switch try read(id, generation: generation, now: now, report: &report) {
                    case .handled:
                        handled.append(id)
                        if failedBefore[id] != nil {
                            try store.write {
                                try store.clearMailboxFailure(MailboxPoller.stateName, uidValidity: generation, uid: id)
                            }
                        }
                    case .failed(let reason):
                        report.unreadable += 1
                        if try !giveUpOrWait(id, generation: generation, reason: reason, now: now) {
                            waiting = waiting ?? id
                        }
                    }
                }
                try mailbox.moveToProcessed(handled)
                state.lastUID = max(state.lastUID, waiting.map { $0 - 1 } ?? batch.max() ?? 0)
            }
            if state.failingSince != nil {
                logger.info(
                    "mailbox", ["result": "working", "failed_seconds": String(now - (state.failingSince ?? now))])
            }
            state.failingSince = nil
            state.reason = nil
            state.lastOK = now
        } catch let error as MailboxError {
            report.failure = error.reason
            if state.failingSince == nil {
                logger.error("mailbox", ["result": "failing", "reason": error.reason])
                state.failingSince = now
            }
            state.reason = error.reason
        }
        state.lastPoll = now
        try store.write { try store.saveMailboxState(state) }
        try core.reportHeldForwards(now: now)
        if report.read > 0 || report.unreadable > 0 {
            logger.info(
                "mailbox",
                [
                    "read": String(report.read), "acted": String(report.acted),
                    "already": String(report.alreadyHandled), "unreadable": String(report.unreadable),
                ])
        }
        return report
    }

    /// A message that failed this poll: counted, and at the third poll in a row moved to the
    /// unreadable folder (or passed over by UID when that fails too) and recorded for the
    /// leaders. Returns whether it is dealt with (false: it waits for the next poll).
    private func giveUpOrWait(_ id: Int64, generation: Int64, reason: String, now: Int64) throws -> Bool {
        let name = MailboxPoller.stateName
        let attempts = try store.write {
            try store.noteMailboxFailure(name, uidValidity: generation, uid: id, now: now)
        }
        guard attempts >= MailboxPoller.attemptsBeforeUnreadable else {
            logger.warning(
                "mailbox", ["uid": String(id), "result": "unreadable", "attempt": String(attempts), "reason": reason])
            return false
        }
        let folders = mailbox.folderNames
        let unreadable: UnreadableMail
        do {
            try mailbox.moveToUnreadable(id)
            unreadable = UnreadableMail(at: now, moved: true, folder: folders.unreadable)
        } catch {
            // Not passed over for an outage: the move is tried again next poll.
            try mailbox.check()
            logger.error(
                "mailbox", ["uid": String(id), "result": "passed-over", "reason": "the move failed: \(error.reason)"])
            unreadable = UnreadableMail(at: now, moved: false, folder: folders.replies)
        }
        // One transaction: a kill leaves the count to try again, or the record and no count.
        try store.write {
            if unreadable.moved {
                try store.clearMailboxFailure(name, uidValidity: generation, uid: id)
            } else {
                try store.passOver(name, uidValidity: generation, uid: id)
            }
            try core.recordUnreadable(key: "imap:\(generation):\(id)", unreadable, reason: reason)
        }
        return true
    }

    private func read(_ id: Int64, generation: Int64, now: Int64, report: inout Report) throws -> Outcome {
        let bytes: [UInt8]
        do {
            bytes = try mailbox.fetch(id, generation: generation)
        } catch {
            // One message the server will not hand over (too large, damaged on its disk) must not
            // hold back the ones after it; a server that is gone fails the whole poll instead.
            try mailbox.check()
            return .failed(reason: error.reason)
        }
        let inbound: Inbound
        do {
            let mail = try InboundMail.read(bytes, ownAddresses: ownAddresses)
            inbound = Inbound(
                key: try mail.messageID.map(InboundKey.email(messageID:)) ?? InboundKey.email(bytes: bytes),
                channel: .email, receivedAt: now, from: mail.from, references: mail.references,
                messageID: mail.messageID, kind: mail.kind,
                ownText: mail.ownText,
                dmarcPass: AuthenticationResults.dmarcPass(
                    mail.authenticationResults, authservID: core.config.replies?.authservId,
                    fromDomain: String(mail.from.split(separator: "@").last ?? "")),
                calendar: mail.calendarAnswer)
        } catch let error as MIMEReadError {
            return .failed(reason: error.description)
        }
        report.read += 1
        if try core.handle(inbound) != nil {
            report.acted += 1
        } else {
            report.alreadyHandled += 1
        }
        return .handled
    }
}

extension Array {
    /// The elements in runs of `size` (the last one shorter).
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
