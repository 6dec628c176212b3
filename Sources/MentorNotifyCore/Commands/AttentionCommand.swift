import Foundation
import MentorModel
import MentorStore
import Scheduler

/// `attention`: the pairs that need a look, most urgent first (the order is `AttentionReason`'s).
enum AttentionCommand {
    static func run(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "attention", options: ["program", "at"], switches: ["json"])
        try args.noPositionals()
        let config = context.config
        let program = try args.value("program").map { try config.program($0).id }
        let now = try CycleCommands.now(args, config)
        let store = try context.openStore()
        let (items, names, relationships) = try store.read {
            let settings = config.schedulerSettings
            var state = try StateLoader.load(
                store, settings: settings, now: now, defaultProgram: config.programs.first?.id)
            // The scheduler's snapshot leaves addresses out; whether anything reaches a person needs them.
            let today = config.zone.local(now).date
            let ids = state.relationships.filter { $0.isActive(on: today) }.flatMap { [$0.mentorID, $0.menteeID] }
            for (id, person) in try store.people(ids: ids) { state.people[id] = person }
            let facts = try loadFacts(store, zone: config.zone, now: now)
            let items = Attention.items(state, facts: facts, settings: settings, now: now)
            let relationships = Dictionary(state.relationships.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            return (
                items.filter { program == nil || $0.program == program },
                Names(people: state.people, programs: settings.programs), relationships
            )
        }
        func mentor(_ item: AttentionItem) -> String { names.person(relationships[item.relationshipID]?.mentorID) }
        func mentee(_ item: AttentionItem) -> String { names.person(relationships[item.relationshipID]?.menteeID) }
        if args.flag("json") {
            context.output.json(
                array: items.map { item in
                    .object([
                        ("mentee", .string(mentee(item))), ("mentor", .string(mentor(item))),
                        ("program", .string(item.program)), ("reason", .string(item.reason.rawValue)),
                        ("relationship", .int(item.relationshipID)), ("role", .optional(item.role?.rawValue)),
                        ("since", .optional(item.since?.description)), ("why", .string(item.why)),
                    ])
                })
            return
        }
        guard !items.isEmpty else {
            context.output.line("nothing needs a look at \(config.zone.iso8601(now))")
            return
        }
        context.output.table(
            ["FORLØB", "PROGRAM", "MENTOR", "MENTEE", "SINCE", "WHY"],
            items.map { item in
                [
                    String(item.relationshipID), item.program, mentor(item), mentee(item),
                    item.since?.description ?? "-", item.why,
                ]
            })
    }

    /// The answers and recent failures `Attention` looks at, beyond the scheduler's state.
    static func loadFacts(_ store: Store, zone: Zone, now: Int64) throws -> AttentionFacts {
        var facts = AttentionFacts()
        for answer in try store.forloebAnswers() {
            switch (answer.question, answer.yes) {
            case ("continue", false):
                if facts.saidNo[answer.relationshipID] == nil {
                    facts.saidNo[answer.relationshipID] = (answer.by, zone.local(answer.at).date)
                }
            case ("agreement", true): facts.agreements.insert(answer.relationshipID)
            default: break
            }
        }
        for event in try store.optOutEvents(from: 0, until: now + 1) where event.optedOut {
            facts.optedOutOn[event.personID] = zone.local(event.at).date
        }
        let since = now - Int64(Attention.failureLookbackDays) * 86_400
        for failure in try store.failedMessages(since: since) where failure.at <= now {
            guard let person = failure.recipient, facts.failures[person] == nil else { continue }
            // A message that reached them on that channel since (the address was fixed) settles it.
            if let later = try store.latestSent(to: person, channel: failure.channel, since: failure.at + 1),
                (later.sentAt ?? 0) <= now
            {
                continue
            }
            facts.failures[person] = (zone.local(failure.at).date, failure.rule, failure.channel)
        }
        return facts
    }
}
