import Foundation
import MentorModel
import Testing

@testable import MentorStore

/// 012-ends: an end reason is a category; the free text leaders once wrote does not survive.
@Suite struct EndReasonMigrationTests {
    @Test func freeTextBecomesOtherAndCategoriesStay() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("old.db")
        do {
            let database = try Database(path: path)
            try Schema.migrator.migrate(database, upTo: "009-unreadable-mail")
            try database.execute(
                """
                INSERT INTO person (id, role, name, channels) VALUES (1, 'mentor', 'A', 'email'), (2, 'mentee', 'B', 'sms');
                INSERT INTO relationship (id, mentor_id, mentee_id, program, start_date, planned_end, ended_on, end_reason)
                    VALUES (1, 1, 2, 'p', '2026-01-01', '2026-07-01', '2026-03-01', 'Ahmad har fået fast job'),
                        (2, 1, 2, 'p', '2025-01-01', '2025-07-01', '2025-07-01', 'completed'),
                        (3, 1, 2, 'p', '2024-01-01', '2024-07-01', '2024-03-01', 'ended'),
                        (4, 1, 2, 'p', '2023-01-01', '2023-07-01', '2023-02-01', 'mentee-left'),
                        (5, 1, 2, 'p', '2027-01-01', '2027-07-01', NULL, NULL);
                """)
        }
        let store = try Store(path: path)
        let reasons = try store.database.query("SELECT end_reason FROM relationship ORDER BY id") {
            $0.optionalString(0)
        }
        #expect(reasons == ["other", "completed", "other", "mentee-left", nil])
        #expect(try store.relationship(4).endReason == .menteeLeft)
        // The cycle's close at the planned end may be extended; a leader's end stands.
        try store.extend(2, until: LocalDate("2025-09-01")!, now: 0)
        #expect(try store.relationship(2).endedOn == nil)
        #expect(throws: InputError.self) { try store.extend(4, until: LocalDate("2023-09-01")!, now: 0) }
    }

    @Test func aReasonIsOneOfTheCategories() throws {
        #expect(try EndReason.parse(" Mentee-Left ") == .menteeLeft)
        #expect(throws: InputError.self) { try EndReason.parse("Ahmad har fået fast job") }
        #expect(EndReason(stored: "moved") == .moved)
        #expect(EndReason(stored: "flyttet til Aarhus") == .other)
    }
}
