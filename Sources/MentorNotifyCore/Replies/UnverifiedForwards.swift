import MentorModel
import MentorStore
import Replies
import Scheduler

/// Mail whose sender is not proven (SPEC.md "Who is speaking"): forwarded to the leaders marked
/// unverified, at most `unverifiedPerDay` a day about one person (whoever's name the From line or
/// the message answered gives it: a new From line for each mail must not beat the cap); beyond
/// that the leaders get one line the next day saying how many more came. The count is kept by
/// channel and person id, never an address, and nothing of the text.
extension ReplyCore {
    static let unverifiedPerDay = 3

    func forwardUnverified(_ answer: Answer, record: inout InboundRecord) throws {
        record.action = .unverified
        guard let program = answer.row.program.flatMap({ config.schedulerSettings.programs[$0] }) else {
            record.detail = "sender not proven; not forwarded: the message answered is in no program"
            return
        }
        let day = config.zone.local(answer.inbound.receivedAt).date.description
        let admitted = try store.admitUnverifiedForward(
            sender: senderKey(answer), day: day, personID: answer.person.id, program: program.id,
            limit: ReplyCore.unverifiedPerDay)
        guard admitted else {
            record.detail = "sender not proven; not forwarded: \(ReplyCore.unverifiedPerDay) today already"
            return
        }
        let forwarded = try forward(answer, program: program, unverified: true)
        record.detail =
            forwarded
            ? "sender not proven; forwarded"
            : "sender not proven; nobody to forward it to: no leader has an email address"
    }

    /// The person a forward speaks for, on its channel, as a count's key. By person, not by From
    /// address: anyone can write a new address on each mail (another case, a plus-tag, another
    /// domain) that names our message to that person. The key holds ids only, never an address.
    func senderKey(_ answer: Answer) -> String {
        "\(answer.inbound.channel.rawValue):\(answer.person.id)"
    }

    /// The days before today on which unproven mail was held back: one forward each to the leaders,
    /// saying how many. Counts older than a week are dropped.
    func reportHeldForwards(now: Int64) throws {
        let today = config.zone.local(now).date
        try store.write {
            for held in try store.unreportedHeldForwards(before: today.description) {
                if let program = config.schedulerSettings.programs[held.program] {
                    let person = try? store.person(held.personID)
                    var variables = ["program": program.name]
                    variables["sender"] = person?.name ?? ""
                    variables["more"] = String(held.held)
                    variables["date"] = held.day
                    variables["channel"] = try channelWord(.email, program.language)
                    _ = try forwardToLeaders(
                        program: program, person: held.personID, relationshipID: nil,
                        period: "held-\(held.day)-\(held.sender.prefix(16))", variables: variables, now: now)
                }
                try store.markHeldForwardsReported(held)
            }
            try store.forgetUnverifiedSenders(before: today.adding(days: -7).description)
        }
    }
}
