import Foundation
import MentorModel
import MentorStore
import Notifier
import Replies
import Scheduler

/// One message that came back, from any channel, already read (SMS: by the web endpoint; email:
/// by `MailboxPoller`). Its text lives only here, for as long as it is acted on.
struct Inbound {
    /// The mailbox's or gateway's identity for the message: acted on once per key.
    var key: String
    var channel: Channel
    var receivedAt: Int64
    /// The sender: an email address (lower-cased) or an E.164 number.
    var from: String
    /// The Message-IDs it names (email only).
    var references: [String] = []
    var kind: InboundMail.Kind
    /// The person's own lines, for a forward.
    var ownText: [String] = []
    /// Our own receiving server found that DMARC passed for the From domain (email only; read by
    /// `AuthenticationResults` with `replies.authservId`).
    var dmarcPass = false
    /// A calendar's answer: the invitation's UID and what the attendee said.
    var calendar: CalendarAnswer?
}

/// What comes back enters here: it is matched to the message it answers and to its sender, read by
/// SPEC.md's table, acted on in one transaction with the record that it was handled (so it acts
/// exactly once), and answered. What a person wrote is never written to the database, except in
/// the forward to the leaders, and never logged.
final class ReplyCore {
    let store: Store
    let config: Config
    let catalog: TemplateCatalog
    let logger: Logger

    /// An answer that names none of our messages belongs to the latest one sent in this time.
    static let matchSeconds: Int64 = 30 * 86_400
    static let confirmationsPerDay = 5
    /// Mentors' answers that are a length of contact, by the rule they answer.
    static let hourRules: Set<Rule> = [
        .monthlyHours, .contactNudge, .firstMeeting, .meetingReminder, .afterFirstMeeting,
    ]

    init(store: Store, config: Config, catalog: TemplateCatalog, logger: Logger) {
        self.store = store
        self.config = config
        self.catalog = catalog
        self.logger = logger
    }

    /// Acts on `inbound` unless it was handled before. Returns the record written (nil: handled before).
    @discardableResult
    func handle(_ inbound: Inbound) throws -> InboundRecord? {
        let record: InboundRecord? = try store.write {
            guard !(try store.inboundHandled(inbound.key)) else { return nil }
            let record = try act(on: inbound)
            try store.recordInbound(record)
            return record
        }
        guard let record else {
            logger.debug("reply", ["channel": inbound.channel.rawValue, "result": "already-handled"])
            return nil
        }
        logger.info(
            "reply",
            [
                "channel": inbound.channel.rawValue, "from": Logger.mask(inbound.from),
                "outbox": record.outboxID.map(String.init) ?? "-", "person": record.personID.map(String.init) ?? "-",
                "action": record.action.rawValue, "detail": record.detail ?? "-",
            ])
        return record
    }

    /// A message that could not be fetched or read three polls in a row, moved to the unreadable
    /// folder (or left where it is, passed over): listed by `replies` and, once, in the leaders'
    /// next digest. Only that it came, when, and where it is; the reason (ours) is logged.
    func recordUnreadable(key: String, _ mail: UnreadableMail, reason: String) throws {
        let written = try store.write {
            try store.recordInbound(
                InboundRecord(key: key, receivedAt: mail.at, channel: .email, action: .unreadable, detail: mail.detail)
            )
        }
        if written {
            logger.warning(
                "reply", ["channel": "email", "action": "unreadable", "detail": mail.detail, "reason": reason])
        }
    }

