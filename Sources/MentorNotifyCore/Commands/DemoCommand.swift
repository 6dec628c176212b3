import Foundation
import MentorModel
import MentorStore
import Notifier
import Scheduler
import Transport

/// `mentor-notify demo`: fictional people in all five presets, a simulated year of hourly cycles on
/// the spool, and a summary a newcomer can read: what was sent, when, and how it reads.
enum DemoCommand {
    static func run(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "demo", options: ["dir", "from", "days"])
        try args.noPositionals()
        let directory = args.value("dir") ?? "demo"
        let from =
            try args.value("from").map { raw throws(InputError) in try Validate.date(raw, field: "from") }
            ?? LocalDate(year: 2026, month: 1, day: 5)!
        guard let days = Int(args.value("days") ?? "365"), (1...800).contains(days) else {
            throw CLIError(.dataError, "demo: --days must be a number from 1 to 800")
        }
        let manager = FileManager.default
        try? manager.removeItem(atPath: directory)
        try manager.createDirectory(atPath: directory + "/spool", withIntermediateDirectories: true)
        var config = Config.builtIn()
        config.spool = directory + "/spool"
        // Keep the texts of the whole simulated year, so the summary can show them.
        config.retentionDays = 1000
        config.templates = Paths.templates(context.config.templates)
        // People answer: the replies arrive in the spool's replies folder.
        config.replies = RepliesSettings(address: "svar@localhost")
        let store = try Store(path: directory + "/demo.db")
        let population = try DemoPopulation.create(in: store, config: config, from: from)
        // Wired as `run` wires it: no email or SMS settings, so the spool, and its replies folder.
        let composition = Composition(
            config: config, environment: context.environment, databasePath: directory + "/demo.db",
            logger: Logger(level: .warning, environment: context.environment))
        let cycle = try composition.cycle(store: store, catalog: try composition.catalog())
        var replies = DemoReplies(folder: config.spool + "/replies")
        context.output.line(
            "mentor-notify demo: \(population.people) fictional people, \(population.forloeb) forløb in 5 programs")
        context.output.line("simulating \(days) days of hourly cycles from \(from) on the spool transport ...")
        let zone = config.zone
        let start = zone.instant(from, .midnight)
        let clock = Date()
        var hour: Int64 = 0
        while hour < Int64(days) * 24 {
            let now = start + hour * 3600
            let local = zone.local(now)
            try population.play(store: store, on: local, zone: zone)
            _ = try cycle.run(now: now)
            try replies.answer(store: store, now: now)
            hour += 1
        }
        let elapsed = Date().timeIntervalSince(clock)
        try DemoReport.print(
            store: store, context: context, zone: zone, directory: directory, elapsed: elapsed, cycles: Int(hour))
    }
}
