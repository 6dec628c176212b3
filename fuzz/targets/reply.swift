// Fuzz target: any bytes read as an inbound email (MIME, charsets, encoded words, bounces, calendar
// answers, the reply table) never trap, and what is kept has the promised bounds: the own text at
// most 2000 characters and never a quoted line, a duration within 1 minute and 24 hours, HTML's
// text at most a few times the HTML. Each input runs within scripts/fuzz.sh's time limit.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReply(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let mail = try? InboundMail.read(bytes, ownAddresses: ["svar@example.dk"]) else { return 0 }
    precondition(mail.ownText.reduce(0) { $0 + $1.count } <= 2000)
    precondition(!mail.ownText.contains { $0.hasPrefix(">") })
    precondition(mail.references.count <= 100)
    if case .reply(.duration(let minutes), _) = mail.kind { precondition((1...1440).contains(minutes)) }
    if case .bounce(let bounce) = mail.kind { precondition(bounce.status.split(separator: ".").count == 3) }
    // The text alone, as an SMS reply would be read, as an HTML body and as a header's words.
    let text = String(decoding: bytes, as: UTF8.self)
    if case .duration(let minutes) = ReplyReading.intent(ofText: text) { precondition((1...1440).contains(minutes)) }
    precondition(HTMLText.plain(text).utf8.count <= 8 * bytes.count + 16)
    _ = EncodedWords.decode(text)
    return 0
}
