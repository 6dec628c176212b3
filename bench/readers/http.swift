// The readers of the web endpoint's bodies: the form of a Twilio webhook and the query string, and
// the JSON of a GatewayAPI webhook (Foundation's JSONSerialization, as Webhooks.swift reads it).
import Foundation

let readers =
    Reader.each("form", WorstInput.form) { HTTPForm.fields($0).count }
    + Reader.each("json", WorstInput.json) {
        (try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])?.count ?? -1
    }
