import Foundation
import MentorModel
import Testing

@testable import Transport

/// GatewayAPI's request body, built as bytes: the very bytes of the JSON text it was built as
/// before (a String put together from `JSONString.literal`s), escaping included.
@Suite struct SMSBodyTests {
    @Test(arguments: [
        "Hej Amira. Caféaften på onsdag kl. 18:00. Hilsen Mentorshoppen",
        "Svar \"JA\" eller \\NEJ\\\npå to linjer\tmed tab og \u{1} styretegn",
        "", String(repeating: "æøå ", count: 80),
    ])
    func theBodyIsTheJSONTextAsBefore(text: String) throws {
        for sender in ["Mentor", "Mentor \"Nord\""] {
            let settings = SMSSettings(provider: .gatewayapi, url: "http://127.0.0.1:1/rest/mtsms", sender: sender)
            let message = SMSPayload(outboxID: 4711, to: "+4513243546", text: text)
            let before =
                "{\"message\":\(JSONString.literal(text)),\"recipients\":[{\"msisdn\":4513243546}],"
                + "\"sender\":\(JSONString.literal(sender)),\"userref\":\"4711\"}"
            let body = try HTTPSMSTransport.body(message, settings: settings)
            #expect(body == Array(before.utf8))
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            #expect(json["message"] as? String == text)
            #expect(json["sender"] as? String == sender)
        }
    }
}
