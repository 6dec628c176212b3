/// How far an SMTP transaction got, read from libcurl's debug stream: the verb of the last command
/// we sent and the server's last reply line. It tells a refusal of this message (RCPT, DATA) from a
/// refusal of us (greeting, AUTH, MAIL), and carries the server's own words into the reason.
///
/// Only the verb of a command is read: an AUTH continuation line carries credentials and is never
/// kept. Bytes from the network: every function takes any input without trapping (`make fuzz`).
struct SMTPDialogue: Sendable, Equatable {
    enum Stage: String, Sendable {
        case connect, greeting, ehlo, starttls, auth, mail, rcpt, data

        /// The stages where the server answers about this one message.
        var concernsMessage: Bool { self == .rcpt || self == .data }
    }

    private(set) var stage: Stage = .connect
    /// The last reply line (at most `maxReply` bytes), without its line end.
    private(set) var lastReply: [UInt8] = []
    static let maxReply = 200
    /// QUIT was sent (libcurl says goodbye after a failure): what follows is not the answer that
    /// counts, and is not read.
    private var closing = false

    /// A new transfer: nothing sent or received yet (on a reused connection no greeting comes).
    mutating func reset() {
        stage = .connect
        closing = false
        lastReply.removeAll(keepingCapacity: true)
    }

    /// A command line we sent.
    mutating func sent<Bytes: Collection<UInt8>>(_ line: Bytes) {
        guard !closing else { return }
        var verb: [UInt8] = []
        for byte in line.prefix(9) {
            guard (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) else { break }
            verb.append(byte & 0xDF)
        }
        // A verb is followed by a space, a colon or the line end; anything else is an AUTH
        // continuation (base64), which leaves the stage where it is.
        if verb.count < line.count {
            let next = line[line.index(line.startIndex, offsetBy: verb.count)]
            guard next == 0x20 || next == 0x3A || next == 0x0D || next == 0x0A else { return }
        }
        switch String(decoding: verb, as: UTF8.self) {
        case "EHLO", "HELO": stage = .ehlo
        case "STARTTLS": stage = .starttls
        case "AUTH": stage = .auth
        case "MAIL": stage = .mail
        case "RCPT": stage = .rcpt
        case "DATA": stage = .data
        case "QUIT", "RSET": closing = true
        default: break
        }
    }

    /// A reply line from the server.
    mutating func received<Bytes: Collection<UInt8>>(_ line: Bytes) {
        guard !closing else { return }
        if stage == .connect { stage = .greeting }
        guard let first = line.first, (0x30...0x39).contains(first) else { return }
        var kept = Array(line.prefix(SMTPDialogue.maxReply))
        while let last = kept.last, last == 0x0A || last == 0x0D { kept.removeLast() }
        lastReply = kept
    }

    /// The reply code of the last reply line, if it has one.
    var replyCode: Int? {
        guard lastReply.count >= 3, lastReply.prefix(3).allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(String(decoding: lastReply.prefix(3), as: UTF8.self))
    }

    /// The server's words, on one line, with addresses and long digit runs masked: a server's
    /// refusal often names the recipient, and a reason reaches logs and leaders.
    var serverText: String {
        ReasonText.masked(String(decoding: lastReply, as: UTF8.self))
    }
}
