import Foundation
import TestSupport
import Testing

@testable import HTTPServer

/// The bodies the web endpoint reads, each given its worst input at 256 KiB: a Twilio webhook's
/// form (WorstInput.form) and a GatewayAPI webhook's JSON, read by JSONSerialization as
/// Webhooks.swift does (WorstInput.json). A quadratic path would fail at the time limit; the
/// speed is measured by bench/readers.sh.
@Suite(.timeLimit(.minutes(1)))
struct BodyWorstInputTests {
    @Test(arguments: WorstInput.form)
    func form(_ input: WorstInput.Case) async {
        let fields = await WorstInput.read(input) { HTTPForm.fields($0).count }
        #expect((fields ?? 0) <= 100)
    }

    @Test(arguments: WorstInput.json)
    func json(_ input: WorstInput.Case) async {
        await WorstInput.read(input) { _ = try? JSONSerialization.jsonObject(with: Data($0)) }
    }
}