    private func act(on inbound: Inbound) throws -> InboundRecord {
        var record = InboundRecord(
            key: inbound.key, receivedAt: inbound.receivedAt, channel: inbound.channel, action: .unmatched)
        switch inbound.kind {
        case .automatic(let reason):
            record.action = .ignoredAuto
            record.detail = reason
        case .bounce(let bounce):
            guard let row = try ourMessage(bounce.messageID) else {
                record.detail = "a bounce about a message that is not ours"
                return record
            }
            record.outboxID = row.id
            record.personID = row.recipient
            record.action = .bounce
            record.detail = bounce.status
            if bounce.isPermanent {
                try store.markBounced(row.id, reason: bounce.reason, now: inbound.receivedAt)
            } else {
                record.detail = "\(bounce.status) (delayed; not acted on)"
            }
        case .complaint(let complaint):
            try understand(complaint, into: &record)
        case .reply(let intent, let viaCalendar):
            let (row, person): (OutboxRow, Person)
            switch try match(inbound, optOut: intent == .stop || intent == .start) {
            case .none(let reason):
                record.detail = reason
                return record
            case .unproven(let answered, let sender):
                // Acts on nothing and is never answered: a confirmation would go to a forged address.
                record.outboxID = answered.id
                record.personID = sender.id
                try forwardUnverified(
                    Answer(inbound: inbound, row: answered, person: sender, intent: intent, viaCalendar: viaCalendar),
                    record: &record)
                return record
            case .proven(let answered, let sender): (row, person) = (answered, sender)
            }
            record.outboxID = row.id
            record.personID = person.id
            var answer = Answer(inbound: inbound, row: row, person: person, intent: intent, viaCalendar: viaCalendar)
            try understand(&answer)
            record.action = answer.action
            record.detail = answer.detail
            try confirm(answer)
        }
        return record
    }

    /// The message a reply answers and the person it is from, and whether that person is proven
    /// to have written it (SPEC.md "Matching", "Who is speaking").
    enum Matched {
        case proven(OutboxRow, Person)
        /// It may act on nothing: it is only forwarded, marked unverified.
        case unproven(OutboxRow, Person)
        /// Why it belongs to nothing of ours.
        case none(String)
    }

    private func match(_ inbound: Inbound, optOut: Bool) throws -> Matched {
        if let row = try named(inbound) {
            guard let recipient = row.recipient, let person = try? store.person(recipient), !person.forgotten else {
                return .none("a reply to a message of ours to nobody we know")
            }
            // The unguessable token proves the sender only from the address the message went to.
            let fromRecipient = person.address(inbound.channel)?.lowercased() == inbound.from
            return fromRecipient ? .proven(row, person) : .unproven(row, person)
        }
        let people =
            inbound.channel == .email ? try store.people(email: inbound.from) : try store.people(phone: inbound.from)
        guard !people.isEmpty else { return .none("a sender we do not know, naming no message of ours") }
        // An SMS came through a webhook whose signature was checked, from the number the gateway
        // names; an email naming nothing of ours only when our own server vouches for its domain.
        let proven = inbound.channel == .sms || inbound.dmarcPass
        // A proven stop is honoured however old the message (a mail client's unsubscribe of an old
        // newsletter, a STOP to an old SMS); everything else looks back 30 days.
        let since = proven && optOut ? 0 : inbound.receivedAt - ReplyCore.matchSeconds
        var best: (OutboxRow, Person)?
        for person in people {
            guard let row = try store.latestSent(to: person.id, channel: inbound.channel, since: since) else {
                continue
            }
            if (best?.0.sentAt ?? Int64.min) < (row.sentAt ?? 0) { best = (row, person) }
        }
        guard let (row, person) = best else { return .none("no message of ours to this sender in 30 days") }
        return proven ? .proven(row, person) : .unproven(row, person)
    }

    /// The outbox row whose unguessable Message-ID `messageID` is, or nil for anyone else's: what a
    /// reply, a bounce or a complaint must name to be about one of our messages.
    func ourMessage(_ messageID: String?) throws -> OutboxRow? {
        guard let token = messageID.flatMap(MessageToken.token(in:)) else { return nil }
        return try store.outboxRow(messageToken: token)
    }

    /// Our message a reply names: by a Message-ID in `In-Reply-To`/`References`, or, for a
    /// calendar's answer (often sent without either), by its invitation's `UID`.
    private func named(_ inbound: Inbound) throws -> OutboxRow? {
        for id in inbound.references {
            if let row = try ourMessage(id) { return row }
        }
        guard let uid = inbound.calendar?.uid, let token = InvitationToken.token(inUID: uid) else { return nil }
        return try store.outboxRow(invitationToken: token)
    }

    /// A reply being acted on: what it answers, who wrote it, and what it was understood as.
    struct Answer {
        var inbound: Inbound
        var row: OutboxRow
        var person: Person
        var intent: ReplyIntent
        var viaCalendar: Bool
        var action = InboundAction.forwarded
        var detail: String?
        /// The confirmation's section and values.
        var variables: [String: String] = [:]

