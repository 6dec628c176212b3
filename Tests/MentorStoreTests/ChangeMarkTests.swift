import Foundation
import MentorModel
import Testing

@testable import MentorStore

/// The change mark moves on every write planning could see, from any connection, and is not
/// trusted when a table lacks its triggers (a table added without them would change unseen).
@Suite struct ChangeMarkTests {
    @Test func everyTableButTheUntrackedOnesMovesTheMark() throws {
        let folder = TemporaryDirectory()
        let store = try Store(path: folder.file("test.db"))
        #expect(try ChangeMark.uncovered(store.database).isEmpty)
        let start = try #require(try store.changeMark())
        let mentor = try store.addPerson(NewPerson(role: .mentor, name: "Mentor", email: "m@example.dk"))
        let afterPerson = try #require(try store.changeMark())
        #expect(afterPerson > start)
        // The cycle's own bookkeeping does not.
        try store.setMeta("last_cycle", "1")
        #expect(try store.changeMark() == afterPerson)
        // Another connection's write (a command in another process) does.
        let other = try Store(path: folder.file("test.db"))
        try other.database.execute("UPDATE person SET name = 'Mentor B' WHERE id = \(mentor)")
        #expect(try store.changeMark() ?? 0 > afterPerson)
    }

    @Test func aTableWithoutTheTriggersMakesTheMarkUntrusted() throws {
        let folder = TemporaryDirectory()
        let store = try Store(path: folder.file("test.db"))
        try store.database.execute("CREATE TABLE later_table (id INTEGER PRIMARY KEY)")
        #expect(try ChangeMark.uncovered(store.database) == ["later_table"])
        #expect(try store.changeMark() == nil)
    }
}
