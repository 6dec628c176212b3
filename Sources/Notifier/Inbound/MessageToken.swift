/// The unguessable part of our Message-IDs (`mn.<32 hex digits>@domain`), found again in the
/// `In-Reply-To` and `References` of a reply or in the headers a bounce returns.
public enum MessageToken {
    static let prefix = "mn."

    /// The token of one of our Message-IDs (without angle brackets), or nil for anyone else's.
    public static func token(in messageID: String) -> String? {
        guard messageID.hasPrefix(prefix), let at = messageID.firstIndex(of: "@") else { return nil }
        let token = messageID[messageID.index(messageID.startIndex, offsetBy: prefix.count)..<at]
        guard token.count == 32, token.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        return String(token)
    }
}