        /// The period part of the row's key (`RULE:SUBJECT:RECIPIENT:PERIOD`).
        var period: String {
            let parts = row.key.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
            return parts.count == 4 ? String(parts[3]) : ""
        }
    }

    /// Reads the answer by SPEC.md's table and records what it says; anything that does not fit is
    /// forwarded to the leaders.
    private func understand(_ answer: inout Answer) throws {
        let row = answer.row
        let person = answer.person
        let now = answer.inbound.receivedAt
        let today = config.zone.local(now).date
        let program = row.program.flatMap { config.schedulerSettings.programs[$0] }
        switch answer.intent {
        case .stop, .start:
            let stop = answer.intent == .stop
            // "start" undoes every stop on that channel, an unsubscribe link's and a complaint's too.
            try store.changeOptOut(
                OptOutEvent(
                    personID: person.id, program: row.program, channel: answer.inbound.channel, optedOut: stop,
                    via: .reply, at: now))
            answer.action = stop ? .optOut : .optIn
            answer.detail = answer.inbound.channel.rawValue
            answer.variables[stop ? "stopped" : "started"] = "1"
            return
        case .duration(let minutes)
        where person.role == .mentor && ReplyCore.hourRules.contains(row.rule) && row.relationshipID != nil:
            guard let relationshipID = row.relationshipID else { break }
            var date = today
            // An answer about a month is logged in that month, however late it comes.
            if row.rule == .monthlyHours, let month = YearMonth(answer.period) {
                let first = LocalDate(year: month.year, month: month.month, day: 1) ?? today
                let last = first.adding(months: 1).adding(days: -1)
                date = min(max(date, first), last)
            }
            do {
                try store.addContact(
                    Contact(relationshipID: relationshipID, date: date, minutes: minutes, kind: .other))
            } catch let error as InputError {
                answer.detail = "could not log the hours: \(error.reason)"
                break
            }
            answer.action = .hours
            answer.detail = "\(minutes) min on \(date)"
            answer.variables["hours"] = String(minutes)
            answer.variables["month"] = YearMonth(year: date.year, month: date.month).description
            return
        case .yes, .no:
            // (A `where` after `.yes, .no` would guard only `.no`: the cases are decided here.)
            if try understandYesNo(&answer, program: program) { return }
        case .done where (row.rule == .evaluation || row.rule == .evaluationReminder) && row.relationshipID != nil:
            guard let relationshipID = row.relationshipID else { break }
            try store.addEvaluation(Evaluation(relationshipID: relationshipID, by: person.role, date: today))
            answer.action = .evaluated
            answer.detail = person.role.rawValue
            answer.variables["evaluated"] = "1"
            return
        default:
            break
        }
        guard try forward(answer, program: program) else {
            answer.action = .unmatched
            answer.detail = "nobody to forward it to: no leader of the program has an email address"
            return
        }
        answer.action = .forwarded
        answer.variables["forwarded"] = "1"
    }

    /// `ja` / `nej` to a café invitation or to the question after the first meeting; false when the
    /// message asked no such question.
    private func understandYesNo(_ answer: inout Answer, program: ProgramSettings?) throws -> Bool {
        let row = answer.row
        let person = answer.person
        let now = answer.inbound.receivedAt
        let yes = answer.intent == .yes
        guard let program else { return false }
        if row.rule == .cafeInvite, row.role == .mentee, let evening = LocalDateTime(answer.period) {
            try store.setCafeAnswer(program: program.id, at: evening, person: person.id, yes: yes, now: now)
            answer.action = .rsvp
            answer.detail = yes ? "yes" : "no"
            answer.variables[yes ? "yes" : "no"] = "1"
            answer.variables["date"] = evening.date.description
            return true
        }
        guard row.rule == .afterFirstMeeting, let relationshipID = row.relationshipID else { return false }
        switch program.afterFirstMeeting {
        case .continue:
            try store.setForloebAnswer(
                relationship: relationshipID, question: "continue", by: person.role, yes: yes, now: now)
            answer.action = .continue
            answer.detail = yes ? "yes" : "no"
            answer.variables[yes ? "continueYes" : "continueNo"] = "1"
            if !yes { try alertNoContinue(relationshipID, by: person, program: program, now: now) }
            return true
        case .agreement where yes:
            try store.setForloebAnswer(
                relationship: relationshipID, question: "agreement", by: person.role, yes: true, now: now)
            answer.action = .agreement
            answer.detail = "yes"
            answer.variables["agreement"] = "1"
            return true
        default:
            return false
        }
    }

