import Foundation
import MentorModel
import MentorStore

enum RepliesCommand {
    /// `replies [--json] [--days N]`: what came in, newest first: time, channel, the outbox id it
    /// answered, the person, and the action. Never the text.
    static func run(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "replies", options: ["days"], switches: ["json"])
        try args.noPositionals()
        let days = try args.days(in: 1...3660, fallback: 30)
        let store = try context.openStore()
        // Counted back from the last cycle's moment when that is earlier than now, so the replies a
        // `tick --at` recorded in the past show too.
        let now = Int64(Date().timeIntervalSince1970)
        let last = try store.meta("last_cycle").flatMap { Int64($0) } ?? now
        let since = min(now, last) - Int64(days) * 86_400
        let records = try store.inbound(since: since, limit: 10_000)
        let zone = context.config.zone
        if args.flag("json") {
            context.output.json(
                array: records.map { record in
                    .object([
                        ("action", .string(record.action.rawValue)), ("at", .string(zone.iso8601(record.receivedAt))),
                        ("channel", .string(record.channel.rawValue)), ("detail", .optional(record.detail)),
                        ("outbox", .optional(record.outboxID)), ("person", .optional(record.personID)),
                    ])
                })
            return
        }
        context.output.line("replies in the last \(days) days: \(records.count)")
        context.output.table(
            ["AT", "CH", "OUTBOX", "PERSON", "ACTION", "DETAIL"],
            records.map { record in
                [
                    String(zone.iso8601(record.receivedAt).prefix(16)), record.channel.rawValue,
                    record.outboxID.map(String.init) ?? "-", record.personID.map(String.init) ?? "-",
                    record.action.rawValue,
                    record.detail ?? "",
                ]
            })
    }
}
