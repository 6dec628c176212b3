// Fuzz target: what an SMS gateway or an SMTP server answers (body, header lines, reply lines) is
// read without trapping, and what is kept has the promised shape: a provider id without line
// breaks, a retry delay within a day, a one-line excerpt without digits, a masked server text.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGateway(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let answer = Data(bytes)
    for provider in [SMSProvider.gatewayapi, .twilio] {
        if let id = GatewayAnswer.providerID(answer, provider: provider) {
            precondition(!id.isEmpty || provider == .twilio)
            precondition(id.utf8.count <= 4096)
            if provider == .gatewayapi { precondition(!id.utf8.contains(UInt8(ascii: "]"))) }
        }
    }
    let lines = GatewayAnswer.headerLines(bytes)
    precondition(lines.allSatisfy { !$0.utf8.contains(10) })
    if let delay = GatewayAnswer.retryAfter(lines) { precondition((1...86_400).contains(delay)) }
    let detail = GatewayAnswer.detail(answer)
    // On bytes: a combining mark after ": " joins the space into one Character.
    precondition(detail.isEmpty || detail.utf8.starts(with: ": ".utf8))
    precondition(!detail.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{2028}" || $0 == "\u{2029}" })
    precondition(!detail.unicodeScalars.contains { ("0"..."9").contains($0) })
    // The same bytes as an SMTP dialogue: each line sent and received in turn.
    var dialogue = SMTPDialogue()
    for (index, line) in bytes.split(separator: 10, omittingEmptySubsequences: false).enumerated() {
        if index % 2 == 0 { dialogue.sent(line) } else { dialogue.received(line) }
    }
    precondition(dialogue.lastReply.count <= SMTPDialogue.maxReply)
    if let code = dialogue.replyCode { precondition((0...999).contains(code)) }
    let text = dialogue.serverText
    precondition(!text.unicodeScalars.contains { $0.value < 0x20 || $0 == "\u{2028}" || $0 == "\u{2029}" })
    precondition(text.count <= 161)
    // What a refusal is about, and its shape, from the same reply: any bytes, no trap, no address.
    if let code = dialogue.enhancedCode {
        precondition(
            [2, 4, 5].contains(code.kind) && (0...999).contains(code.subject) && (0...999).contains(code.detail))
    }
    for stage in [SMTPDialogue.Stage.rcpt, .data, .mail] { _ = dialogue.refusal(at: stage) }
    let shape = DeliveryError.refusalShape(text)
    precondition(!shape.split(separator: " ").contains { $0.contains("@") && $0 != "<address>" })
    // A hostname check and the URL built from it take any text.
    var settings = EmailSettings(url: "smtp://relay.example.dk:587", from: "x@example.dk")
    settings.heloName = String(decoding: bytes.prefix(300), as: UTF8.self)
    if EmailSettings.isHostName(settings.ehloName) { precondition(!settings.transferURL.contains("%")) }
    return 0
}
