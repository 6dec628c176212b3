import MentorModel
import Scheduler

/// How the commands a leader reads name people: the person's name next to the id, "(forgotten)"
/// once erased, and a leader by their name from the config.
struct Names {
    let people: PeopleIndex
    let programs: [String: ProgramSettings]

    static let forgotten = "(forgotten)"

    /// A person's name, "(forgotten)", or "(unknown)" for an id no row has.
    func person(_ id: Int64?) -> String {
        guard let id else { return "" }
        guard let person = people[id] else { return "(unknown)" }
        return person.forgotten ? Names.forgotten : person.name ?? Names.forgotten
    }

    /// The name of a message's recipient: the person, or the program's leader (by index, or by the
    /// address the message went to).
    func recipient(
        role: RecipientRole, recipient: Int64?, program: String?, leaderIndex: Int? = nil, leaderAddress: String? = nil
    ) -> String {
        if let recipient { return person(recipient) }
        guard role == .leader, let program, let leaders = programs[program]?.leaders else { return "" }
        if let leaderIndex, leaders.indices.contains(leaderIndex) { return leaders[leaderIndex].name }
        if let leaderAddress,
            let leader = leaders.first(where: { $0.email == leaderAddress || $0.phone == leaderAddress })
        {
            return leader.name
        }
        return leaders.count == 1 ? leaders[0].name : ""
    }

    /// `TO` in a table: `mentee 7 Amira Hansen`, `leader Elias`.
    func label(_ role: RecipientRole, _ recipient: Int64?, name: String) -> String {
        [role.rawValue, recipient.map(String.init) ?? "", name].filter { !$0.isEmpty }.joined(separator: " ")
    }
}
