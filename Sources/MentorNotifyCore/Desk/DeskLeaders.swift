import Desk
import MentorModel
import Scheduler

/// Who may sign in to the desk: every address that leads a program in the config on a day
/// (inside the leader's `from`...`until`; a leader away on holiday still leads), with the programs
/// it leads. Read from the config each time, so a leader who leaves it has no way in after a reload.
enum DeskLeaders {
    /// The leaders of `day`, by lower-cased email address.
    static func all(in config: Config, on day: LocalDate) -> [String: DeskLeader] {
        var leaders: [String: DeskLeader] = [:]
        for program in config.programs {
            for leader in program.leaders {
                guard let email = leader.email, leader.leads(on: day) else { continue }
                let key = email.lowercased()
                if leaders[key] == nil {
                    leaders[key] = DeskLeader(name: leader.name, email: email, language: leader.language, programs: [])
                }
                if leaders[key]?.programs.contains(program.id) == false { leaders[key]?.programs.append(program.id) }
            }
        }
        return leaders
    }

    /// The leader whose address `email` is (any case) on `day`; nil for anyone else.
    static func leader(_ email: String, in config: Config, on day: LocalDate) -> DeskLeader? {
        all(in: config, on: day)[email.lowercased()]
    }
}

extension Leader {
    /// Inside `from`...`until` (both included), away or not.
    func leads(on day: LocalDate) -> Bool {
        if let from, day < from { return false }
        if let until, day > until { return false }
        return true
    }
}
