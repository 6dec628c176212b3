import Foundation
import MentorModel
import Testing

@testable import MentorStore

/// `changeOptOut`, the one store call every opt-out and opt-in goes through.
@Suite struct OptOutStoreTests {
    /// 008-complaints writes `opt_out_event` anew to allow `complaint`: the rows recorded before stay.
    @Test func theComplaintsMigrationKeepsTheEventsRecordedBefore() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("old.db")
        do {
            let database = try Database(path: path)
            try Schema.migrator.migrate(database, upTo: "006-unsubscribe")
            try database.execute(
                """
                INSERT INTO person (id, role, name, channels) VALUES (1, 'mentee', 'B', 'email');
                INSERT INTO opt_out_event (person_id, program, channel, opted_out, via, at)
                    VALUES (1, 'p', 'email', 1, 'link', 100);
                """)
        }
        let store = try Store(path: path)
        let complaint = OptOutEvent(
            personID: 1, program: "q", channel: .email, optedOut: true, via: .complaint, at: 200)
        #expect(try store.changeOptOut(complaint))
        #expect(!(try store.changeOptOut(complaint)))
        #expect(try store.optOutEvents(from: 0, until: .max).map(\.via) == [.link, .complaint])
        #expect(try store.person(1).programOptOuts == [ProgramOptOut(program: "q", channel: .email)])
        #expect(try store.database.scalarInt("SELECT count(*) FROM pragma_index_list('opt_out_event')") == 1)
    }

    /// Every link and complaint names its program; one that did not would stop the whole channel
    /// rather than keep sending what was asked stopped.
    @Test func aForgottenPersonChangesNoMoreAndAProgramStopWithoutItsProgramStopsTheChannel() throws {
        let folder = TemporaryDirectory()
        let store = try Store(path: folder.file("test.db"))
        let id = try store.addPerson(NewPerson(role: .mentee, name: "Bo", email: "bo@example.dk"))
        let unnamed = OptOutEvent(personID: id, program: nil, channel: .email, optedOut: true, via: .link, at: 1)
        #expect(try store.changeOptOut(unnamed))
        #expect(try store.person(id).optedOut == [.email] && store.person(id).programOptOuts.isEmpty)
        #expect(try store.optOutEvents(from: 0, until: .max) == [unnamed])
        try store.database.run("DELETE FROM opt_out_event")
        try store.forget(id)
        #expect(
            !(try store.changeOptOut(
                OptOutEvent(personID: id, program: nil, channel: .sms, optedOut: true, via: .leader, at: 1))))
        #expect(try store.optOutEvents(from: 0, until: .max).isEmpty)
    }
}
