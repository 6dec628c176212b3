import MentorModel
import MentorStore
import Notifier
import Replies
import Scheduler

/// What the reply core sends: the forward to the leaders, the "no" to continuing, and the
/// confirmation to the person, each built by the scheduler's one follow-up builder.
extension ReplyCore {
    /// The reply, with the person's own lines, to every leader of the program with an email address.
    /// `unverified`: its sender is not proven, and the leaders are told so.
    func forward(_ answer: Answer, program: ProgramSettings?, unverified: Bool = false) throws -> Bool {
        guard let program else { return false }
        let language = program.language
        let text =
            try answer.inbound.calendar.map { try calendarWords($0, language) }
            ?? ForwardText.setApart(answer.inbound.ownText)
        var variables = try names(answer.row.relationshipID, program: program)
        variables["sender"] = answer.person.name ?? ""
        variables["channel"] = try channelWord(answer.inbound.channel, language)
        variables["about"] = try catalog.about(answer.row.rule, language)
        variables["text"] = text.isEmpty ? try catalog.word("reply", "empty", language) : text
        variables["date"] = config.zone.local(answer.inbound.receivedAt).date.description
        if unverified {
            variables["unverified"] = "1"
            // The address is the sender's claim, as text: written so that no mail program links it.
            variables["address"] = ForwardText.unlinked(answer.inbound.from)
        }
        return try forwardToLeaders(
            program: program, person: answer.person.id, relationshipID: answer.row.relationshipID,
            period: answer.inbound.key, variables: variables, now: answer.inbound.receivedAt)
    }

    /// Queues one `reply-forward` to every leader of `program` with an email address; its key names
    /// the person it is about (`MessageKey.forwardsAbout`), so that `forget` erases it with them, and
    /// `period` (the reply's inbound key) what it forwards. False when there is no such leader.
    func forwardToLeaders(
        program: ProgramSettings, person: Int64, relationshipID: Int64?, period: String,
        variables: [String: String], now: Int64
    ) throws -> Bool {
        var rows: [OutboxRow] = []
        // To who leads the program today (SPEC.md "Leaders come and go"), else any leader with email.
        let withEmail = program.leaders.indices.filter { program.leaders[$0].email != nil }
        let onDuty = program.leaderIndices(on: config.zone.local(now).date).filter(withEmail.contains)
        for index in onDuty.isEmpty ? withEmail : onDuty {
            let followUp = FollowUp(
                .replyForward, subject: .person(person), period: period, to: .leader(index),
                name: program.leaders[index].name, program: program.id, relationshipID: relationshipID,
                channels: [.email], notBefore: now, expiresAt: nil, inWindow: true, language: program.language,
                variables: variables, allowedAfterEnd: true)
            rows += try MessageRendering(config: config, catalog: catalog).rows(followUp)
        }
        try store.enqueue(rows, now: now)
        return !rows.isEmpty
    }

    /// A "no" to continuing reaches the leaders at once (within the send window), not in a digest.
    func alertNoContinue(_ relationshipID: Int64, by person: Person, program: ProgramSettings, now: Int64)
        throws
    {
        var variables = try names(relationshipID, program: program)
        variables["by"] = person.name ?? ""
        var rows: [OutboxRow] = []
        let onDuty = program.leaderIndices(on: config.zone.local(now).date)
        for (index, leader) in program.leaders.enumerated() where onDuty.contains(index) {
            let followUp = FollowUp(
                .noContinue, subject: .forloeb(relationshipID), period: person.role.rawValue, to: .leader(index),
                name: leader.name, program: program.id, relationshipID: relationshipID,
                channels: leader.channels.sorted(), notBefore: now, expiresAt: nil, inWindow: true,
                language: program.language, variables: variables, allowedAfterEnd: true)
            let withContacts = try MentorContact.added(to: followUp, store: store, config: config)
            rows += try MessageRendering(config: config, catalog: catalog).rows(withContacts)
        }
        try store.enqueue(rows, now: now)
    }

    /// What was understood, on the channel the answer came by, at once: at most 5 a day to a person.
    func confirm(_ answer: Answer) throws {
        let person = answer.person
        let now = answer.inbound.receivedAt
        guard try store.confirmationCount(to: person.id, since: now - 86_400) < ReplyCore.confirmationsPerDay else {
            logger.info("reply", ["person": String(person.id), "confirmation": "skipped", "reason": "5 today already"])
            return
        }
        let program = answer.row.program.flatMap { config.schedulerSettings.programs[$0] }
        var variables = try program.map { try names(answer.row.relationshipID, program: $0) } ?? [:]
        variables.merge(answer.variables) { $1 }
        let followUp = FollowUp(
            .replyConfirmation, subject: .person(person.id), period: answer.inbound.key,
            to: .pairMember(person.role, person.id), name: person.name.map(PersonName.first) ?? "",
            program: program?.id ?? "", relationshipID: answer.row.relationshipID, channels: [answer.inbound.channel],
            notBefore: now, expiresAt: now + 86_400, inWindow: false, language: person.language, variables: variables,
            allowedAfterEnd: true)
        var rows = try MessageRendering(config: config, catalog: catalog).rows(followUp)
        for index in rows.indices where rows[index].channel == .email {
            threaded(&rows[index], answering: answer)
        }
        try store.enqueue(rows, now: now)
    }

    /// An email confirmation threads with the reply it answers: `In-Reply-To` and `References`
    /// (the reply's ids only, checked: `MailThread`), and the answered message's subject with
    /// `SV:`/`Re:` before it.
    private func threaded(_ row: inout OutboxRow, answering answer: Answer) {
        row.thread = MailThread.stored(messageID: answer.inbound.messageID, references: answer.inbound.references)
        if let subject = answer.row.subject, !subject.isEmpty {
            row.subject = MailThread.replySubject(subject, language: row.language)
        }
    }

    /// The program's name and the pair's names, as the texts use them.
    func names(_ relationshipID: Int64?, program: ProgramSettings) throws -> [String: String] {
        var values = ["program": program.name]
        if let relationshipID, let relationship = try? store.relationship(relationshipID) {
            let mentor = (try? store.person(relationship.mentorID))?.name ?? ""
            let mentee = (try? store.person(relationship.menteeID))?.name ?? ""
            values["mentor"] = mentor
            values["mentee"] = mentee
            values["mentorFirst"] = PersonName.first(mentor)
            values["menteeFirst"] = PersonName.first(mentee)
        }
        return values
    }
}
