import Foundation
import Testing

@testable import WebhookAuth

@Suite struct SignatureTests {
    /// Twilio's published example (twilio.com/docs/usage/security).
    @Test func twilioPublishedTestVector() {
        let parameters = [
            ("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"),
            ("From", "+12349013030"), ("To", "+18005551212"),
        ]
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
        #expect(
            TwilioSignature.expected(url: url, parameters: parameters, authToken: "12345")
                == "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
        #expect(
            TwilioSignature.verify(
                url: url, parameters: parameters, authToken: "12345", signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ="))
        #expect(
            !TwilioSignature.verify(
                url: url, parameters: parameters + [("Extra", "1")], authToken: "12345",
                signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ="))
        #expect(
            !TwilioSignature.verify(
                url: url, parameters: parameters, authToken: "54321", signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ="))
        #expect(!TwilioSignature.verify(url: url, parameters: parameters, authToken: "12345", signature: ""))
    }

    /// The HS256 example of RFC 7519's tooling (jwt.io's default token and secret).
    @Test func gatewayAPIJWT() {
        let token =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
        let secret = Array("your-256-bit-secret".utf8)
        #expect(GatewayAPISignature.verify(token: token, secret: secret))
        #expect(!GatewayAPISignature.verify(token: token, secret: Array("another secret".utf8)))
        // A changed payload, a stripped signature, alg none: all fail.
        let parts = token.split(separator: ".").map(String.init)
        #expect(!GatewayAPISignature.verify(token: parts[0] + ".eyJzdWIiOiIxIn0." + parts[2], secret: secret))
        #expect(!GatewayAPISignature.verify(token: parts[0] + "." + parts[1] + ".", secret: secret))
        let none = Data(#"{"alg":"none","typ":"JWT"}"#.utf8).base64EncodedString().replacingOccurrences(
            of: "=", with: "")
        #expect(!GatewayAPISignature.verify(token: none + "." + parts[1] + ".", secret: secret))
        #expect(!GatewayAPISignature.verify(token: "garbage", secret: secret))
    }

    /// Only a header whose `alg` is exactly HS256, and a signature by the secret, count: no
    /// near-spelling, no other algorithm keyed with the secret, no header naming two.
    @Test func onlyExactlyHS256Verifies() {
        let secret = Array("s3cret".utf8)
        func encode(_ text: String) -> String {
            Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let payload = encode(#"{"id":1,"msisdn":4512256664,"message":"ja"}"#)
        func token(_ header: String, _ digest: ([UInt8], [UInt8]) -> [UInt8] = HMACDigest.sha256) -> String {
            let signed = encode(header) + "." + payload
            let signature = Data(digest(secret, Array(signed.utf8))).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            return signed + "." + signature
        }
        #expect(GatewayAPISignature.verify(token: token(#"{"alg":"HS256"}"#), secret: secret))
        for header in [#"{"alg":"HS256 "}"#, #"{"alg":"hs256"}"#, #"{"alg":["HS256"]}"#, #"{"typ":"JWT"}"#] {
            #expect(!GatewayAPISignature.verify(token: token(header), secret: secret), "\(header)")
        }
        #expect(!GatewayAPISignature.verify(token: token(#"{"alg":"HS1"}"#, HMACDigest.sha1), secret: secret))
        // Padding, or a signature made for another header, fails too.
        #expect(!GatewayAPISignature.verify(token: token(#"{"alg":"HS256"}"#) + "=", secret: secret))
    }

    @Test func hmacMatchesRFC4231() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let digest = HMACDigest.sha256(key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8))
        #expect(
            digest.map { String(format: "%02x", $0) }.joined()
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(HMACDigest.equal([1, 2, 3], [1, 2, 3]) && !HMACDigest.equal([1, 2, 3], [1, 2, 4]))
        #expect(!HMACDigest.equal([], []) && !HMACDigest.equal([1], [1, 2]))
    }
}
