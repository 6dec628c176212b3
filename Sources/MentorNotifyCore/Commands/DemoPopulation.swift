import Foundation
import MentorModel
import MentorStore
import Scheduler

/// Fictional people and forløb for the demo, and how each pair behaves as the year goes by.
struct DemoPopulation {
    enum Habit: CaseIterable {
        /// Weekly contact, planned meetings, evaluations answered.
        case steady
        /// First contact only after ten days, then every other week.
        case slowStart
        /// Good for two months, then silence.
        case drifting
        /// Never meets.
        case silent
    }

    struct Pair {
        var id: Int64
        var habit: Habit
        var start: LocalDate
    }

    var pairs: [Pair] = []
    var people = 0
    var forloeb: Int { pairs.count }

    static let mentorNames = [
        "Søren Mikkelsen", "Louise Kolstrup", "Henrik Østergaard", "Birgitte Lund", "Jens Foldby", "Anne-Mette Bæk",
        "Poul Kjærsgaard", "Inge Thomsen", "Karsten Møller", "Hanne Åberg",
    ]
    static let menteeNames = [
        "Amira Hansen", "Mikkel Jørgensen", "Freja Nielsen", "Oliver Sørensen", "Sofie Madsen", "Emil Pedersen",
        "Ida Christensen", "Noah Rasmussen", "Clara Jensen", "Lucas Andersen",
    ]

    /// - pairsPerProgram: how many forløb each program gets; their starts are spread a week apart.
    static func create(in store: Store, config: Config, from: LocalDate, pairsPerProgram: Int = 4) throws
        -> DemoPopulation
    {
        var population = DemoPopulation()
        let habits = Habit.allCases
        try store.write {
            var index = 0
            for program in config.programs {
                for slot in 0..<pairsPerProgram {
                    let mentorName = mentorNames[index % mentorNames.count]
                    let menteeName = menteeNames[index % menteeNames.count]
                    let slug = "\(program.id)-\(slot)"
                    let mentor = try store.addPerson(
                        NewPerson(
                            ref: "mentor-\(slug)", role: .mentor, name: mentorName,
                            email: "mentor.\(slug)@example.dk", phone: "+45" + String(20_000_000 + index * 7919),
                            birthdate: LocalDate(year: 1970 + index % 20, month: 1 + index % 12, day: 1 + index % 28),
                            certificate: from.adding(days: -30), channels: slot == 1 ? [.email, .sms] : [.email]))
                    let mentee = try store.addPerson(
                        NewPerson(
                            ref: "mentee-\(slug)", role: .mentee, name: menteeName,
                            email: slot == 2 ? nil : "mentee.\(slug)@example.dk",
                            phone: "+45" + String(30_000_000 + index * 104_729),
                            birthdate: LocalDate(year: 2002 + index % 5, month: 1 + index % 12, day: 1 + index % 28),
                            channels: slot == 2 ? [.sms] : [.email, .sms], language: slot == 3 ? .en : .da))
                    population.people += 2
                    let start = from.adding(days: 7 * slot + (3 * index) % 5)
                    let id = try store.addRelationship(
                        mentor: mentor, mentee: mentee, program: program.id, start: start,
                        plannedEnd: start.adding(months: program.durationMonths))
                    population.pairs.append(Pair(id: id, habit: habits[slot % habits.count], start: start))
                    if program.preset == "lab" && slot % 8 == 0 {
                        try store.addReminder(
                            person: mentee, time: LocalTime(hour: 7, minute: 0)!, weekdays: [1, 2, 3, 4, 5],
                            text: "Godmorgen! Tid til at stå op - vi ses på værkstedet kl. 8.",
                            until: from.adding(days: 30), today: from)
                    }
                    index += 1
                }
            }
            // One mentee turns SMS off after a while; see the suppressed rows in the outbox.
            if let pair = population.pairs.first(where: { $0.habit == .silent }) {
                let relationship = try store.relationship(pair.id)
                _ = try ReplyCore.leaderOptOut(
                    relationship.menteeID, channel: .sms, optedOut: true, store: store,
                    now: config.zone.instant(from, .midnight))
            }
            try store.addCafe(
                program: "mentorshoppen", at: LocalDateTime(from.adding(days: 150), LocalTime(hour: 17, minute: 0)!),
                place: "Sommerfest i haven")
        }
        return population
    }

