import MentorModel

extension Planner {
    /// Rule 7: invite the mentees of active forløb to a café evening 3 days before. Worthless once
    /// the evening has started.
    mutating func cafeInvites() {
        // From the day before the last cycle when catching up: evenings that passed meanwhile are
        // reported as stale invitations.
        let events = cafeEvenings(from: -floor.days(until: today)) { program in program.cafeInviteDays }
        guard !events.isEmpty else { return }
        var mentees: [String: [(Int64, Relationship)]] = [:]
        for relationship in state.relationships where events[relationship.program] != nil {
            mentees[relationship.program, default: []].append((relationship.menteeID, relationship))
        }
        for (programID, list) in events.sorted(by: { $0.key < $1.key }) {
            guard let program = settings.programs[programID] else { continue }
            for (start, place) in list {
                let startInstant = zone.instant(start)
                guard startInstant > horizon else { continue }
                let event = CalendarEvent(
                    uid: CafeEvening.eventUID(program: programID, at: start), start: start, durationMinutes: 180,
                    summary: "Caféaften · \(program.name)", place: place)
                var invited = Set<Int64>()
                for (mentee, relationship) in mentees[programID] ?? []
                where relationship.isActive(on: today) && relationship.isActive(on: start.date) {
                    guard invited.insert(mentee).inserted else { continue }
                    emit(
                        .cafeInvite, subject: .program(programID), to: .person(.mentee(mentee)),
                        period: start.description, program: program,
                        due: at(start.date.adding(days: -program.cafeInviteDays)),
                        expires: nil,
                        variables: [
                            "date": start.date.description, "time": start.time.description, "place": place ?? "",
                        ],
                        event: event, expiresAtInstant: startInstant)
                }
            }
        }
    }

    /// Café evenings from `from` days after today up to `until(program)` days after, by program:
    /// the recurring ones of the config and the one-off ones of the store. Each evening once.
    func cafeEvenings(from: Int, until: (ProgramSettings) -> Int) -> [String: [(LocalDateTime, String?)]] {
        var events: [String: [(LocalDateTime, String?)]] = [:]

        for program in settings.programs.values {
            guard let cafe = program.cafe, cafe.everyWeeks > 0, from <= until(program) else { continue }
            for offset in from...until(program) {
                let day = today.adding(days: offset)
                guard cafe.hasEvening(on: day) else { continue }
                events[program.id, default: []].append((LocalDateTime(day, cafe.time), cafe.place))
            }
        }
        for cafe in state.cafes {
            guard let program = settings.programs[cafe.program] else { continue }
            let offset = today.days(until: cafe.at.date)
            guard offset >= from, offset <= until(program) else { continue }
            if !(events[cafe.program]?.contains(where: { $0.0 == cafe.at }) ?? false) {
                events[cafe.program, default: []].append((cafe.at, cafe.place))
            }
        }
        // A cancelled evening is no evening: no invitation, no list of answers.
        guard !state.cancelledCafes.isEmpty else { return events }
        let cancelled = Set(state.cancelledCafes.map { CafeAnswers.key(program: $0.program, at: $0.at) })
        for (program, list) in events {
            events[program] = list.filter { !cancelled.contains(CafeAnswers.key(program: program, at: $0.0)) }
        }
        return events
    }

    /// A cancelled café evening: the mentees who got its invitation get a `METHOD:CANCEL` for it
    /// at once (an SMS if the invitation came by SMS), until the evening would have started.
    mutating func cafeCancellations() {
        for evening in state.cancelledCafes {
            guard let program = settings.programs[evening.program] else { continue }
            let startInstant = zone.instant(evening.at)
            guard startInstant > horizon else { continue }
            let uid = CafeEvening.eventUID(program: evening.program, at: evening.at)
            var tokens: [Int64: SentInvitation] = [:]
            for invitation in firstInvitations(uid) { tokens[invitation.recipient] = invitation }
            // Those whose invitation came by SMS hear of it by SMS.
            var bySMS = Set<Int64>()
            for relationship in state.relationships
            where relationship.program == evening.program
                && state.sentBySMS.contains(
                    Scheduler.cafeInviteKey(evening.program, mentee: relationship.menteeID, at: evening.at))
            {
                bySMS.insert(relationship.menteeID)
            }
            for mentee in Set(tokens.keys).union(bySMS).sorted() {
                let event = CalendarEvent(
                    uid: uid, start: evening.at, durationMinutes: 180, summary: "Caféaften · \(program.name)",
                    place: evening.place, sequence: 1, cancels: true, token: tokens[mentee]?.token)
                var told = Set<Channel>()
                if tokens[mentee] != nil { told.insert(.email) }
                if bySMS.contains(mentee) { told.insert(.sms) }
                emit(
                    .cafeCancel, subject: .program(evening.program), to: .person(.mentee(mentee), channels: told),
                    period: evening.at.description, program: program, due: nowLocal, expires: nil,
                    variables: [
                        "date": evening.at.date.description, "time": evening.at.time.description,
                        "place": evening.place ?? "",
                    ],
                    event: event, expiresAtInstant: startInstant)
            }
        }
    }

