public import MentorModel

/// How a program's own rules read in its messages (DOMAIN.md "Each program's own rules"). The
/// preset sets them; the templates show a program's sentence only where its setting is on, so no
/// program's rule reaches another program's people.
public struct ProgramWording: Sendable, Hashable {
    /// Who the program's leaders are, as a text names them mid-sentence: "den daglige leder"
    /// (Mentorshoppen), "Djøfs mentorteam", "forbundet" (FKI).
    public var leaderTitle: [Language: String] = [.da: "lederen", .en: "the leader"]
    /// The mentee takes the first contact to book the first meeting (djoef, fki).
    public var menteeTakesFirstContact = false
    /// The pair first meets at a joint meeting at the program's premises (mentorshoppen).
    public var jointFirstMeeting = false
    /// The mentors are volunteers; lab's workplace mentor may be paid staff.
    public var volunteerMentors = true
    /// One who does not want to continue tells the other party first, then the program (djoef).
    public var tellOtherPartyFirst = false
    /// Problems go to the program at once (fki).
    public var problemsAtOnce = false
    /// Evaluation answers stay with the program and go to no municipality or job centre (symb).
    public var answersStayWithProgram = false

    public init() {}

    /// The template variables: the title, and each rule that is on as "yes" (off: absent).
    public func variables(_ language: Language) -> [String: String] {
        var values = ["leaderTitle": leaderTitle[language] ?? leaderTitle[.da] ?? ""]
        let flags = [
            "menteeTakesContact": menteeTakesFirstContact, "jointFirstMeeting": jointFirstMeeting,
            "volunteers": volunteerMentors, "tellOtherFirst": tellOtherPartyFirst, "problemsAtOnce": problemsAtOnce,
            "answersStay": answersStayWithProgram,
        ]
        for (name, on) in flags where on { values[name] = "yes" }
        return values
    }

    /// Each preset's wording, from its seed.
    static func preset(_ preset: String) -> ProgramWording {
        var wording = ProgramWording()
        switch preset {
        case "mentorshoppen":
            // 000: "en daglig leder"; the mentor is chosen for the mentee, first a joint meeting.
            wording.leaderTitle = [.da: "den daglige leder", .en: "the manager"]
            wording.jointFirstMeeting = true
        case "djoef":
            // 001: the mentee books the first meeting; who stops tells the other party, then Djøf.
            wording.leaderTitle = [.da: "Djøfs mentorteam", .en: "Djøf's mentor team"]
            wording.menteeTakesFirstContact = true
            wording.tellOtherPartyFirst = true
        case "fki":
            // 003: the mentee takes the first contact; problems go to the union at once.
            wording.leaderTitle = [.da: "forbundet", .en: "the union"]
            wording.menteeTakesFirstContact = true
            wording.problemsAtOnce = true
        case "symb":
            // 004: the secretariat; evaluations stay with SYMB, nothing goes to the municipality.
            wording.leaderTitle = [.da: "SYMBs sekretariat", .en: "the SYMB secretariat"]
            wording.answersStayWithProgram = true
        case "lab":
            // 002: the job centre; the workplace mentor may be paid staff.
            wording.leaderTitle = [.da: "jobcentret", .en: "the job centre"]
            wording.volunteerMentors = false
        default:
            break
        }
        return wording
    }
}

extension ProgramSettings {
    /// What every text of the program may say about it: its wording, and `finalEvaluation` when
    /// an evaluation follows the end (the closing message promises it only then).
    public func textVariables(_ language: Language) -> [String: String] {
        var values = wording.variables(language)
        if evaluationAtEnd { values["finalEvaluation"] = "yes" }
        return values
    }
}