    /// The reply, with the person's own lines, to every leader of the program with an email address.
    /// `unverified`: its sender is not proven, and the leaders are told so.
    func forward(_ answer: Answer, program: ProgramSettings?, unverified: Bool = false) throws -> Bool {
        guard let program else { return false }
        let language = program.language
        let text =
            answer.inbound.calendar.map { ReplyCore.calendarWords($0, language) }
            ?? ForwardText.setApart(answer.inbound.ownText)
        var variables = try names(answer.row.relationshipID, program: program)
        variables["sender"] = answer.person.name ?? ""
        variables["channel"] = answer.inbound.channel == .email ? (language == .da ? "e-mail" : "email") : "SMS"
        variables["about"] = ReplyCore.about(answer.row.rule, language)
        variables["text"] = text.isEmpty ? (language == .da ? "(tomt svar)" : "(an empty answer)") : text
        variables["date"] = config.zone.local(answer.inbound.receivedAt).date.description
        if unverified {
            variables["unverified"] = "1"
            // The address is the sender's claim, as text: written so that no mail program links it.
            variables["address"] = ForwardText.unlinked(answer.inbound.from)
        }
        return try forwardToLeaders(
            program: program, person: answer.person.id, relationshipID: answer.row.relationshipID,
            keyPart: answer.inbound.key, variables: variables, now: answer.inbound.receivedAt)
    }

    /// Queues one `reply-forward` to every leader of `program` with an email address; its key names
    /// the person it is about, so that `forget` erases it with them. False when there is no such leader.
    func forwardToLeaders(
        program: ProgramSettings, person: Int64, relationshipID: Int64?, keyPart: String,
        variables: [String: String], now: Int64
    ) throws -> Bool {
        var rows: [OutboxRow] = []
        // To who leads the program today (SPEC.md "Leaders come and go"), else any leader with email.
        let withEmail = program.leaders.indices.filter { program.leaders[$0].email != nil }
        let onDuty = program.leaderIndices(on: config.zone.local(now).date).filter(withEmail.contains)
        for index in onDuty.isEmpty ? withEmail : onDuty {
            let leader = program.leaders[index]
            var values = variables
            values["recipient"] = leader.name
            let followUp = FollowUp(
                rule: .replyForward, key: "reply-forward:person-\(person):\(ReplyCore.leaderPart(index)):\(keyPart)",
                role: .leader, recipient: nil, leaderIndex: index, program: program.id, relationshipID: relationshipID,
                channels: [.email], notBefore: now, expiresAt: nil, inWindow: true, language: program.language,
                variables: values, event: nil, allowedAfterEnd: true)
            rows += try MessageRendering(config: config, catalog: catalog).rows(followUp)
        }
        try store.enqueue(rows, now: now)
        return !rows.isEmpty
    }

    /// What a calendar's answer said, in the leader's words: TENTATIVE is "maybe", never yes or no.
    static func calendarWords(_ answer: CalendarAnswer, _ language: Language) -> String {
        let danish = [
            "ACCEPTED": "ja", "DECLINED": "nej", "TENTATIVE": "måske", "DELEGATED": "sendt videre til en anden",
        ]
        let english = [
            "ACCEPTED": "yes", "DECLINED": "no", "TENTATIVE": "maybe", "DELEGATED": "passed on to someone else",
        ]
        let word =
            (language == .da ? danish : english)[answer.partstat] ?? ForwardText.unlinked(answer.partstat.lowercased())
        return language == .da ? "(et svar i kalenderen: \(word))" : "(an answer in the calendar: \(word))"
    }

