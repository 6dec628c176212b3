import Foundation
import TestSupport
import Testing

@testable import Transport

/// SMS through libcurl to an HTTP server on loopback acting as each provider.
@Suite(.serialized) struct SMSIntegrationTests {
    func transport(_ provider: SMSProvider, port: Int, timeout: Int = 5) -> HTTPSMSTransport {
        var settings = SMSSettings(provider: provider, url: "http://127.0.0.1:\(port)/rest/mtsms", sender: "Mentor")
        settings.accountSid = "AC123"
        settings.timeoutSeconds = timeout
        return HTTPSMSTransport(settings: settings, token: "test-token")
    }

    let message = SMSPayload(
        outboxID: 42, to: "+4513243546", text: "Hej Amira. Caféaften på onsdag kl. 18:00. Hilsen Mentorshoppen")

    @Test func gatewayAPIGetsJSONWithTokenAndANumericMSISDN() throws {
        let scratch = Scratch()
        let log = scratch.path + "/requests.jsonl"
        let server = try TestServer(script: "sms_server.py", arguments: ["--log", log], folder: scratch.path)
        let sms = transport(.gatewayapi, port: server.port)
        let receipt = try sms.send(message)
        #expect(receipt.providerID == "1001")
        #expect(receipt.segments == 1)
        let request = try #require(scratch.requests(log).first)
        #expect((request["problems"] as? [String]) == [])
        let json = try #require(request["json"] as? [String: Any])
        #expect(json["sender"] as? String == "Mentor")
        #expect(json["message"] as? String == message.text)
        #expect(((json["recipients"] as? [[String: Any]])?.first?["msisdn"] as? Int) == 4_513_243_546)
        // Prepared ahead (as the deliverer does, off the sender thread), it sends the same request.
        let prepared = try sms.prepare(message)
        #expect(prepared.prepared?.segments == 1)
        #expect(prepared.prepared?.body == (try HTTPSMSTransport.body(message, settings: sms.settings)))
        #expect(try sms.send(prepared).providerID == "1002")
        let bodies = scratch.requests(log).map { $0["body"] as? String ?? "" }
        #expect(bodies.count == 2 && !bodies[0].isEmpty && bodies[0] == bodies[1])
        // A number the provider cannot take fails before its turn to be sent.
        var bad = message
        bad.to = "4513243546"
        #expect(throws: DeliveryError.permanent("'4513243546' is not an E.164 number")) { try sms.prepare(bad) }
    }

    @Test func twilioGetsAFormWithBasicAuth() throws {
        let scratch = Scratch()
        let log = scratch.path + "/requests.jsonl"
        let server = try TestServer(
            script: "sms_server.py", arguments: ["--log", log, "--provider", "twilio"], folder: scratch.path)
        let receipt = try transport(.twilio, port: server.port).send(message)
        #expect(receipt.providerID?.hasPrefix("SM") == true)
        let request = try #require(scratch.requests(log).first)
        #expect((request["problems"] as? [String]) == [])
        #expect((request["form"] as? [String: String])?["To"] == "+4513243546")
        #expect((request["form"] as? [String: String])?["Body"] == message.text)
    }

    /// Only the gateway's 4xx about the message fails it; our token, its load or its failure hold
    /// the channel.
    @Test(arguments: [
        ("429", true, "429"), ("500", true, "500"), ("400", false, "400"), ("401", true, "check the SMS token"),
        ("hang", true, "timed out"),
    ])
    func gatewayAnswersAreClassified(mode: String, holdsChannel: Bool, phrase: String) throws {
        let scratch = Scratch()
        let server = try TestServer(
            script: "sms_server.py", arguments: ["--log", scratch.path + "/r", "--mode", mode], folder: scratch.path)
        do {
            _ = try transport(.gatewayapi, port: server.port, timeout: 2).send(message)
            Issue.record("\(mode) was taken as sent")
        } catch {
            #expect(error.holdsChannel == holdsChannel, "\(mode): \(error.reason)")
            #expect(error.isTransient == holdsChannel, "\(mode): \(error.reason)")
            #expect(error.reason.contains(phrase), "\(error.reason)")
            if mode == "429" { #expect(error.kind == .channel(retryAfterSeconds: 7)) }
        }
    }

    @Test func keepAliveAcrossMessages() throws {
        let scratch = Scratch()
        let log = scratch.path + "/requests.jsonl"
        let server = try TestServer(script: "sms_server.py", arguments: ["--log", log], folder: scratch.path)
        let sms = transport(.gatewayapi, port: server.port)
        for _ in 0..<10 { _ = try sms.send(message) }
        #expect(sms.connectionsOpened == 1)
        #expect(Set(scratch.requests(log).compactMap { $0["connection"] as? Int }).count == 1)
    }
}

@Suite struct SMSEncodingTests {
    @Test(arguments: [
        ("Hej æøå ÆØÅ", SMSEncoding.gsm7, 11),
        ("Pris 10€ [ok]", .gsm7, 16),
        ("Caféaften – kl. 18", .ucs2, 18),
        ("Godmorgen 🌞", .ucs2, 12),
    ])
    func encodingAndUnits(text: String, encoding: SMSEncoding, units: Int) {
        let (found, count) = SMSEncoding.units(of: text)
        #expect(found == encoding)
        #expect(count == units)
    }

    @Test(arguments: [(160, 1), (161, 2), (306, 2), (307, 3)])
    func gsmSegments(length: Int, segments: Int) {
        #expect(SMSEncoding.segments(String(repeating: "a", count: length)) == segments)
    }

    @Test(arguments: [(70, 1), (71, 2), (134, 2), (135, 3)])
    func ucs2Segments(length: Int, segments: Int) {
        #expect(SMSEncoding.segments(String(repeating: "–", count: length)) == segments)
    }
}