    /// What the pairs do at this hour: log contact, plan meetings, return evaluations.
    func play(store: Store, on local: LocalDateTime, zone: Zone) throws {
        guard local.time.hour == 21 else { return }
        let today = local.date
        try store.write {
            for pair in pairs {
                let relationship = try store.relationship(pair.id)
                guard relationship.isActive(on: today) else { continue }
                let day = pair.start.days(until: today)
                var meet = false
                switch pair.habit {
                case .steady: meet = day >= 2 && day % 7 == 2
                case .slowStart: meet = day >= 10 && (day - 10) % 14 == 0
                case .drifting: meet = day >= 3 && day <= 60 && day % 10 == 3
                case .silent: meet = false
                }
                if meet {
                    try store.addContact(Contact(relationshipID: pair.id, date: today, minutes: 60 + day % 4 * 15))
                    // The next meeting a week on, while the forløb lasts (none is planned after it).
                    let next = LocalDateTime(today.adding(days: 7), LocalTime(hour: 16, minute: 30)!)
                    if pair.habit == .steady, relationship.isActive(on: next.date) {
                        try store.addMeeting(relationship: pair.id, at: next, place: "Biblioteket")
                    }
                }
                if pair.habit == .steady && day > 0 && day % 91 == 3 {
                    try store.addEvaluation(Evaluation(relationshipID: pair.id, by: .mentor, date: today))
                    try store.addEvaluation(Evaluation(relationshipID: pair.id, by: .mentee, date: today))
                }
            }
        }
    }
}

/// What the demo prints at the end.
enum DemoReport {
    static func print(store: Store, context: Context, zone: Zone, directory: String, elapsed: TimeInterval, cycles: Int)
        throws
    {
        let out = context.output
        let rows = try store.outbox()
        out.line(String(format: "%d hourly cycles in %.1f s; %d messages in the outbox.", cycles, elapsed, rows.count))
        out.line("")
        var months: [String] = []
        var table: [String: [String: Int]] = [:]
        for row in rows where row.status == .sent {
            let month = String(zone.local(row.sentAt ?? row.notBefore).date.description.prefix(7))
            if !months.contains(month) { months.append(month) }
            table[row.rule.rawValue, default: [:]][month, default: 0] += 1
        }
        months.sort()
        out.line("Messages sent per rule per month:")
        let header = ["RULE"] + months.map { String($0.suffix(5)) } + ["TOTAL"]
        let body = table.keys.sorted().map { rule -> [String] in
            let counts = months.map { table[rule]?[$0] ?? 0 }
            return [rule] + counts.map { $0 == 0 ? "." : String($0) } + [String(counts.reduce(0, +))]
        }
        out.table(header, body)
        out.line("")
        var statuses: [OutboxStatus: Int] = [:]
        for row in rows { statuses[row.status, default: 0] += 1 }
        out.line(
            "Outbox by status: "
                + OutboxStatus.allCases.map { "\($0.rawValue) \(statuses[$0] ?? 0)" }.joined(separator: ", "))
        var reasons: [String: Int] = [:]
        for row in rows where row.status == .suppressed || row.status == .expired {
            reasons["\(row.status.rawValue): \(row.reason ?? "-")", default: 0] += 1
        }
        for (reason, count) in reasons.sorted(by: { $0.value > $1.value }).prefix(5) {
            out.line("  \(count) × \(reason)")
        }
        out.line("")
        let replies = try store.inbound(since: 0, limit: 100_000)
        var actions: [String: Int] = [:]
        for reply in replies { actions[reply.action.rawValue, default: 0] += 1 }
        out.line(
            "Replies read: \(replies.count) ("
                + actions.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")")
        out.line("")
        out.line("A few messages as a person reads them (the files are in \(directory)/spool):")
        var shown = Set<String>()
        for row in rows where row.status == .sent && row.language == .da {
            let pick = "\(row.rule)/\(row.channel.rawValue)"
            guard
                [
                    "first-meeting/sms", "cafe-invite/email", "missed-contact/email", "monthly-hours/email",
                    "recurring/sms", "reply-confirmation/email", "reply-forward/email", "cafe-rsvp/email",
                ]
                .contains(pick), !shown.contains(pick)
            else { continue }
            shown.insert(pick)
            out.line("")
            out.line(
                "── \(row.rule) → \(row.role) via \(row.channel.rawValue), \(zone.iso8601(row.sentAt ?? 0).prefix(16))")
            if let subject = row.subject { out.line("Emne: \(subject)") }
            out.line(row.body ?? "")
        }
        out.line("")
        out.line("Look further: mentor-notify --db \(directory)/demo.db outbox | less")
    }
}
