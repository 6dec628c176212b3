// Fuzz target: the MIME builder either refuses a header or builds a message in which no input can
// start a header of its own; the quoted-printable body decodes back to the input. The fourth part
// is a reply's Message-IDs (its own first): the thread kept of them fits one header line.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMIME(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let parts = text.split(separator: "\u{1}", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
    let subject = parts.first ?? ""
    let body = parts.count > 1 ? parts[1] : ""
    let name = parts.count > 2 ? parts[2] : "Mentorshoppen"
    let ids = parts.count > 3 ? parts[3].components(separatedBy: " ") : []
    var message = MailMessage(from: "\(name) <noreply@example.dk>", to: "a@example.dk", subject: subject, body: body,
                              messageID: "m.1@example.dk", date: Date(timeIntervalSince1970: 1_795_000_000))
    if let thread = MailThread.headers(MailThread.stored(messageID: ids.first, references: Array(ids.dropFirst()))) {
        message.inReplyTo = thread.inReplyTo
        message.references = thread.references
    }
    guard let rendered = try? message.rendered() else { return 0 }
    let head = rendered.components(separatedBy: "\r\n\r\n").first ?? ""
    for line in head.components(separatedBy: "\r\n") {
        // Every header line is a known header or a folded continuation.
        precondition(line.hasPrefix(" ") || ["Date:", "From:", "To:", "Subject:", "Message-ID:", "MIME-Version:",
            "Auto-Submitted:", "X-Auto-Response-Suppress:", "Content-Type:", "Content-Transfer-Encoding:",
            "In-Reply-To:", "References:"]
            .contains { line.hasPrefix($0) }, "injected header line: \(line)")
        precondition(!line.contains("\n") && !line.contains("\r"))
        if line.hasPrefix("References:") || line.hasPrefix("In-Reply-To:") { precondition(line.utf8.count <= 998) }
    }
    // Quoted-printable decodes back to the text (line ends as CRLF).
    let encoded = MIMEEncoding.quotedPrintable(body)
    precondition(encoded.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 })
    precondition(decodeQP(encoded) == crlf(Array(body.utf8)))
    return 0
}

/// Line ends as CRLF, on bytes (Foundation's replacingOccurrences compares with canonical
/// equivalence, so "\n" before a combining mark would not match: found by this target).
func crlf(_ bytes: [UInt8]) -> [UInt8] {
    var output: [UInt8] = []
    var index = 0
    while index < bytes.count {
        if bytes[index] == 13 && index + 1 < bytes.count && bytes[index + 1] == 10 {
            index += 1
            continue
        }
        if bytes[index] == 10 { output.append(13) }
        output.append(bytes[index])
        index += 1
    }
    return output
}

func decodeQP(_ text: String) -> [UInt8] {
    var output: [UInt8] = []
    let bytes = Array(text.utf8)
    var index = 0
    func hex(_ byte: UInt8) -> UInt8 { byte <= 57 ? byte - 48 : byte - 55 }
    while index < bytes.count {
        if bytes[index] == 61 {
            if index + 2 < bytes.count && bytes[index + 1] == 13 && bytes[index + 2] == 10 {
                index += 3
            } else {
                output.append(hex(bytes[index + 1]) << 4 | hex(bytes[index + 2]))
                index += 3
            }
        } else {
            output.append(bytes[index])
            index += 1
        }
    }
    return output
}
