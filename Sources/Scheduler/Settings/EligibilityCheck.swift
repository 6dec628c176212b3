public import MentorModel

extension Eligibility {
    /// The reasons a match would break the program's rules; empty when it is allowed.
    public func violations(mentor: Person, mentee: Person, start: LocalDate) -> [String] {
        var reasons: [String] = []
        if menteeMinAge != nil || menteeMaxAge != nil {
            if let birthdate = mentee.birthdate {
                let age = birthdate.age(on: start)
                if let low = menteeMinAge, age < low {
                    reasons.append("the mentee is \(age) at the start; the program takes mentees from \(low)")
                }
                if let high = menteeMaxAge, age > high {
                    reasons.append("the mentee is \(age) at the start; the program takes mentees up to \(high)")
                }
            } else {
                reasons.append("the mentee has no birthdate, which the program's age rule needs; add --birthdate")
            }
        }
        if let limit = mentorOlderThan {
            if let birthdate = mentor.birthdate {
                let age = birthdate.age(on: start)
                if age <= limit {
                    reasons.append("the mentor is \(age) at the start; the program needs mentors over \(limit)")
                }
            } else {
                reasons.append("the mentor has no birthdate, which the program's age rule needs; add --birthdate")
            }
        }
        if mentorCertificateRequired && mentor.certificate == nil {
            reasons.append(
                "the mentor has no recorded criminal-record and child certificate (straffe- og børneattest); add --certificate DATE"
            )
        }
        return reasons
    }
}
