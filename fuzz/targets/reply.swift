// Fuzz target: any bytes read as an inbound email (MIME, charsets, encoded words, bounces, feedback
// reports, robots' marks, calendar answers, the reply table, Authentication-Results, the forward's
// text) never trap, and what is kept has the promised bounds: the own text at most 2000 characters
// and never a quoted line, a duration within 1 minute and 24 hours, a reason or a feedback type at
// most 40 characters, a bounce's reason masked, no `://` left in a forward, HTML's text at most a
// few times the HTML. Each input runs within scripts/fuzz.sh's time limit.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReply(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let mail = try? InboundMail.read(bytes, ownAddresses: ["svar@example.dk"]) else { return 0 }
    precondition(mail.ownText.reduce(0) { $0 + $1.count } <= 2000)
    precondition(!mail.ownText.contains { $0.hasPrefix(">") })
    precondition(mail.references.count <= 100)
    if case .reply(.duration(let minutes), _) = mail.kind { precondition((1...1440).contains(minutes)) }
    if case .bounce(let bounce) = mail.kind {
        precondition(bounce.status.split(separator: ".").count == 3)
        // The reason is masked and on one line, whatever the diagnostic says.
        let reason = bounce.reason
        precondition(reason.count <= 221)
        precondition(!reason.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{2028}" || $0 == "\u{2029}" })
        precondition(!reason.split(separator: " ").contains { word in word.contains("@") && !word.contains("***@") })
    }
    // Whoever wrote the headers, reading them proves nothing unless our server's says so.
    _ = AuthenticationResults.dmarcPass(mail.authenticationResults, authservID: "mx.example.dk", fromDomain: "example.dk")
    if case .complaint(let complaint) = mail.kind { precondition(complaint.feedbackType.count <= 40) }
    if case .automatic(let reason) = mail.kind { precondition(reason.count <= 40) }
    // The text alone, as an SMS reply would be read, as an HTML body and as a header's words.
    let text = String(decoding: bytes, as: UTF8.self)
    // The same, as one Authentication-Results value (a top-level ours decides), and as a forward:
    // nothing in it left as a scheme's `://`.
    if let header = AuthenticationResults.parse(text), header.authservID.isEmpty { preconditionFailure("empty id") }
    let forwarded = Array(ForwardText.unlinked(text))
    for index in forwarded.indices.dropLast(2) where forwarded[index] == ":" {
        precondition(!(forwarded[index + 1] == "/" && forwarded[index + 2] == "/"))
    }
    if case .duration(let minutes) = ReplyReading.intent(ofText: text) { precondition((1...1440).contains(minutes)) }
    precondition(HTMLText.plain(text).utf8.count <= 8 * bytes.count + 16)
    _ = EncodedWords.decode(text)
    return 0
}
