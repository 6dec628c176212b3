// The readers of what servers answer: an SMS gateway's body and header lines, an SMTP dialogue,
// and the reason made of a server's words.
import Foundation

let readers =
    Reader.each("gateway answer", WorstInput.gatewayBody) { bytes in
        let answer = Data(bytes)
        return [SMSProvider.gatewayapi, .twilio].map { GatewayAnswer.providerID(answer, provider: $0)?.utf8.count ?? 0 }
            .reduce(GatewayAnswer.detail(answer).utf8.count, +)
    }
    + Reader.each("gateway headers", WorstInput.gatewayHeaders) {
        GatewayAnswer.retryAfter(GatewayAnswer.headerLines($0)) ?? 0
    }
    + Reader.each("smtp dialogue", WorstInput.smtp) { bytes in
        var dialogue = SMTPDialogue()
        for (index, line) in bytes.split(separator: 10, omittingEmptySubsequences: false).enumerated() {
            if index % 2 == 0 { dialogue.sent(line) } else { dialogue.received(line) }
        }
        return dialogue.serverText.utf8.count
    }
    + Reader.each("reason", WorstInput.smtp) { ReasonText.masked(String(decoding: $0, as: UTF8.self)).utf8.count }
