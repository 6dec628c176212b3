public import Foundation

/// How email leaves: an SMTP server through libcurl.
public struct EmailSettings: Sendable, Hashable {
    public var url: String
    /// `Name <address>` or a bare address.
    public var from: String
    public var username: String?
    public var passwordFile: String?
    public var caFile: String?
    /// STARTTLS required on `smtp://` (false only for a local relay: `"starttls": "none"`).
    public var requireTLS = true
    public var timeoutSeconds = 30
    /// Only for tests against a throwaway certificate; never set from the config.
    public var insecureSkipVerify = false
    /// The name we give in EHLO (`email.heloName`); nil: the domain of `from`.
    public var heloName: String?

    public init(url: String, from: String) {
        self.url = url
        self.from = from
    }

    /// The name given in EHLO: never the machine's short host name, which relays refuse
    /// (Postfix's `reject_non_fqdn_helo_hostname`, at RCPT).
    public var ehloName: String {
        heloName ?? EmailSettings.address(of: from).split(separator: "@").last.map(String.init) ?? "localhost"
    }

    /// The URL handed to libcurl: `url` with the EHLO name as its path, which is where libcurl
    /// takes that name from (lib/smtp.c, `smtp_parse_url_path`; without a path it sends the
    /// machine's host name).
    public var transferURL: String {
        var base = url[...]
        if let scheme = base.range(of: "://") {
            let authority = base[scheme.upperBound...]
            if let end = authority.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
                base = base[..<end]
            }
        }
        var path = ""
        for byte in ehloName.utf8 {
            let plain = EmailSettings.isHostNameByte(byte) || byte == 0x2E
            path += plain ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
        }
        return base + "/" + path
    }

    /// A fully qualified host name, as EHLO wants it (RFC 5321 4.1.1.1): two or more labels of
    /// letters, digits and inner hyphens, at most 63 characters each and 253 in all, the last not
    /// all digits (an IP address is not a host name).
    public static func isHostName(_ name: String) -> Bool {
        let bare = name.hasSuffix(".") ? name.dropLast() : name[...]
        guard !bare.isEmpty, bare.utf8.count <= 253 else { return false }
        let labels = bare.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let last = labels.last, !last.allSatisfy(\.isNumber) else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy(isHostNameByte)
        }
    }

    /// A letter, digit or hyphen in ASCII.
    private static func isHostNameByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D
    }

    /// The address inside `Name <address>`.
    public static func address(of from: String) -> String {
        // By bytes: '<' and '>' are ASCII and never part of another character's UTF-8.
        let bytes = from.utf8
        if let open = bytes.lastIndex(of: UInt8(ascii: "<")), let close = bytes.lastIndex(of: UInt8(ascii: ">")),
            open < close
        {
            return trimmed(from[bytes.index(after: open)..<close])
        }
        return trimmed(from[...])
    }

    /// The display name of `Name <address>`, if any.
    public static func displayName(of from: String) -> String? {
        guard let open = from.lastIndex(of: "<") else { return nil }
        var name = trimmed(from[..<open])[...]
        while name.first == "\"" { name.removeFirst() }
        while name.last == "\"" { name.removeLast() }
        return name.isEmpty ? nil : String(name)
    }

    /// Without leading and trailing blanks (done here rather than with Foundation, which bridges
    /// through NSString and costs more than the rest of building a message).
    static func trimmed(_ text: Substring) -> String {
        // An address as configured or stored: nothing to trim, and no Character to look at.
        if let first = text.utf8.first, let last = text.utf8.last, (0x21..<0x7F).contains(first),
            (0x21..<0x7F).contains(last)
        {
            return String(text)
        }
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
            let last = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(text[first...last])
    }
}

public enum SMSProvider: String, Sendable, Hashable {
    case gatewayapi, twilio
}

/// How SMS leaves: a provider's HTTP API through libcurl.
public struct SMSSettings: Sendable, Hashable {
    public var provider: SMSProvider
    public var url: String
    public var sender: String
    public var tokenFile: String?
    public var accountSid: String?
    public var caFile: String?
    public var timeoutSeconds = 20
    /// GatewayAPI's webhook secret (the JWT key), from a file; Twilio signs with the token.
    public var webhookSecretFile: String?
    /// A word the gateway's inbound number needs first ("MENTOR 3,5"), removed before reading.
    public var replyKeyword: String?
    /// Twilio: where it reports what became of each SMS (`https://PUBLIC/hooks/twilio/status`); the
    /// outbox id rides along as `?outbox=ID`.
    public var statusCallback: String?

    public init(provider: SMSProvider, url: String, sender: String) {
        self.provider = provider
        self.url = url
        self.sender = sender
    }
}

/// Reads a secret from its file, from systemd's `$CREDENTIALS_DIRECTORY`, or from the environment.
public enum Secrets {
    public struct Missing: Error, CustomStringConvertible, Sendable {
        public var what: String
        public var description: String { what }
    }

    /// - Parameters:
    ///   - file: the configured file (`passwordFile`/`tokenFile`), tried first.
    ///   - credential: the name under `$CREDENTIALS_DIRECTORY` (`smtp`, `sms`).
    ///   - variable: the environment variable.
    public static func read(
        file: String?, credential: String, variable: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(Missing) -> String {
        var candidates: [String] = []
        if let file { candidates.append(file) }
        if let directory = environment["CREDENTIALS_DIRECTORY"] { candidates.append(directory + "/" + credential) }
        for path in candidates {
            // systemd keeps $CREDENTIALS_DIRECTORY private to the service; a configured file is ours to check.
            if path == file, let unsafe = exposure(of: path) {
                throw Missing(what: unsafe)
            }
            if let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) {
                let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
                if !secret.isEmpty { return secret }
            } else if path == file {
                throw Missing(
                    what:
                        "cannot read the secret file \(path); check that it exists and is readable by the service user")
            }
        }
        if let value = environment[variable], !value.isEmpty { return value }
        throw Missing(
            what:
                "no \(credential) secret: set passwordFile/tokenFile, LoadCredential=\(credential):... in the unit, or \(variable)"
        )
    }

    /// Why the secret file at `path` is exposed, or nil when only its owner (and group, reading) can
    /// get at it: a secret that others can read, or anyone but its owner can change, is refused.
    public static func exposure(of path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let mode = info.st_mode & 0o777
        if mode & 0o004 != 0 {
            return
                "the secret file \(path) can be read by anyone (mode \(String(mode, radix: 8))); run: chmod 600 \(path)"
        }
        if mode & 0o022 != 0 {
            return "the secret file \(path) can be changed by others than its owner (mode \(String(mode, radix: 8))); "
                + "run: chmod 600 \(path)"
        }
        return nil
    }
}
