// Fuzz target: the desk's sign-in reads any bytes as its Cookie header, a link's path, the sign-in
// form and a POST's Origin/Referer without trapping, in time linear in them, and keeps its
// promises: a cookie value or a link token it returns is one we could have made (32 lower-case hex
// digits), the address is at most 254 bytes, and a request comes from our origin only when its
// Origin is exactly ours (or, without one, its Referer is under it).
import Foundation

let ours = "https://mentor.example.dk"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDeskLogin(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let buffer = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: buffer, as: UTF8.self)
    // The Cookie header (one, or split in two where the input says).
    let cut = text.index(text.startIndex, offsetBy: Int(buffer.first ?? 0) % (text.count + 1))
    for headers in [[("cookie", text)], [("cookie", String(text[..<cut])), ("cookie", String(text[cut...]))]] {
        let request = HTTPRequest(method: "GET", path: "/desk/", headers: headers)
        for name in ["__Host-mn-desk", "__Host-mn-desk-login"] {
            if let value = SignInReading.cookie(name, in: request) {
                precondition(SignInReading.isToken(value) && text.contains(value))
            }
        }
    }
    // The link's path.
    if let token = SignInReading.linkToken(path: "/desk/login/" + text) {
        precondition(token == text && SignInReading.isToken(token))
    }
    precondition(SignInReading.linkToken(path: text) == nil || text.hasPrefix("/desk/login/"))
    // The sign-in form.
    if let form = try? Form.parse(buffer) {
        let address = SignInReading.address(form)
        precondition(address.utf8.count <= SignInReading.maxAddress && address == address.lowercased())
    }
    // Where a POST comes from.
    let byOrigin = HTTPRequest(method: "POST", path: "/desk/login", headers: [("origin", text)])
    precondition(SignInReading.comes(from: ours, byOrigin) == (text == ours))
    let byReferer = HTTPRequest(method: "POST", path: "/desk/login", headers: [("referer", text)])
    precondition(!SignInReading.comes(from: ours, byReferer) || text == ours || text.hasPrefix(ours + "/"))
    if let origin = SignInReading.origin(of: text) {
        precondition(origin.hasPrefix("http") || origin.contains("://"))
    }
    return 0
}
