import Foundation
import MentorModel
import Testing

@testable import MentorStore

/// A forløb's life in the store (extend, end, reopen, evaluations) and the SQLite wrapper's
/// guarantees (savepoints, argument counts, migrations from the future).
@Suite(.serialized) struct LifecycleTests {
    func world(_ folder: TemporaryDirectory) throws -> (Store, Int64) {
        let store = try Store(path: folder.file("life.db"))
        let mentor = try store.addPerson(NewPerson(role: .mentor, name: "Mentor", email: "m@example.dk"))
        let mentee = try store.addPerson(NewPerson(role: .mentee, name: "Mentee", email: "e@example.dk"))
        let id = try store.addRelationship(
            mentor: mentor, mentee: mentee, program: "p", start: LocalDate("2026-01-05")!,
            plannedEnd: LocalDate("2026-07-05")!)
        return (store, id)
    }

    @Test func extendMovesTheEndAndReopensWhatTheCycleClosed() throws {
        let folder = TemporaryDirectory()
        let (store, id) = try world(folder)
        try store.extend(id, until: LocalDate("2026-08-05")!, now: 0)
        #expect(try store.relationship(id).plannedEnd == LocalDate("2026-08-05"))
        // The cycle closes it at its planned end; an extension afterwards reopens it.
        #expect(try store.closeCompleted(today: LocalDate("2026-08-05")!) == 1)
        #expect(try store.relationship(id).endedOn == LocalDate("2026-08-05"))
        try store.extend(id, until: LocalDate("2026-10-01")!, now: 0)
        let reopened = try store.relationship(id)
        #expect(reopened.endedOn == nil && reopened.plannedEnd == LocalDate("2026-10-01"))
        #expect(reopened.isActive(on: LocalDate("2026-09-01")!))
        // An end before the start, or an extension of a forløb ended by hand, is refused.
        #expect(throws: InputError.self) { try store.extend(id, until: LocalDate("2026-01-01")!, now: 0) }
        try store.end(id, on: LocalDate("2026-09-01")!, reason: .moved, now: 0)
        #expect(try store.relationship(id).effectiveEnd == LocalDate("2026-09-01"))
        #expect(throws: InputError.self) { try store.extend(id, until: LocalDate("2026-12-01")!, now: 0) }
        #expect(throws: InputError.self) { try store.end(id, on: LocalDate("2025-12-01")!, reason: .other, now: 0) }
    }

    @Test func anEvaluationIsRecordedByRole() throws {
        let folder = TemporaryDirectory()
        let (store, id) = try world(folder)
        try store.write {
            _ = try store.addEvaluation(Evaluation(relationshipID: id, by: .mentee, date: LocalDate("2026-04-06")!))
        }
        let evaluations = try store.evaluations(since: LocalDate("2026-01-01")!)
        #expect(evaluations.map(\.by) == [.mentee] && evaluations.first?.relationshipID == id)
    }

    @Test func aNestedWriteIsASavepointThatUndoesOnlyItsOwnPart() throws {
        let folder = TemporaryDirectory()
        let (store, _) = try world(folder)
        try store.write {
            try store.setMeta("outer", "1")
            do {
                try store.write {
                    try store.setMeta("inner", "1")
                    throw InputError("x", "refused")
                }
            } catch {}
            try store.setMeta("after", "1")
        }
        #expect(try store.meta("outer") == "1")
        #expect(try store.meta("after") == "1")
        #expect(try store.meta("inner") == nil, "the failed inner part was rolled back alone")
    }

    @Test func aStatementWithTheWrongNumberOfArgumentsIsRefused() throws {
        let folder = TemporaryDirectory()
        let (store, _) = try world(folder)
        #expect(throws: StoreError.self) { try store.database.run("SELECT ? + ?", [1]) }
        #expect(throws: StoreError.self) { try store.database.run("SELECT ?", [1, 2]) }
    }

    @Test func aDatabaseFromANewerVersionIsRefused() throws {
        let folder = TemporaryDirectory()
        let (store, _) = try world(folder)
        try store.database.run(
            "INSERT INTO schema_migrations (id, applied_at) VALUES ('999-future', datetime('now'))")
        do {
            _ = try Store(path: folder.file("life.db"))
            Issue.record("a newer database was opened")
        } catch let error as StoreError {
            #expect(error.code == .newerSchema && error.message.contains("999-future"))
        }
    }
}
