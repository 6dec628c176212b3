import Notifier
import Testing

/// A variable's name is letters (any script's), digits, '_' and '-': ASCII names pass on their
/// bytes, others as Characters, and anything else is refused.
@Suite struct TemplateNameTests {
    @Test(arguments: ["recipient", "contactPhone", "form_mentor", "a-b", "X9", "æble", "navnÅ", "名前"])
    func aNameOfLettersDigitsAndDashesIsTaken(name: String) throws {
        #expect(try Template("Hej {{\(name)}}").variables == [name])
    }

    @Test(arguments: ["a.b", "a b", "a$", "x@y", "ab[", "a`b", "a{b", "a\u{7F}", "a\u{0}b", "æ.ø", ""])
    func anyOtherNameIsRefused(name: String) {
        #expect(throws: Template.ParseError.self) { try Template("Hej {{\(name)}}") }
    }
}
