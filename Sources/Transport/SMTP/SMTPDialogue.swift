import MentorModel

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

    /// The enhanced status code (RFC 3463) after the reply code: `550 5.1.1 …` gives (5, 1, 1).
    var enhancedCode: (kind: Int, subject: Int, detail: Int)? {
        guard lastReply.count > 4, lastReply[3] == 0x20 || lastReply[3] == 0x2D else { return nil }
        var numbers: [Int] = []
        var digits = 0
        var value = 0
        for byte in lastReply.dropFirst(4) {
            if (0x30...0x39).contains(byte) {
                guard digits < 3 else { return nil }
                value = value * 10 + Int(byte - 0x30)
                digits += 1
            } else if byte == 0x2E, digits > 0, numbers.count < 2 {
                numbers.append(value)
                (value, digits) = (0, 0)
            } else {
                break
            }
        }
        guard numbers.count == 2, digits > 0, [2, 4, 5].contains(numbers[0]) else { return nil }
        return (numbers[0], numbers[1], value)
    }

    /// What a refusal at RCPT or DATA is about: the recipient or the message (it fails that message),
    /// or us (our sender, our EHLO name, our right to relay: it holds the channel). Postfix says the
    /// last ones only at RCPT (`smtpd_delay_reject`), and a relay that refuses us refuses everyone.
    enum Refusal: Equatable {
        case recipient, sender, helo, relay, other
    }

    /// What the last reply refuses, for now (4xx) or for good (5xx), read at `stage`. By the
    /// enhanced code when there is one (x.1.x and x.2.x name the mailbox, 5.3.4 at DATA a message
    /// too big); a server without enhanced codes is read by its basic code (550-553 and 450 at RCPT,
    /// 552 at DATA are about the mailbox; RFC 5321 4.2.2) unless its words say the refusal is about
    /// us. Greylisting defers one sender-recipient pair, whatever code it gives (RFC 6647).
    func refusal(at stage: Stage) -> Refusal {
        let lower = String(decoding: lastReply, as: UTF8.self).lowercased()
        if lower.contains("sender address rejected") { return .sender }
        if lower.contains("helo command rejected") { return .helo }
        if lower.contains("relay access denied") || lower.contains("relaying denied") { return .relay }
        guard let reply = replyCode, (400..<600).contains(reply) else { return .other }
        // 421: the server is closing the connection (RFC 5321 3.8), whatever else it says.
        if reply == 421 { return .other }
        if reply < 500, lower.contains("greylist") || lower.contains("graylist") { return .recipient }
        if let code = enhancedCode {
            switch (stage, code.subject, code.detail) {
            // 5.1.7 and 5.1.8 name the sender's address and domain, not the recipient's.
            case (_, 1, 7), (_, 1, 8): return .sender
            case (.rcpt, 1, _), (.rcpt, 2, _), (.data, 2, _), (.data, 3, 4): return .recipient
            default: return .other
            }
        }
        switch (stage, reply) {
        case (.rcpt, 550...553), (.rcpt, 450), (.data, 552): return .recipient
        default: return .other
        }
    }
}
