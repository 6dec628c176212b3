import MentorModel
import MentorStore
import Notifier
import Scheduler

/// Follow-ups made into outbox rows: one per channel, the text rendered in the recipient's
/// language. The cycle's plans and the reply core's answers go through the same door.
struct MessageRendering {
    let config: Config
    let catalog: TemplateCatalog

    /// One outbox row per channel, with its text rendered now (bodies are erased by `forget`).
    func rows(_ followUp: FollowUp) throws -> [OutboxRow] {
        var rows: [OutboxRow] = []
        for channel in followUp.channels {
            // In an SMS every value is written in GSM letters: one "ë" or "–" would make the whole
            // text UCS-2, and two segments three or more.
            var variables = programVariables(followUp).merging(followUp.variables) { $1 }
            if channel == .sms { variables = variables.mapValues(GSMText.bestEffort) }
            // A text invites an answer only where answers are read on its channel.
            if config.readsReplies(on: channel) { variables["replies"] = "1" }
            let message = try catalog.render(
                rule: followUp.rule, role: followUp.role, channel: channel, language: followUp.language,
                variables: variables)
            var leaderAddress: String?
            if let index = followUp.leaderIndex, let program = config.schedulerSettings.programs[followUp.program],
                program.leaders.indices.contains(index)
            {
                leaderAddress = program.leaders[index].address(channel)
            }
            let calendar =
                channel == .email
                ? followUp.event.map { event in
                    StoredEvent(
                        uid: event.uid, start: event.start.description, minutes: event.durationMinutes,
                        summary: event.summary, place: event.place, timeZone: config.zone.identifier,
                        sequence: event.sequence == 0 ? nil : event.sequence, method: event.cancels ? "CANCEL" : nil,
                        token: event.token
                    ).encoded()
                } : nil
            var row = MessageRendering.outboxRow(followUp, channel: channel)
            row.leaderAddress = leaderAddress
            row.subject = channel == .email ? message.subject : nil
            row.body = message.body
            row.calendar = calendar
            rows.append(row)
        }
        return rows
    }

    /// What every text of the program may say: its own words and rules, and whom to contact (the
    /// reply core's confirmations name the same person the planned messages do).
    func programVariables(_ followUp: FollowUp) -> [String: String] {
        guard let program = config.schedulerSettings.programs[followUp.program] else { return [:] }
        var values = program.textVariables(followUp.language)
        if let contact = program.contactPerson(on: config.zone.local(followUp.notBefore).date) {
            values["contact"] = contact.name
            values["contactPhone"] = contact.phone ?? ""
            values["contactEmail"] = contact.email ?? ""
        }
        return values
    }

    /// The row of `followUp` on `channel`, without a text: what a rendered and a stale row share.
    static func outboxRow(_ followUp: FollowUp, channel: Channel) -> OutboxRow {
        OutboxRow(
            key: followUp.key.description, channel: channel, rule: followUp.rule, role: followUp.role,
            recipient: followUp.recipient, program: followUp.program.isEmpty ? nil : followUp.program,
            relationshipID: followUp.relationshipID, language: followUp.language, subject: nil, body: nil,
            notBefore: followUp.notBefore, expiresAt: followUp.expiresAt, inWindow: followUp.inWindow,
            afterEnd: followUp.allowedAfterEnd)
    }
}
