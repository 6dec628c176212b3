import Foundation
import MentorModel
import TestSupport
import Testing

@testable import Transport

/// The readers of what servers answer, each given its worst input at 256 KiB: an SMS gateway's
/// body and header lines, an SMTP dialogue and the reason made of the server's words. A quadratic
/// path would fail at the time limit; the speed is measured by bench/readers.sh.
@Suite(.timeLimit(.minutes(1)))
struct AnswerWorstInputTests {
    @Test(arguments: WorstInput.gatewayBody)
    func gatewayBody(_ input: WorstInput.Case) async {
        await WorstInput.read(input) { bytes in
            let answer = Data(bytes)
            _ = GatewayAnswer.providerID(answer, provider: .gatewayapi)
            _ = GatewayAnswer.providerID(answer, provider: .twilio)
            _ = GatewayAnswer.detail(answer)
        }
    }

    @Test(arguments: WorstInput.gatewayHeaders)
    func gatewayHeaders(_ input: WorstInput.Case) async {
        await WorstInput.read(input) { _ = GatewayAnswer.retryAfter(GatewayAnswer.headerLines($0)) }
    }

    @Test(arguments: WorstInput.smtp)
    func smtp(_ input: WorstInput.Case) async {
        await WorstInput.read(input) { bytes in
            var dialogue = SMTPDialogue()
            for (index, line) in bytes.split(separator: 10, omittingEmptySubsequences: false).enumerated() {
                if index % 2 == 0 { dialogue.sent(line) } else { dialogue.received(line) }
            }
            _ = dialogue.serverText
            _ = ReasonText.masked(String(decoding: bytes, as: UTF8.self))
        }
    }
}
