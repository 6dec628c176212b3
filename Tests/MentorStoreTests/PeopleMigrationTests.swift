import Foundation
import MentorModel
import Testing

@testable import MentorStore

/// Migration 011-people on a database written before it: people forgotten then lose the free text
/// about their forløb too, and contacts corrected afterwards keep the summary right.
@Suite struct PeopleMigrationTests {
    @Test func forloebOfPeopleForgottenBeforeLoseTheirEndReasonTextAndMeetingPlaces() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("old.db")
        var ids: [Int64] = []
        do {
            let store = try Store(path: path)
            for name in ["Ahmad", "Søren", "Amira", "Jens"] {
                ids.append(
                    try store.addPerson(
                        NewPerson(role: ids.count % 2 == 0 ? .mentee : .mentor, name: name, email: "x@example.dk")))
            }
            let start = try #require(LocalDate("2026-01-05"))
            let end = try #require(LocalDate("2026-07-05"))
            let forgottenPair = try store.addRelationship(
                mentor: ids[1], mentee: ids[0], program: "p", start: start, plannedEnd: end)
            let keptPair = try store.addRelationship(
                mentor: ids[3], mentee: ids[2], program: "p", start: start, plannedEnd: end)
            try store.addMeeting(
                relationship: forgottenPair, at: try #require(LocalDateTime("2026-02-01T10:00")), place: "hos Ahmad")
            try store.addMeeting(
                relationship: keptPair, at: try #require(LocalDateTime("2026-02-01T10:00")), place: "Biblioteket")
            // End reasons as leaders wrote them before they were categories.
            try store.database.run(
                "UPDATE relationship SET ended_on = '2026-03-01', end_reason = ? WHERE id = ?",
                ["Ahmad har fået fast job", forgottenPair])
            try store.database.run(
                "UPDATE relationship SET ended_on = '2026-03-01', end_reason = ? WHERE id = ?",
                ["Amira er flyttet", keptPair])
            try store.database.run(
                "UPDATE person SET name = NULL, forgotten_at = '2026-03-02T10:00:00Z' WHERE id = ?", [ids[0]])
            // As the file was before 011 and 012.
            try store.database.execute(
                """
                DROP TRIGGER contact_after_update;
                DELETE FROM schema_migrations WHERE id IN ('011-people', '012-ends')
                """)
        }
        let store = try Store(path: path)
        // No free text is left for anyone: the forgotten person's forløb loses it with the rest.
        let reasons = try store.database.query("SELECT end_reason FROM relationship ORDER BY id") { $0.string(0) }
        #expect(reasons == ["other", "other"])
        let places = try store.database.query("SELECT place FROM meeting ORDER BY id") { $0.optionalString(0) }
        #expect(places == [nil, "Biblioteket"])
    }
}
