// Fuzz target: whatever arrives as a webhook's signature or token (and the parameters it covers)
// is checked without trapping, and a random input never verifies.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebhook(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    precondition(!GatewayAPISignature.verify(token: text, secret: Array("fuzz-secret".utf8)) || text.count > 20)
    let fields = text.split(separator: "&").prefix(50).map { pair -> (String, String) in
        let parts = pair.split(separator: "=", maxSplits: 1)
        return (String(parts.first ?? ""), parts.count > 1 ? String(parts[1]) : "")
    }
    precondition(
        !TwilioSignature.verify(url: "https://mentor.example.dk/hooks/twilio/inbound", parameters: fields,
            authToken: "token", signature: text))
    return 0
}
