/// Phone numbers as Danes write them in a text: `+45 12 34 56 78`, not `+4512345678`.
public enum PhoneNumbers {
    /// A Danish number (8 digits, with or without +45 or 0045, spaces or not) in pairs after `+45`;
    /// any other number as it was given.
    public static func written(_ number: String) -> String {
        let compact = number.filter { !$0.isWhitespace && $0 != "-" }
        var digits = Substring(compact)
        if digits.hasPrefix("+45") {
            digits = digits.dropFirst(3)
        } else if digits.hasPrefix("0045") {
            digits = digits.dropFirst(4)
        }
        guard digits.count == 8, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return number }
        var pairs: [Substring] = []
        var rest = digits
        while !rest.isEmpty {
            pairs.append(rest.prefix(2))
            rest = rest.dropFirst(2)
        }
        return "+45 " + pairs.joined(separator: " ")
    }

    /// The variables that hold a phone number.
    static let variables = ["contactPhone", "mentorPhone", "menteePhone"]
}