    /// The highest `SEQUENCE` of `meeting` one of its pair was told of, by channel: by email the
    /// invitation's (`email`), by SMS that of the latest reminder, agenda reminder or update sent.
    func announced(_ meeting: Meeting, _ relationship: Relationship, _ role: Role, email: Int?) -> [Channel: Int] {
        var told: [Channel: Int] = [:]
        if let email { told[.email] = email }
        for sequence in (0...meeting.sequence).reversed() {
            let keys = Scheduler.smsAnnouncementKeys(meeting, relationship, role, sequence: sequence)
            if keys.contains(where: state.sentBySMS.contains) {
                told[.sms] = sequence
                break
            }
        }
        return told
    }

    /// The invitations of event `uid` that went out, one per recipient: the token of the first
    /// (every later message about the event reuses its `UID`), the highest `SEQUENCE` sent.
    func firstInvitations(_ uid: String) -> [SentInvitation] {
        var first: [Int64: SentInvitation] = [:]
        var order: [Int64] = []
        for invitation in state.invitations[uid] ?? [] {
            if let known = first[invitation.recipient] {
                first[invitation.recipient]?.sequence = max(known.sequence, invitation.sequence)
            } else {
                first[invitation.recipient] = invitation
                order.append(invitation.recipient)
            }
        }
        return order.compactMap { first[$0] }
    }

    /// The café list: at noon on the day of an evening (earlier if it starts before), each leader
    /// hears who said yes, how many said no and how many did not answer. Only when answers are read.
    mutating func cafeLists() {
        guard settings.repliesRead else { return }
        let evenings = cafeEvenings(from: 0, until: { _ in 0 })
        guard !evenings.isEmpty else { return }
        let noon = LocalTime(hour: 12, minute: 0) ?? .midnight
        for (programID, list) in evenings.sorted(by: { $0.key < $1.key }) {
            guard let program = settings.programs[programID] else { continue }
            var invited = Set<Int64>()
            for relationship in state.relationships
            where relationship.program == programID && relationship.isActive(on: today) {
                invited.insert(relationship.menteeID)
            }
            guard !invited.isEmpty else { continue }
            for (start, _) in list {
                let startInstant = zone.instant(start)
                guard startInstant > horizon else { continue }
                let answers = state.cafeAnswers[CafeAnswers.key(program: programID, at: start)] ?? [:]
                // Count and names from the same list: one whose name was erased is "en mentee".
                let unnamed = Planner.unnamed("mentee", for: .leader, language: program.language)
                let names = invited.filter { answers[$0] == true }.map { id in
                    state.people[id]?.name.flatMap { $0.isEmpty ? nil : $0 } ?? unnamed
                }.sorted()
                let no = invited.filter { answers[$0] == false }.count
                emit(
                    .cafeRsvp, subject: .program(programID), to: .leaders(), period: start.description,
                    program: program,
                    due: LocalDateTime(start.date, min(noon, start.time)), expires: nil,
                    variables: [
                        "date": start.date.description, "time": start.time.description,
                        "yes": names.joined(separator: ", "), "yesCount": String(names.count),
                        "noCount": String(no), "silentCount": String(invited.count - names.count - no),
                    ],
                    expiresAtInstant: startInstant)
            }
        }
    }

