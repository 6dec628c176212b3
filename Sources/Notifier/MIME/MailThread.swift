/// How a confirmation threads with the reply it answers (RFC 5322 3.6.4): `In-Reply-To` names the
/// reply's Message-ID, `References` the reply's own chain with the reply added, and the subject is
/// the answered message's with `SV:`/`Re:` before it. The Message-IDs come from outside, so each
/// is checked before it is kept or written into a header.
public enum MailThread {
    /// As long as an id we read may be (`MailAddress.messageIDs`); the chain is cut to one header line.
    public static let maxIDBytes = 250
    /// The chain kept: the first message and the newest ones, within one header line's bytes.
    public static let maxReferences = 10
    static let maxChainBytes = 998 - "References: ".utf8.count

    /// A Message-ID (without angle brackets) that may go into a header: `left@right`, printable
    /// ASCII without spaces, angle brackets or line breaks, at most `maxIDBytes` bytes.
    public static func isValid(_ id: some StringProtocol) -> Bool {
        let bytes = id.utf8
        guard bytes.count >= 3, bytes.count <= maxIDBytes else { return false }
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") })
        else { return false }
        guard let at = id.firstIndex(of: "@") else { return false }
        return at != id.startIndex && id.index(after: at) != id.endIndex
    }

    /// What an outbox row keeps to thread its email: the chain, oldest first, separated by spaces,
    /// the reply's own Message-ID last. `references` are the reply's, newest first (as
    /// `InboundMail` reads them). Nil when the reply's Message-ID cannot go into a header: then the
    /// confirmation goes unthreaded rather than carry it.
    public static func stored(messageID: String?, references: [String]) -> String? {
        guard let messageID, isValid(messageID) else { return nil }
        let earlier = references.reversed().filter { isValid($0) && $0 != messageID }
        // The first message of the thread and the newest ones (RFC 5322 3.6.4 keeps the first).
        var chain = earlier.count < maxReferences ? earlier : [earlier[0]] + earlier.suffix(maxReferences - 2)
        chain.append(messageID)
        // Within one header line: the oldest after the first go first.
        while chain.count > 1, bytes(chain) > maxChainBytes {
            chain.remove(at: chain.count > 2 ? 1 : 0)
        }
        return chain.joined(separator: " ")
    }

    private static func bytes(_ chain: [String]) -> Int {
        chain.reduce(0) { $0 + $1.utf8.count + 3 } - 1
    }

    /// The stored chain read back: the id `In-Reply-To` names and the `References` list, oldest
    /// first; nil when nothing in it may go into a header (a row edited by hand).
    public static func headers(_ stored: String?) -> (inReplyTo: String, references: [String])? {
        guard let stored else { return nil }
        let ids = stored.split(separator: " ").filter(isValid).map(String.init)
        guard let last = ids.last else { return nil }
        return (last, ids)
    }
}
