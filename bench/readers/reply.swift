// The readers of inbound email and SMS text (Sources/Replies): MIME, headers, transfer encodings,
// charsets, RFC 2047 words, HTML to text, the reply table.

let readers =
    Reader.each("mail", WorstInput.mail) { bytes in
        guard let mail = try? InboundMail.read(bytes, ownAddresses: ["svar@example.dk"]) else { return -1 }
        return mail.ownText.count + mail.references.count
    }
    + Reader.each("sms", WorstInput.sms) { ReplyReading.ownLines(String(decoding: $0, as: UTF8.self)).count }