    /// A "no" to continuing reaches the leaders at once (within the send window), not in a digest.
    private func alertNoContinue(_ relationshipID: Int64, by person: Person, program: ProgramSettings, now: Int64)
        throws
    {
        var variables = try names(relationshipID, program: program)
        variables["by"] = person.name ?? ""
        var rows: [OutboxRow] = []
        let onDuty = program.leaderIndices(on: config.zone.local(now).date)
        for (index, leader) in program.leaders.enumerated() where onDuty.contains(index) {
            var values = variables
            values["recipient"] = leader.name
            let followUp = FollowUp(
                rule: .noContinue,
                key: "no-continue:\(relationshipID):\(ReplyCore.leaderPart(index)):\(person.role.rawValue)",
                role: .leader, recipient: nil, leaderIndex: index, program: program.id, relationshipID: relationshipID,
                channels: leader.channels.sorted(), notBefore: now, expiresAt: nil, inWindow: true,
                language: program.language, variables: values, event: nil, allowedAfterEnd: true)
            rows += try MessageRendering(config: config, catalog: catalog).rows(followUp)
        }
        try store.enqueue(rows, now: now)
    }

    /// What was understood, on the channel the answer came by, at once: at most 5 a day to a person.
    private func confirm(_ answer: Answer) throws {
        let person = answer.person
        let now = answer.inbound.receivedAt
        guard try store.confirmationCount(to: person.id, since: now - 86_400) < ReplyCore.confirmationsPerDay else {
            logger.info("reply", ["person": String(person.id), "confirmation": "skipped", "reason": "5 today already"])
            return
        }
        let program = answer.row.program.flatMap { config.schedulerSettings.programs[$0] }
        var variables = try program.map { try names(answer.row.relationshipID, program: $0) } ?? [:]
        variables.merge(answer.variables) { $1 }
        variables["recipient"] = person.name.map(PersonName.first) ?? ""
        let role: RecipientRole = person.role == .mentor ? .mentor : .mentee
        let followUp = FollowUp(
            rule: .replyConfirmation, key: "reply-confirmation:person-\(person.id):\(role):\(answer.inbound.key)",
            role: role, recipient: person.id, leaderIndex: nil, program: program?.id ?? "",
            relationshipID: answer.row.relationshipID, channels: [answer.inbound.channel], notBefore: now,
            expiresAt: now + 86_400, inWindow: false, language: person.language, variables: variables, event: nil,
            allowedAfterEnd: true)
        try store.enqueue(try MessageRendering(config: config, catalog: catalog).rows(followUp), now: now)
    }

    /// The program's name and the pair's names, as the texts use them.
    private func names(_ relationshipID: Int64?, program: ProgramSettings) throws -> [String: String] {
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

    static func leaderPart(_ index: Int) -> String {
        RecipientRole.leader.rawValue + (index == 0 ? "" : "-\(index + 1)")
    }

    /// The message answered, in words a leader knows.
    static func about(_ rule: Rule, _ language: Language) -> String {
        let danish: [Rule: String] = [
            .monthlyHours: "spørgsmålet om månedens timer", .contactNudge: "påmindelsen om at holde kontakten",
            .firstMeeting: "påmindelsen om det første møde", .afterFirstMeeting: "spørgsmålet efter det første møde",
            .evaluation: "evalueringen", .evaluationReminder: "påmindelsen om evalueringen",
            .cafeInvite: "invitationen til caféaften", .meetingReminder: "påmindelsen om et møde",
            .agendaReminder: "spørgsmålet om dagsordenen", .endNotice: "beskeden om forløbets afslutning",
            .end: "afslutningsbeskeden", .recurring: "en fast påmindelse",
            .meetingUpdate: "beskeden om et flyttet møde", .meetingCancel: "aflysningen af et møde",
            .cafeCancel: "aflysningen af caféaftenen",
        ]
        let english: [Rule: String] = [
            .monthlyHours: "the question about the month's hours", .contactNudge: "the reminder to keep in touch",
            .firstMeeting: "the reminder about the first meeting",
            .afterFirstMeeting: "the question after the first meeting", .evaluation: "the evaluation",
            .evaluationReminder: "the evaluation reminder", .cafeInvite: "the café evening invitation",
            .meetingReminder: "a meeting reminder", .agendaReminder: "the question about the agenda",
            .endNotice: "the notice that the mentorship ends", .end: "the closing message",
            .recurring: "a regular reminder", .meetingUpdate: "the notice of a moved meeting",
            .meetingCancel: "the cancellation of a meeting", .cafeCancel: "the cancellation of the café evening",
        ]
        let known = language == .da ? danish[rule] : english[rule]
        return known ?? (language == .da ? "en besked fra os" : "a message from us")
    }
}
