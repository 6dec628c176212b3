/// The unguessable part of our Message-IDs (`mn.<32 hex digits>@domain`), found again in the
/// `In-Reply-To` and `References` of a reply or in the headers a bounce returns.
public enum MessageToken {
    static let prefix = "mn."

    /// The token of one of our Message-IDs (without angle brackets), or nil for anyone else's.
    public static func token(in messageID: String) -> String? {
        guard messageID.hasPrefix(prefix), let at = messageID.firstIndex(of: "@") else { return nil }
        let token = messageID[messageID.index(messageID.startIndex, offsetBy: prefix.count)..<at]
        return isToken(token) ? String(token) : nil
    }

    /// 32 lower-case hex digits: 128 bits from SQLite's `randomblob`.
    static func isToken(_ text: Substring) -> Bool {
        text.count == 32 && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}

/// The unguessable part of an invitation's `UID` (`mi.<32 hex digits>.<event>`): a calendar's
/// Yes/No often names no Message-ID, and its UID proves the answer as a Message-ID does. Each
/// outbox row with an invitation has its own token, so the same invitation sent again keeps its UID.
public enum InvitationToken {
    static let prefix = "mi."

    /// `cafe-x-2026-04-23T17:00@mentor-notify` with a token → `mi.<token>.cafe-x-…@mentor-notify`.
    public static func uid(_ event: String, token: String?) -> String {
        token.map { prefix + $0 + "." + event } ?? event
    }

    /// The token of one of our invitations' UIDs, or nil for anyone else's.
    public static func token(inUID uid: String) -> String? {
        guard uid.hasPrefix(prefix) else { return nil }
        let rest = uid.dropFirst(prefix.count)
        let token = rest.prefix(32)
        guard MessageToken.isToken(token), rest.dropFirst(32).first == "." else { return nil }
        return String(token)
    }
}
