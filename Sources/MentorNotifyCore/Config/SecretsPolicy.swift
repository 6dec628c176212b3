import Foundation
import Notifier

/// What the config refuses so that a secret never lands where others read it: written inline,
/// carried in a URL, or sent in clear to another machine.
extension Config {
    static let inlineSecretKeys = ["password", "token", "secret", "authToken", "apiKey", "webhookSecret"]

    static func refuseInlineSecrets(_ reader: inout JSONReader, fileKey: String) throws(ConfigError) {
        for key in inlineSecretKeys where reader.has(key) {
            throw ConfigError(
                reader.keyPath(key),
                "a secret must not be written in the config; put it in a file readable only by the service and name it in \(fileKey), or use systemd LoadCredential="
            )
        }
    }

    /// A URL that carries a secret (`smtp://user:pass@host`, `?token=...`) would print it in `check`, in
    /// logs and in process listings: refused, without repeating the URL.
    static func refuseSecrets(in url: URL, keyPath: String, fileKey: String) throws(ConfigError) {
        if url.user != nil || url.password != nil {
            throw ConfigError(
                keyPath,
                "must not carry a username or password; use username and \(fileKey) (a file only the service reads)")
        }
        let secretish = ["token", "key", "secret", "pass", "auth", "sig", "credential"]
        for item in URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? [] {
            let name = item.name.lowercased()
            if secretish.contains(where: name.contains) {
                throw ConfigError(
                    keyPath, "must not carry a secret in its query (\(item.name)=...); put it in \(fileKey) instead")
            }
        }
    }

    /// 127.0.0.0/8, ::1 and localhost.
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if bare == "localhost" || bare == "::1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
