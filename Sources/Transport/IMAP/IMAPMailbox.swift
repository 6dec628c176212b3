import CCurl
import Foundation

/// Where answers come back: the address (Reply-To, envelope sender, ORGANIZER) and the mailbox
/// behind it.
public struct RepliesSettings: Sendable, Hashable {
    public var address: String
    public var imap: IMAPSettings?
    /// The name our own receiving server writes in `Authentication-Results`; without it, mail that
    /// names none of our messages is never trusted (SPEC.md "Who is speaking").
    public var authservId: String?

    public init(address: String, imap: IMAPSettings? = nil) {
        self.address = address
        self.imap = imap
    }
}

/// Where replies are read: an IMAP folder, the folder they are moved to once acted on, and the one
/// a message that cannot be read is moved to.
public struct IMAPSettings: Sendable, Hashable {
    /// `imaps://host[:port]/FOLDER` or `imap://host[:port]/FOLDER` (STARTTLS required).
    public var url: String
    public var username: String
    public var passwordFile: String?
    public var processedFolder = "Processed"
    public var unreadableFolder = "Unreadable"
    public var caFile: String?
    public var requireTLS = true
    public var timeoutSeconds = 30
    /// Only for tests against a throwaway certificate; never set from the config.
    public var insecureSkipVerify = false

    public init(url: String, username: String) {
        self.url = url
        self.username = username
    }

    /// The server part of the URL (`imaps://host:993`) and the folder (`INBOX` when none is named).
    public var serverAndFolder: (server: String, folder: String) {
        guard let schemeEnd = url.range(of: "://") else { return (url, "INBOX") }
        let rest = url[schemeEnd.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return (url, "INBOX") }
        let folder = rest[rest.index(after: slash)...].removingPercentEncoding ?? ""
        return (String(url[..<slash]), folder.isEmpty ? "INBOX" : folder)
    }

    /// A folder name we can write into a command and a URL without quoting rules of its own:
    /// letters (`Ulæselig` too: IMAP's modified UTF-7 writes them), digits, space, `.`, `/`, `-`, `_`.
    public static func isPlainFolderName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 100
            && name.unicodeScalars.allSatisfy {
                $0.properties.isAlphabetic || ("0"..."9").contains($0) || " ./-_".unicodeScalars.contains($0)
            }
    }

    /// The name as IMAP writes it (RFC 3501 5.1.3, modified UTF-7): printable ASCII as itself (`&`
    /// as `&-`), any other run as `&`, the base64 of its UTF-16BE with `,` for `/`, and `-`.
    public static func modifiedUTF7(_ name: String) -> String {
        var result = ""
        var run: [UInt8] = []
        func endRun() {
            guard !run.isEmpty else { return }
            let base64 = Data(run).base64EncodedString().replacingOccurrences(of: "=", with: "")
            result += "&" + base64.replacingOccurrences(of: "/", with: ",") + "-"
            run = []
        }
        for scalar in name.unicodeScalars {
            if (0x20...0x7e).contains(scalar.value) {
                endRun()
                result += scalar == "&" ? "&-" : String(scalar)
            } else {
                for unit in String(scalar).utf16 { run += [UInt8(unit >> 8), UInt8(unit & 0xff)] }
            }
        }
        endRun()
        return result
    }
}

/// Why a mailbox could not be read. Always about the mailbox (down, login refused, a folder that
/// cannot be created), never about one message: the cycle logs it once per outage and goes on.
public struct MailboxError: Error, CustomStringConvertible, Sendable, Equatable {
    public var reason: String
    /// The message was larger than we read; the mailbox itself is fine.
    public var tooLarge = false

    public init(_ reason: String, tooLarge: Bool = false) {
        self.reason = reason
        self.tooLarge = tooLarge
    }

    public var description: String { reason }
}

