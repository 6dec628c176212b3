import MentorModel
import MentorStore
import Scheduler

/// Where the mentee takes the first contact (`shareMentorContact`: djoef, fki), the mentee's
/// first-meeting reminder carries the mentor's address and number. The scheduler plans without
/// addresses, so they are added here, for the few reminders that need them.
enum MentorContact {
    static func added(to followUp: FollowUp, store: Store, config: Config) throws -> FollowUp {
        guard followUp.rule == .firstMeeting, followUp.role == .mentee,
            config.schedulerSettings.programs[followUp.program]?.shareMentorContact == true,
            let relationshipID = followUp.relationshipID
        else { return followUp }
        let mentor = try store.person(try store.relationship(relationshipID).mentorID)
        var followUp = followUp
        followUp.variables["mentorEmail"] = mentor.email ?? ""
        followUp.variables["mentorPhone"] = mentor.phone ?? ""
        return followUp
    }
}
