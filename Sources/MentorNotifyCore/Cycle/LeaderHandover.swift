import MentorModel
import MentorStore
import Scheduler

/// Leader messages while leaders come and go (SPEC.md "Leaders come and go"). A leader message goes
/// to the leaders on duty on the day it goes out, and once: a leader coming on duty does not get
/// again what another leader of the program already received, and a message still waiting for a
/// leader who is away from today is withdrawn and goes to who is on duty.
enum LeaderHandover {
    /// The same message to whichever leader (the key as to leader 0), what a leader message's keys
    /// to different leaders share. Nil for a message to a person.
    static func anyLeader(_ key: MessageKey) -> MessageKey? { key.toLeader(0) }

    /// The follow-ups (not yet in the outbox) that another leader of their program already received.
    static func alreadyDelivered(_ followUps: [FollowUp], config: Config, store: Store) throws -> Set<MessageKey> {
        var siblings: [String: MessageKey] = [:]
        for followUp in followUps {
            guard let own = followUp.leaderIndex, let program = config.schedulerSettings.programs[followUp.program]
            else { continue }
            for index in program.leaders.indices where index != own {
                if let other = followUp.key.toLeader(index) { siblings[other.description] = followUp.key }
            }
        }
        guard !siblings.isEmpty else { return [] }
        return Set(try store.deliveredKeys(Array(siblings.keys)).compactMap { siblings[$0] })
    }
}