/// A folder that replies arrive in: IMAP, or a spool folder for the demo and tests. Messages are
/// numbered ascending within a generation (IMAP: UIDs within a UIDVALIDITY).
public protocol ReplyMailbox: AnyObject {
    /// The folder's generation and the numbers of the messages after `last` (all of them when the
    /// generation is not `generation`).
    func listNew(after last: Int64, generation: Int64?) throws(MailboxError) -> (generation: Int64, ids: [Int64])
    func fetch(_ id: Int64, generation: Int64) throws(MailboxError) -> [UInt8]
    /// Moves messages (acted on) to the processed folder, several in one command where it can.
    func moveToProcessed(_ ids: [Int64]) throws(MailboxError)
    /// Moves a message that could not be fetched or read to the unreadable folder.
    func moveToUnreadable(_ id: Int64) throws(MailboxError)
    /// The names the leaders know the folders by: where replies arrive, where unreadable ones go.
    var folderNames: (replies: String, unreadable: String) { get }
    /// Throws when the mailbox itself cannot be reached: after one message failed, tells a
    /// message the server will not hand over from a server that is gone.
    func check() throws(MailboxError)
    /// The poll is over: a connection may close.
    func finish()
}

/// An IMAP folder read through libcurl: its UIDVALIDITY and next UID, the UIDs past one we know,
/// a message by UID (the URL form, which libcurl hands over whole), and the move to the processed
/// folder. One connection is kept across the requests of a poll.
public final class IMAPMailbox: ReplyMailbox {
    let settings: IMAPSettings
    let password: String?
    let control: TransferControl
    private var curl: CurlHandle?
    private let server: String
    public let folder: String
    /// The folders created (or found) on this server in this poll.
    private var foldersReady: Set<String> = []
    /// The server refused UID MOVE once: COPY, flag and EXPUNGE from then on.
    private var moveUnsupported = false
    /// Messages larger than this are not fetched whole.
    public var maxMessageBytes = 16 << 20

    public init(settings: IMAPSettings, password: String?, control: TransferControl = TransferControl()) {
        self.settings = settings
        self.password = password
        self.control = control
        (server, folder) = settings.serverAndFolder
    }

    private func handle() throws(MailboxError) -> CurlHandle {
        if let curl { return curl }
        do {
            let curl = try CurlHandle(control: control)
            try curl.configureCommon(
                protocols: "imap,imaps", connectTimeout: min(settings.timeoutSeconds, 15),
                totalTimeout: settings.timeoutSeconds, caFile: settings.caFile, verify: !settings.insecureSkipVerify)
            if server.hasPrefix("imap://") {
                try curl.set(
                    CURLOPT_USE_SSL,
                    settings.requireTLS ? Int(CURLUSESSL_ALL.rawValue) : Int(CURLUSESSL_NONE.rawValue))
            }
            try curl.set(CURLOPT_USERNAME, settings.username)
            try curl.set(CURLOPT_PASSWORD, password ?? "")
            curl.buffers.responseLimit = maxMessageBytes
            self.curl = curl
            return curl
        } catch {
            throw MailboxError(error.reason)
        }
    }

    /// Runs one request: `path` after the server, an optional custom command. Returns what the
    /// server sent through the write callback.
    private func request(path: String, command: String?) throws(MailboxError) -> Data {
        let curl = try handle()
        do {
            try curl.set(CURLOPT_URL, server + "/" + path)
            if let command {
                try curl.set(CURLOPT_CUSTOMREQUEST, command)
            } else {
                try curl.clear(CURLOPT_CUSTOMREQUEST)
            }
        } catch {
            throw MailboxError(error.reason)
        }
        let (code, _, message) = curl.perform()
        guard code == CURLE_OK else {
            let overflow = curl.buffers.responseOverflowed
            // The connection may be mid-literal or mid-command: the next request starts afresh.
            curl.abandoned = true
            self.curl = nil
            if overflow {
                throw MailboxError("the message is larger than \(maxMessageBytes >> 20) MiB", tooLarge: true)
            }
            if code == CURLE_QUOTE_ERROR {
                throw MailboxError(
                    "the IMAP server refused \(command?.split(separator: " ").prefix(2).joined(separator: " ") ?? "the request"): \(message)"
                )
            }
            if code == CURLE_LOGIN_DENIED {
                throw MailboxError("the IMAP server refused the login or the folder: \(message); check replies.imap")
            }
            throw MailboxError(curl.classify(code, message: message).reason)
        }
        return curl.buffers.response
    }

