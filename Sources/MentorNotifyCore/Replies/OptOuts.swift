import MentorModel
import MentorStore
import Notifier
import Replies
import Scheduler

/// Whether a person hears from us changes by five routes — a "stop"/"start" reply (email or SMS),
/// the unsubscribe link, a complaint, and the leader's `person opt-out`/`opt-in` — and every one
/// of them comes through here to the one store call that changes it and records it for the
/// leader's digest (`Store.changeOptOut`). The routes themselves only authenticate and parse.
extension ReplyCore {
    /// A feedback report (ARF) about one of our messages: the person marked it as spam, so that
    /// program's email to them stops, as with the unsubscribe link. Never answered or forwarded.
    func understand(_ complaint: Complaint, into record: inout InboundRecord) throws {
        // The returned message's unguessable Message-ID is what proves the report is about our
        // message to this person, as with a bounce.
        guard let row = try ourMessage(complaint.messageID) else {
            record.detail = "a complaint about a message that is not ours"
            return
        }
        record.outboxID = row.id
        record.personID = row.recipient
        guard complaint.isSpam else {
            record.action = .ignoredAuto
            record.detail = "feedback report: \(complaint.feedbackType)"
            return
        }
        record.action = .complaint
        guard row.role != .leader, row.channel == .email, let person = row.recipient, let program = row.program else {
            record.detail = "about a message to a leader: nothing to stop"
            return
        }
        let stopped = try store.changeOptOut(
            OptOutEvent(
                personID: person, program: program, channel: .email, optedOut: true, via: .complaint,
                at: record.receivedAt))
        record.detail = stopped ? "email from \(program) stopped" : "email from \(program) was stopped already"
    }

    /// What the unsubscribe page says, and in which language.
    struct Unsubscribe {
        var outcome: WebEndpoint.UnsubscribeOutcome
        var language: Language = .da
        var program: ProgramSettings?
    }

    /// The unsubscribe link (`/u/TOKEN`): `press` false only tells what pressing would do (a
    /// preview or a link checker changes nothing); true stops that program's email to that person.
    func unsubscribe(token: String, press: Bool, now: Int64) throws -> Unsubscribe {
        guard let row = try store.outboxRow(unsubscribeToken: token), row.role != .leader,
            let personID = row.recipient, let programID = row.program
        else {
            logger.info("unsubscribe", ["result": "unknown-link"])
            return Unsubscribe(outcome: .unknownLink)
        }
        let person = try store.person(personID)
        let program = config.schedulerSettings.programs[programID]
        let already =
            person.optedOut.contains(.email)
            || person.programOptOuts.contains(ProgramOptOut(program: programID, channel: .email))
        guard press else {
            return Unsubscribe(outcome: already ? .alreadyDone : .ask, language: person.language, program: program)
        }
        var stopped = false
        if !already {
            stopped = try store.changeOptOut(
                OptOutEvent(
                    personID: personID, program: programID, channel: .email, optedOut: true, via: .link, at: now))
        }
        logger.info(
            "unsubscribe",
            ["person": String(personID), "program": programID, "result": stopped ? "unsubscribed" : "already"])
        return Unsubscribe(outcome: stopped ? .done : .alreadyDone, language: person.language, program: program)
    }

    /// The leader's word (`person opt-out`, `person opt-in`): the whole channel; an opt-in undoes
    /// every stop on it — a reply's, the link's, a complaint's. Static: the command loads no texts.
    static func leaderOptOut(_ person: Int64, channel: Channel, optedOut: Bool, store: Store, now: Int64) throws
        -> Bool
    {
        try store.changeOptOut(
            OptOutEvent(personID: person, program: nil, channel: channel, optedOut: optedOut, via: .leader, at: now))
    }
}
