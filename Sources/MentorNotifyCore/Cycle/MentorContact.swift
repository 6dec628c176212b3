import MentorModel
import MentorStore
import Scheduler

/// The addresses and numbers a text needs to say how to reach the person it asks you to contact.
/// The scheduler plans without addresses, so they are added here, for the few texts that need them:
/// - where the mentee takes the first contact (`shareMentorContact`: djoef, fki), the mentee's
///   first-meeting reminder carries the mentor's address and number;
/// - a leader's alert that asks them to contact the pair (`Rule.asksLeaderToContactPair`) carries
///   both people's, which the leader may always see.
enum MentorContact {
    static func added(to followUp: FollowUp, store: Store, config: Config) throws -> FollowUp {
        guard let relationshipID = followUp.relationshipID else { return followUp }
        let sharesMentor =
            followUp.rule == .firstMeeting && followUp.role == .mentee
            && config.schedulerSettings.programs[followUp.program]?.shareMentorContact == true
        let toLeader = followUp.rule.asksLeaderToContactPair && followUp.role == .leader
        guard sharesMentor || toLeader else { return followUp }
        let relationship = try store.relationship(relationshipID)
        var followUp = followUp
        let mentor = try store.person(relationship.mentorID)
        followUp.variables["mentorEmail"] = mentor.email ?? ""
        followUp.variables["mentorPhone"] = mentor.phone ?? ""
        if toLeader {
            let mentee = try store.person(relationship.menteeID)
            followUp.variables["menteeEmail"] = mentee.email ?? ""
            followUp.variables["menteePhone"] = mentee.phone ?? ""
        }
        return followUp
    }
}