    /// Rule 8: remind both the same local time the day before a planned meeting (23 or 25 real hours
    /// on a DST day); ask the mentee for the agenda 2 days before (djoef, fki). A moved meeting is
    /// reminded at its new time only, and those whose calendar holds its invitation get the update;
    /// a cancelled one gets no reminder, and those invited get the cancellation, after the forløb's
    /// end too. Whoever was told of
    /// an earlier time by SMS hears of the change by SMS; whoever was told nothing, nothing.
    mutating func meetingReminders() {
        guard !state.meetings.isEmpty else { return }
        var byID: [Int64: Relationship] = [:]
        for relationship in state.relationships { byID[relationship.id] = relationship }
        for meeting in state.meetings {
            guard let relationship = byID[meeting.relationshipID],
                let program = settings.programs[relationship.program],
                // A cancelled one's cancellation goes even after an early end (the end cancels them).
                meeting.cancelled || relationship.isActive(on: meeting.at.date)
            else { continue }
            let startInstant = zone.instant(meeting.at)
            guard startInstant > horizon else { continue }
            let variables = [
                "date": meeting.at.date.description, "time": meeting.at.time.description, "place": meeting.place ?? "",
            ]
            // Each recipient's calendar knows the event under the UID of the first invitation they got.
            var tokens: [Int64: SentInvitation] = [:]
            for invitation in firstInvitations(meeting.eventUID) { tokens[invitation.recipient] = invitation }
            func event(for person: Int64) -> CalendarEvent {
                CalendarEvent(
                    uid: meeting.eventUID, start: meeting.at, durationMinutes: 90, summary: "Mentormøde",
                    place: meeting.place, sequence: meeting.sequence, cancels: meeting.cancelled,
                    token: tokens[person]?.token)
            }
            if meeting.cancelled || meeting.sequence > 0 {
                for role in [Role.mentor, .mentee] {
                    let person = role == .mentor ? relationship.mentorID : relationship.menteeID
                    let told = announced(meeting, relationship, role, email: tokens[person]?.sequence)
                    guard let heard = told.values.max(), meeting.cancelled || heard < meeting.sequence else { continue }
                    // Who already holds the current time on a channel needs nothing more on it.
                    let channels = Set(told.filter { meeting.cancelled || $0.value < meeting.sequence }.keys)
                    let before = meeting.time(atSequence: heard)
                    var values = variables
                    if meeting.cancelled {
                        // A cancellation names the time they were told.
                        values["date"] = before.date.description
                        values["time"] = before.time.description
                    } else if before != meeting.at {
                        values["oldDate"] = before.date.description
                        values["oldTime"] = before.time.description
                    }
                    emit(
                        meeting.cancelled ? .meetingCancel : .meetingUpdate, subject: .forloeb(relationship.id),
                        to: .person(.pairMember(role, person), channels: channels),
                        period: MessageKey.meetingPeriod(meeting.id, sequence: meeting.sequence), program: program,
                        relationship: relationship,
                        due: nowLocal, expires: nil, variables: values, event: event(for: person),
                        expiresAtInstant: startInstant)
                }
            }
            guard !meeting.cancelled else { continue }
            for role in [Role.mentor, .mentee] {
                let person = role == .mentor ? relationship.mentorID : relationship.menteeID
                if let days = program.meetingReminderDays {
                    emitPair(
                        .meetingReminder, relationship, program, roles: [role], period: meeting.at.description,
                        due: LocalDateTime(meeting.at.date.adding(days: -days), meeting.at.time), expires: nil,
                        variables: variables, event: event(for: person), expiresAtInstant: startInstant)
                }
            }
            if let days = program.agendaReminderDays {
                emitPair(
                    .agendaReminder, relationship, program, roles: [.mentee], period: meeting.at.description,
                    due: LocalDateTime(meeting.at.date.adding(days: -days), meeting.at.time), expires: nil,
                    variables: variables, expiresAtInstant: startInstant)
            }
        }
    }

    /// Rule 9: a personal recurring reminder at its own time (outside the send window) on its weekdays.
    mutating func personalReminders() {
        guard !state.reminders.isEmpty else { return }
        // The program of a person's newest forløb gives a reminder its settings; a reminder lives
        // only as long as a forløb of its person (it never outlives an early end).
        var programOf: [Int64: String] = [:]
        var forloebOf: [Int64: [Relationship]] = [:]
        for relationship in state.relationships {
            programOf[relationship.mentorID] = relationship.program
            programOf[relationship.menteeID] = relationship.program
            forloebOf[relationship.mentorID, default: []].append(relationship)
            forloebOf[relationship.menteeID, default: []].append(relationship)
        }
        for reminder in state.reminders {
            guard let person = state.people[reminder.personID], !person.forgotten else { continue }
            let program =
                programOf[person.id].flatMap { settings.programs[$0] }
                ?? ProgramSettings(id: "", preset: "lab")
            for back in 0...max(1, floor.days(until: today)) {
                let day = today.adding(days: -back)
                // Its weekdays, its pause, holidays unless asked for (`PersonalReminder.sends`).
                guard reminder.sends(on: day),
                    forloebOf[person.id]?.contains(where: { $0.isActive(on: day) }) == true
                else {
                    continue
                }
                let due = LocalDateTime(day, reminder.time)
                let expiry = zone.instant(due) + Int64(program.recurringGraceMinutes * 60)
                emit(
                    .recurring, subject: .reminder(reminder.id), to: .person(.person(person.id)),
                    period: day.description, program: program, due: due, expires: nil, inWindow: false,
                    variables: ["text": reminder.text], expiresAtInstant: expiry)
            }
        }
    }

