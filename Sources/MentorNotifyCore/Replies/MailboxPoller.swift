import Foundation
import MentorModel
import MentorStore
import Notifier
import Replies

/// Reads what arrived in the replies mailbox, hands each message to the reply core, then moves it
/// to the processed folder. A message is acted on once: the core records it by its Message-ID in
/// the transaction that acts, so a kill before the move, or a move that fails, only means it is
/// read again and moved. A mailbox that is down is logged once per outage; the cycle goes on.
final class MailboxPoller {
    struct Report: Equatable {
        var read = 0
        var acted = 0
        var alreadyHandled = 0
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

    init(mailbox: any ReplyMailbox, core: ReplyCore, ownAddresses: Set<String>) {
        self.mailbox = mailbox
        self.core = core
        self.store = core.store
        self.logger = core.logger
        self.ownAddresses = ownAddresses
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
            // Acted on one by one, moved in batches: a kill between the two only means the batch
            // is read again, found handled, and moved then.
            for batch in Array(ids.prefix(maxPerPoll)).chunked(MailboxPoller.moveBatch) {
                for id in batch { try read(id, generation: generation, now: now, report: &report) }
                try mailbox.moveToProcessed(Array(batch))
                state.lastUID = max(state.lastUID, batch.max() ?? 0)
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
        if report.read > 0 {
            logger.info(
                "mailbox",
                ["read": String(report.read), "acted": String(report.acted), "already": String(report.alreadyHandled)])
        }
        return report
    }

    private func read(_ id: Int64, generation: Int64, now: Int64, report: inout Report) throws {
        let fallbackKey = "imap:\(generation):\(id)"
        let fetched: Result<[UInt8], MailboxError>
        do {
            fetched = .success(try mailbox.fetch(id, generation: generation))
        } catch {
            fetched = .failure(error)
        }
        let bytes: [UInt8]
        switch fetched {
        case .success(let value): bytes = value
        case .failure(let error) where error.tooLarge:
            report.read += 1
            try core.recordUnreadable(key: fallbackKey, reason: error.reason, now: now)
            return
        case .failure(let error): throw error
        }
        report.read += 1
        let inbound: Inbound
        do {
            let mail = try InboundMail.read(bytes, ownAddresses: ownAddresses)
            inbound = Inbound(
                key: mail.messageID.map { "email:" + $0 } ?? fallbackKey, channel: .email, receivedAt: now,
                from: mail.from, references: mail.references, kind: mail.kind, ownText: mail.ownText,
                dmarcPass: AuthenticationResults.dmarcPass(
                    mail.authenticationResults, authservID: core.config.replies?.authservId,
                    fromDomain: String(mail.from.split(separator: "@").last ?? "")),
                calendar: mail.calendarAnswer)
        } catch {
            try core.recordUnreadable(key: fallbackKey, reason: error.description, now: now)
            return
        }
        if try core.handle(inbound) != nil {
            report.acted += 1
        } else {
            report.alreadyHandled += 1
        }
    }
}

extension Array {
    /// The elements in runs of `size` (the last one shorter).
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
