import MentorModel
import MentorStore
import Scheduler

/// Forløb that nobody would hear about: their program is not in the config (renamed, removed),
/// or the program has no leaders. The rules skip or cannot
/// deliver such a forløb's alerts, so `check` refuses the config, and every cycle says so.
enum Watch {
    /// One sentence per problem, each naming the program and the fix.
    static func problems(config: Config, store: Store, today: LocalDate) throws -> [String] {
        let open = try store.openForloebByProgram(on: today)
        var problems: [String] = []
        for (programID, count) in open.sorted(by: { $0.key < $1.key }) {
            let forloeb = "\(count) forløb"
            guard let program = config.schedulerSettings.programs[programID] else {
                problems.append(
                    "\(forloeb) in program '\(programID)' get no follow-ups: '\(programID)' is not a program in the "
                        + "config (add it to programs[], or correct the forløb's program)")
                continue
            }
            if program.leaders.isEmpty {
                problems.append(
                    "program '\(programID)' has \(forloeb) but no leaders: nobody hears of a missed first meeting "
                        + "or lost contact (add leaders to the program in the config)")
            }
            // A leader with no address for their channels is refused when the config is read.
        }
        return problems
    }

    /// How far ahead a day without a leader on duty is warned of.
    static let coverDays = 14

    /// Days ahead on which no leader of a program is on duty (everyone away, a cover ending): alerts
    /// then go to who is on duty next, and the leaders should know before it happens.
    static func warnings(config: Config, today: LocalDate) -> [String] {
        config.programs.compactMap { program in
            let days = program.uncoveredDays(from: today, days: coverDays)
            guard let first = days.first, let last = days.last else { return nil }
            let to = program.leaders(on: first).map(\.name).joined(separator: ", ")
            let span = first == last ? "on \(first)" : "on \(days.count) days from \(first) to \(last)"
            return "program '\(program.id)' has no leader on duty \(span): its alerts go to \(to) (give a cover "
                + "leader \"from\" and \"until\" in the config)"
        }
    }
}
