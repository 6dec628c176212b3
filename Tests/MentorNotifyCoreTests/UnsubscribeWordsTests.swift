import Foundation
import MentorModel
import Notifier
import Scheduler
import Testing

@testable import MentorNotifyCore

/// The unsubscribe page's words live in `templates/LANG/words.txt`: every outcome, in both
/// languages, with and without a program and a contact, reads as written out here (the Swift that
/// wrote the page before the move, with the wording of issue 23).
@Suite struct UnsubscribeWordsTests {
    /// The page's text, written out.
    static func before(
        _ outcome: WebEndpoint.UnsubscribeOutcome, _ language: Language, program: ProgramSettings?, on day: LocalDate
    ) -> UnsubscribePage.Text {
        let name = program?.name ?? (language == .da ? "os" : "us")
        var regret = ""
        if let contact = program?.contactPerson(on: day) {
            let how = [contact.phone.map(PhoneNumbers.written), contact.email].compactMap { $0 }.first
            regret =
                language == .da
                ? "Fortryder du, så kontakt \(contact.name)" + (how.map { " på \($0)" } ?? "") + "."
                : "If you change your mind, contact \(contact.name)" + (how.map { " at \($0)" } ?? "") + "."
        }
        let da = language == .da
        switch outcome {
        case .ask:
            return UnsubscribePage.Text(
                title: da ? "Afmeld e-mails fra \(name)" : "Stop emails from \(name)",
                paragraphs: [
                    da
                        ? "Tryk på knappen, så sender vi dig ikke flere e-mails fra \(name)."
                        : "Press the button and we won't send you any more emails from \(name).",
                    da
                        ? "Får du også sms'er fra os, kommer de stadig."
                        : "If we also send you text messages, those will carry on.",
                ], button: da ? "Afmeld e-mails" : "Unsubscribe")
        case .done, .alreadyDone:
            let first =
                switch (outcome == .done, da) {
                case (true, true): "Du får ikke flere e-mails fra \(name)."
                case (false, true): "Du var allerede afmeldt e-mails fra \(name)."
                case (true, false): "You won't receive any more emails from \(name)."
                case (false, false): "You had already stopped emails from \(name)."
                }
            return UnsubscribePage.Text(
                title: da ? "Du er afmeldt" : "You have been unsubscribed",
                paragraphs: [first, regret].filter { !$0.isEmpty }, button: nil)
        case .unknownLink:
            return UnsubscribePage.Text(
                title: "Linket virker ikke",
                paragraphs: [
                    "Linket er ikke gyldigt. Vil du afmelde e-mails, så svar »stop« på en af vores e-mails, "
                        + "eller kontakt afsenderen.",
                    "This link is not valid. To stop our emails, reply STOP to one of them, or contact the sender.",
                ], button: nil)
        }
    }

    @Test func everyPageReadsAsBefore() throws {
        let catalog = try TemplateCatalog.load(
            directory: CLIHarness.repository.appendingPathComponent("templates").path)
        let day = try #require(LocalDate(year: 2026, month: 4, day: 20))
        var programs: [ProgramSettings?] = [nil]
        for leader in [
            Leader(name: "Elias Berg", email: "elias@example.dk", phone: "+4512345678"),
            Leader(name: "Karin Holm", email: "karin@example.dk"), Leader(name: "Ole", phone: "+4587654321"),
        ] {
            var program = ProgramSettings.preset("symb", id: "symb", name: "Mentorshoppen Holstebro")
            program?.leaders = [leader]
            programs.append(program)
        }
        var noLeader = ProgramSettings.preset("symb", id: "symb")
        noLeader?.leaders = []
        programs.append(noLeader)
        for outcome in [WebEndpoint.UnsubscribeOutcome.ask, .done, .alreadyDone, .unknownLink] {
            for language in Language.allCases {
                for program in programs {
                    let now = try UnsubscribePage.text(outcome, language, program: program, on: day, catalog: catalog)
                    let then = Self.before(outcome, language, program: program, on: day)
                    #expect(now.title == then.title && now.button == then.button, "\(outcome) \(language)")
                    #expect(now.paragraphs == then.paragraphs, "\(outcome) \(language) \(program?.leaders ?? [])")
                }
            }
        }
    }
}
