import MentorModel
import MentorStore
import Scheduler

/// Leader messages while leaders come and go (SPEC.md "Leaders come and go"). A leader message goes
/// to the leaders on duty on the day it goes out, and once: a leader coming on duty does not get
/// again what another leader of the program already received, and a message still waiting for a
/// leader who is away from today is withdrawn and goes to who is on duty.
enum LeaderHandover {
    /// The key with its recipient part (`leader`, `leader-2`, ...) replaced by `index`'s, or by `*`
    /// (nil): the same message to another leader. Nil for a message to a person.
    static func key(_ key: String, leader index: Int?) -> String? {
        var parts = key.split(separator: ":", omittingEmptySubsequences: false)
        let leader = RecipientRole.leader.rawValue
        guard parts.count >= 4, parts[2] == leader || parts[2].hasPrefix(leader + "-") else { return nil }
        parts[2] = index.map { Substring(ReplyCore.leaderPart($0)) } ?? "\(leader)*"
        return parts.joined(separator: ":")
    }

    /// The follow-ups (not yet in the outbox) that another leader of their program already received.
    static func alreadyDelivered(_ followUps: [FollowUp], config: Config, store: Store) throws -> Set<String> {
        var siblings: [String: String] = [:]
        for followUp in followUps {
            guard let own = followUp.leaderIndex, let program = config.schedulerSettings.programs[followUp.program]
            else { continue }
            for index in program.leaders.indices where index != own {
                if let other = key(followUp.key, leader: index) { siblings[other] = followUp.key }
            }
        }
        guard !siblings.isEmpty else { return [] }
        return Set(try store.deliveredKeys(Array(siblings.keys)).compactMap { siblings[$0] })
    }
}
