import MentorModel

@testable import Scheduler

/// A small world for rule tests: programs from the presets, people, forløb and activity.
struct Fixture {
    var programs: [ProgramSettings]
    var state = SchedulerState()
    let zone = Zone.copenhagen
    private var nextID: Int64 = 1

    init(presets: [String] = ProgramSettings.presetNames) {
        programs = presets.compactMap { name in
            var program = ProgramSettings.preset(name, id: name)
            program?.leaders = [Leader(name: "Elias", email: "leder@example.dk")]
            return program
        }
    }

    var settings: SchedulerSettings { SchedulerSettings(zone: zone, programs: programs) }

    mutating func person(_ role: Role, channels: Set<Channel> = [.email]) -> Int64 {
        let id = nextID
        nextID += 1
        state.people[id] = Person(
            id: id, role: role, name: role == .mentor ? "Søren" : "Amira", email: "p\(id)@example.dk",
            phone: "+452124180\(id % 10)", channels: channels)
        return id
    }

    /// Adds a forløb; returns its id.
    @discardableResult
    mutating func forloeb(
        _ program: String, start: String, end: String? = nil, first: String? = nil, last: String? = nil
    )
        -> Int64
    {
        let mentor = person(.mentor)
        let mentee = person(.mentee)
        let id = Int64(state.relationships.count + 100)
        let startDate = LocalDate(start)!
        let months = programs.first { $0.id == program }?.durationMonths ?? 6
        state.relationships.append(
            Relationship(
                id: id, mentorID: mentor, menteeID: mentee, program: program, start: startDate,
                plannedEnd: end.flatMap { LocalDate($0) } ?? startDate.adding(months: months),
                firstContact: first.flatMap { LocalDate($0) }, lastContact: (last ?? first).flatMap { LocalDate($0) }))
        return id
    }

    func plan(_ at: String) -> [FollowUp] {
        Scheduler(settings: settings).plan(state, now: zone.instant(LocalDateTime(at)!))
    }

    func keys(_ at: String) -> Set<String> {
        Set(plan(at).map(\.key.description))
    }

    func iso(_ seconds: Int64?) -> String? { seconds.map { zone.iso8601($0) } }

    /// Records evaluation requests as sent on their date at 09:00 (on time), or at `at`.
    mutating func sentEvaluations(_ keys: some Sequence<String>, at: String? = nil) {
        for key in keys {
            let day = at ?? String(key.split(separator: ":").last ?? "") + "T09:00"
            state.sentEvaluations[key] = LocalDateTime(day).map { zone.instant($0) } ?? 0
        }
    }
}