    /// Failed messages to mentors and mentees reach the leader: one message per program listing every
    /// failure not yet reported. The period is the newest outbox id in it, so none is listed twice.
    mutating func deliveryFailures() {
        let grouped = Dictionary(grouping: state.failures, by: \.program)
        for (programID, failures) in grouped.sorted(by: { $0.key < $1.key }) {
            guard let program = settings.programs[programID], let newest = failures.map(\.outboxID).max() else {
                continue
            }
            let lines = failures.sorted { $0.outboxID < $1.outboxID }.map { failure in
                TextLines.record([
                    failure.recipient.flatMap { state.people[$0]?.name } ?? "", failure.role.rawValue,
                    failure.rule.rawValue, failure.channel.rawValue, failure.reason,
                ])
            }
            emit(
                .deliveryFailed, subject: .program(programID), to: .leaders(), period: String(newest), program: program,
                due: nowLocal, expires: nil,
                variables: ["count": String(failures.count), "lines": lines.joined(separator: "\n")])
        }
    }

    /// A channel held (its server down, our login refused): the leaders of each program with
    /// messages waiting on it hear of it once per outage, on their other channel.
    mutating func channelOutages() {
        for held in state.heldChannels {
            for (programID, waiting) in held.waitingByProgram.sorted(by: { $0.key < $1.key }) {
                guard let program = settings.programs[programID] else { continue }
                emit(
                    .deliveryFailed, subject: .outage(program: programID, channel: held.channel),
                    to: .leaders(avoiding: held.channel), period: String(held.since), program: program,
                    due: nowLocal, expires: nil,
                    variables: [
                        "count": String(waiting), held.channel == .email ? "emailDown" : "smsDown": "yes",
                        "reason": held.reason,
                    ])
            }
        }
    }
}

/// The keys of the SMS messages that told a person of an event's time: who got one hears of a
/// change by SMS. The rules read which went out from `SchedulerState.sentBySMS`.
extension Scheduler {
    /// What `meeting`'s `role` was sent about it while its `SEQUENCE` was `sequence`: the reminder
    /// and agenda reminder of the time it had then, and the update to it.
    static func smsAnnouncementKeys(_ meeting: Meeting, _ relationship: Relationship, _ role: Role, sequence: Int)
        -> [String]
    {
        let at = meeting.time(atSequence: sequence).description
        func key(_ rule: Rule, _ period: String) -> String {
            FollowUp.Addressee.pairMember(role, role == .mentor ? relationship.mentorID : relationship.menteeID).key(
                rule, subject: .forloeb(relationship.id), period: period
            )
            .description
        }
        var keys = [key(.meetingReminder, at)]
        if role == .mentee { keys.append(key(.agendaReminder, at)) }
        if sequence > 0 { keys.append(key(.meetingUpdate, MessageKey.meetingPeriod(meeting.id, sequence: sequence))) }
        return keys
    }

    static func cafeInviteKey(_ program: String, mentee: Int64, at: LocalDateTime) -> String {
        FollowUp.Addressee.mentee(mentee).key(.cafeInvite, subject: .program(program), period: at.description)
            .description
    }

    /// Every key whose SMS `state`'s moved and cancelled meetings and cancelled café evenings
    /// depend on: the store says which of them went out.
    public static func smsAnnouncementKeys(_ state: SchedulerState) -> [String] {
        var byID: [Int64: Relationship] = [:]
        for relationship in state.relationships { byID[relationship.id] = relationship }
        var keys: [String] = []
        for meeting in state.meetings where meeting.cancelled || meeting.sequence > 0 {
            guard let relationship = byID[meeting.relationshipID] else { continue }
            for role in [Role.mentor, .mentee] {
                for sequence in 0...meeting.sequence {
                    keys += smsAnnouncementKeys(meeting, relationship, role, sequence: sequence)
                }
            }
        }
        for evening in state.cancelledCafes {
            for relationship in state.relationships where relationship.program == evening.program {
                keys.append(cafeInviteKey(evening.program, mentee: relationship.menteeID, at: evening.at))
            }
        }
        return keys
    }
}