    /// UIDVALIDITY and UIDNEXT of the folder (RFC 3501 6.3.10 STATUS).
    public func status() throws(MailboxError) -> (uidValidity: Int64, uidNext: Int64) {
        let answer = Array(try request(path: "", command: "STATUS \(quoted(folder)) (UIDVALIDITY UIDNEXT)"))
        guard let validity = IMAPAnswer.number(after: "UIDVALIDITY", in: answer),
            let next = IMAPAnswer.number(after: "UIDNEXT", in: answer)
        else {
            throw MailboxError("the IMAP server's STATUS answer for \(folder) has no UIDVALIDITY and UIDNEXT")
        }
        return (validity, next)
    }

    /// UIDs greater than `uid`, ascending (`UID SEARCH UID n:*` also names the last message when
    /// none is newer: it is filtered out).
    public func uids(after uid: Int64) throws(MailboxError) -> [Int64] {
        let answer = try request(path: encodedFolder(folder), command: "UID SEARCH UID \(uid + 1):*")
        return IMAPAnswer.searchUIDs(Array(answer), after: uid)
    }

    /// The whole message (RFC 5092 URL form, checked against UIDVALIDITY by libcurl).
    public func fetch(uid: Int64, uidValidity: Int64) throws(MailboxError) -> [UInt8] {
        Array(try request(path: "\(encodedFolder(folder));UIDVALIDITY=\(uidValidity)/;UID=\(uid)", command: nil))
    }

    /// Moves messages to the processed folder, creating it the first time it is missing. One
    /// command for the set (`UID MOVE 4,7,9`), not a round trip per message.
    public func moveToProcessed(uids: [Int64]) throws(MailboxError) {
        try move(uids: uids, to: settings.processedFolder)
    }

    /// Moves messages to `destination`, creating it the first time it is missing.
    private func move(uids: [Int64], to destination: String) throws(MailboxError) {
        guard !uids.isEmpty else { return }
        let uid = uids.map(String.init).joined(separator: ",")
        if !foldersReady.contains(destination) {
            // CREATE fails when the folder exists (RFC 3501 6.3.3); only a failing move tells more.
            _ = try? request(path: "", command: "CREATE \(quoted(destination))")
            foldersReady.insert(destination)
        }
        let target = quoted(destination)
        if !moveUnsupported {
            do {
                _ = try request(path: encodedFolder(folder), command: "UID MOVE \(uid) \(target)")
                return
            } catch  where error.reason.contains("refused UID MOVE") {
                // RFC 6851 is not everywhere: the long way round, once and for all.
                moveUnsupported = true
            }
        }
        _ = try request(path: encodedFolder(folder), command: "UID COPY \(uid) \(target)")
        _ = try request(path: encodedFolder(folder), command: "UID STORE \(uid) +FLAGS.SILENT (\\Deleted)")
        // UID EXPUNGE (RFC 4315) removes only this message; a plain EXPUNGE also ones others deleted.
        if (try? request(path: encodedFolder(folder), command: "UID EXPUNGE \(uid)")) == nil {
            _ = try request(path: encodedFolder(folder), command: "EXPUNGE")
        }
    }

    public func listNew(after last: Int64, generation: Int64?) throws(MailboxError) -> (generation: Int64, ids: [Int64])
    {
        let (validity, next) = try status()
        let from = validity == generation ? last : 0
        // Nothing new: one STATUS is the whole poll.
        guard next - 1 > from else { return (validity, []) }
        return (validity, try uids(after: from))
    }

    public func fetch(_ id: Int64, generation: Int64) throws(MailboxError) -> [UInt8] {
        try fetch(uid: id, uidValidity: generation)
    }

    public func moveToProcessed(_ ids: [Int64]) throws(MailboxError) {
        try moveToProcessed(uids: ids)
    }

    public func moveToUnreadable(_ id: Int64) throws(MailboxError) {
        try move(uids: [id], to: settings.unreadableFolder)
    }

    public var folderNames: (replies: String, unreadable: String) { (folder, settings.unreadableFolder) }

    public func check() throws(MailboxError) {
        _ = try status()
    }

    /// The connection closes between polls.
    public func finish() {
        curl = nil
    }

    private func quoted(_ name: String) -> String {
        "\"" + IMAPSettings.modifiedUTF7(name) + "\""
    }

    private func encodedFolder(_ name: String) -> String {
        let imapName = IMAPSettings.modifiedUTF7(name)
        return imapName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? imapName
    }
}
