import Foundation
public import HTTPServer

/// What the desk's sign-in reads from a request before it asks the database anything: the
/// cookies, a link's token, the address typed, where a POST comes from. Pure, bounded, linear in
/// the request (the fuzz target `desklogin` runs it on any bytes).
public enum SignInReading {
    /// The longest address read (RFC 5321's limit for a path).
    public static let maxAddress = 254

    /// Whether `text` could be one of our tokens: exactly 32 lower-case hex digits.
    public static func isToken(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The token of `/desk/login/TOKEN`; nil for any other path or a token we could not have made.
    public static func linkToken(path: String) -> String? {
        let prefix = "/desk/login/"
        guard path.hasPrefix(prefix) else { return nil }
        let token = path.dropFirst(prefix.count)
        return isToken(token) ? String(token) : nil
    }

    /// The first well-formed value (a token's shape) of cookie `name` in the `Cookie` headers.
    public static func cookie(_ name: String, in request: HTTPRequest) -> String? {
        for header in request.headers where header.name == "cookie" {
            for pair in header.value.split(separator: ";") {
                let trimmed = pair.drop { $0 == " " }
                guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals] == name else { continue }
                let value = trimmed[trimmed.index(after: equals)...]
                if isToken(value) { return String(value) }
            }
        }
        return nil
    }

    /// The address in the sign-in form's `email`: trimmed, lower-cased, at most `maxAddress` bytes
    /// (a longer one is no leader's).
    public static func address(_ form: Form) -> String {
        let typed = (form["email"] ?? "").trimmingSpaces
        guard typed.utf8.count <= maxAddress else { return "" }
        return typed.lowercased()
    }

    /// `https://Mentor.example.dk:8443/x` → `https://mentor.example.dk:8443`: scheme and host
    /// lower-cased, the port only when it is not the scheme's own.
    public static func origin(of url: String) -> String? {
        guard url.utf8.count <= 2048, let components = URLComponents(string: url),
            let scheme = components.scheme?.lowercased(), let host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        let defaultPort = scheme == "https" ? 443 : scheme == "http" ? 80 : nil
        let port = components.port.flatMap { $0 == defaultPort ? nil : ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)"
    }

    /// The request comes from `origin`: its `Origin` is exactly that; without `Origin`, its
    /// `Referer` is that origin or a path under it. With neither it does not (every browser sends
    /// one with a form's POST).
    public static func comes(from origin: String, _ request: HTTPRequest) -> Bool {
        if let given = request.header("origin") { return given == origin }
        guard let referer = request.header("referer") else { return false }
        return referer == origin || referer.hasPrefix(origin + "/")
    }
}
