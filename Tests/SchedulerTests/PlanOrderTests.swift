import MentorModel
import Testing

@testable import Scheduler

/// The plan's follow-ups are put in order (by time, then key) by swapping them into place: every
/// follow-up ends where a sort puts it, none lost, none twice, whatever the permutation's cycles.
@Suite struct PlanOrderTests {
    static func followUp(_ id: Int64, at notBefore: Int64) -> FollowUp {
        FollowUp(
            .monthlyHours, subject: .forloeb(id), period: "2026-11", to: .pairMember(.mentor, id), name: "Bo",
            program: "p", relationshipID: id, channels: [.email], notBefore: notBefore, expiresAt: nil, inWindow: true,
            language: .da, variables: ["n": String(id)], allowedAfterEnd: false)
    }

    @Test func swappedIntoPlaceIsWhatASortGives() {
        var random = SystemRandomNumberGenerator()
        for count in [0, 1, 2, 3, 10, 257, 2000] {
            // Few distinct times, so many ties are broken by the key.
            let followUps = (0..<count).map {
                Self.followUp(Int64($0), at: Int64.random(in: 0..<5, using: &random) * 3600)
            }.shuffled(using: &random)
            let sorted = followUps.sorted { a, b in
                a.notBefore != b.notBefore ? a.notBefore < b.notBefore : a.key < b.key
            }
            var ordered = followUps
            Scheduler.order(&ordered)
            #expect(ordered == sorted, "\(count) follow-ups")
        }
    }

    /// A plan holds every follow-up due (75,000 on the benchmark) and moves them as it grows and is
    /// put in order: the rare calendar event is held apart, not inline in every one (it was 120
    /// bytes of 360).
    @Test func aFollowUpIsHeldSmall() {
        #expect(MemoryLayout<FollowUp>.stride <= 240)
        var followUp = Self.followUp(1, at: 0)
        #expect(followUp.event == nil)
        let event = CalendarEvent(
            uid: "u", start: LocalDateTime(LocalDate(year: 2026, month: 3, day: 4)!, .midnight), durationMinutes: 60,
            summary: "s", place: nil)
        followUp.event = event
        #expect(followUp.event == event)
        var other = Self.followUp(1, at: 0)
        #expect(other != followUp)
        other.event = event
        #expect(other == followUp)
        #expect(Set([other, followUp]).count == 1)
    }

    @Test func alreadyInOrderOrReversed() {
        let inOrder = (0..<100).map { Self.followUp(Int64($0), at: Int64($0)) }
        var same = inOrder
        Scheduler.order(&same)
        #expect(same == inOrder)
        var reversed = Array(inOrder.reversed())
        Scheduler.order(&reversed)
        #expect(reversed == inOrder)
    }
}
