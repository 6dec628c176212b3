import Foundation
import MentorModel
import MentorStore
import Notifier
import Transport

/// The channel sections: `email`, `http`, `replies` (with `imap`) and `sms`.
extension Config {
    static func parseEmail(_ reader: inout JSONReader) throws(ConfigError) -> EmailSettings {
        try refuseInlineSecrets(&reader, fileKey: "passwordFile")
        guard let url = try reader.string("url") else {
            throw ConfigError(reader.keyPath("url"), "is missing; write smtps://host:465 or smtp://host:587")
        }
        guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://"), let parsed = URL(string: url), parsed.host != nil
        else {
            throw ConfigError(reader.keyPath("url"), "must start with smtp:// or smtps:// and name a host")
        }
        try refuseSecrets(in: parsed, keyPath: reader.keyPath("url"), fileKey: "passwordFile")
        // libcurl would take a path as the EHLO name: that name is `heloName`, said once.
        guard parsed.path.isEmpty || parsed.path == "/", parsed.query == nil else {
            throw ConfigError(
                reader.keyPath("url"),
                "must be only smtp(s)://host:port, without a path; set the EHLO name in email.heloName")
        }
        guard let from = try reader.string("from") else {
            throw ConfigError(reader.keyPath("from"), "is missing; write e.g. \"Mentorshoppen <noreply@example.dk>\"")
        }
        let address = EmailSettings.address(of: from)
        do {
            _ = try Validate.email(address, field: "from")
            try Validate.text(from, field: "from")
        } catch {
            throw ConfigError(reader.keyPath("from"), error.reason)
        }
        var settings = EmailSettings(url: url, from: from)
        settings.username = try reader.string("username")
        settings.passwordFile = try reader.string("passwordFile")
        settings.caFile = try reader.string("caFile")
        if let helo = try reader.string("heloName") {
            guard EmailSettings.isHostName(helo) else {
                throw ConfigError(
                    reader.keyPath("heloName"), "must be a fully qualified host name, e.g. mail.example.dk")
            }
            settings.heloName = helo
        }
        if let mode = try reader.string("starttls") {
            guard mode == "none" || mode == "required" else {
                throw ConfigError(
                    reader.keyPath("starttls"), "must be \"required\" (the default) or \"none\" for a local relay")
            }
            settings.requireTLS = mode != "none"
            // Without TLS the password and every message cross the network in clear: only a relay on
            // this machine may be spoken to that way.
            if !settings.requireTLS, !Config.isLoopback(parsed.host ?? "") {
                throw ConfigError(
                    reader.keyPath("starttls"),
                    "\"none\" is allowed only for a relay on this machine (127.0.0.1, ::1 or localhost); "
                        + "use smtps:// or STARTTLS for \(parsed.host ?? "the server")")
            }
        }
        settings.timeoutSeconds = try reader.int("timeoutSeconds", min: 1, max: 600) ?? settings.timeoutSeconds
        settings.insecureSkipVerify = false
        try reader.finish()
        return settings
    }

    /// `http`: `listen` (HOST:PORT, checked when `run` binds it) and `publicURL` (https://…).
    static func parseHTTP(_ reader: inout JSONReader) throws(ConfigError) -> HTTPSettings {
        var settings = HTTPSettings(listen: try reader.string("listen"))
        if let listen = settings.listen {
            guard let colon = listen.lastIndex(of: ":"), UInt16(listen[listen.index(after: colon)...]) != nil else {
                throw ConfigError(reader.keyPath("listen"), "must be HOST:PORT, e.g. 127.0.0.1:8480")
            }
        }
        if let url = try reader.string("publicURL") {
            // People's mail programs post to it (RFC 8058 wants https) and gateways sign it: plain
            // http only for a test on this machine.
            guard let parsed = URL(string: url), let host = parsed.host, parsed.query == nil,
                parsed.scheme == "https" || (parsed.scheme == "http" && Config.isLoopback(host))
            else {
                throw ConfigError(
                    reader.keyPath("publicURL"),
                    "must be the https:// address people and gateways reach, e.g. https://mentor.example.dk "
                        + "(plain http only on loopback)")
            }
            settings.publicURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        try reader.finish()
        return settings
    }

    static func parseReplies(_ reader: inout JSONReader) throws(ConfigError) -> RepliesSettings {
        guard let address = try reader.string("address") else {
            throw ConfigError(
                reader.keyPath("address"), "is missing; write the address replies go to, e.g. svar@example.dk")
        }
        _ = try checked(reader.keyPath("address")) { () throws(InputError) in try Validate.email(address) }
        var settings = RepliesSettings(address: address.lowercased())
        if var imap = try reader.object("imap") {
            settings.imap = try parseIMAP(&imap)
        }
        if let id = try reader.string("authservId") {
            // An authserv-id is a domain-like name (RFC 8601 2.5), compared as written by our server.
            guard !id.isEmpty, id.count <= 255,
                id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-_".contains($0)) })
            else {
                throw ConfigError(
                    reader.keyPath("authservId"),
                    "must be the name your receiving mail server writes in Authentication-Results, e.g. mx.example.dk")
            }
            settings.authservId = id.lowercased()
        }
        try reader.finish()
        return settings
    }

    /// A folder the mailbox moves messages to, by a name we can write into a command unquoted.
    private static func folder(_ reader: inout JSONReader, _ key: String, example: String) throws(ConfigError)
        -> String?
    {
        guard let folder = try reader.string(key) else { return nil }
        guard IMAPSettings.isPlainFolderName(folder) else {
            throw ConfigError(
                reader.keyPath(key), "may hold only letters, digits, space, . / - _ (e.g. \"\(example)\")")
        }
        return folder
    }

    static func parseIMAP(_ reader: inout JSONReader) throws(ConfigError) -> IMAPSettings {
        try refuseInlineSecrets(&reader, fileKey: "passwordFile")
        guard let url = try reader.string("url"), url.hasPrefix("imap://") || url.hasPrefix("imaps://"),
            let parsed = URL(string: url), let host = parsed.host
        else {
            throw ConfigError(reader.keyPath("url"), "must be imaps://host/INBOX or imap://host/INBOX (with STARTTLS)")
        }
        try refuseSecrets(in: parsed, keyPath: reader.keyPath("url"), fileKey: "passwordFile")
        guard let username = try reader.string("username"), !username.isEmpty else {
            throw ConfigError(reader.keyPath("username"), "is missing; write the mailbox's login name")
        }
        var settings = IMAPSettings(url: url, username: username)
        guard IMAPSettings.isPlainFolderName(settings.serverAndFolder.folder) else {
            throw ConfigError(
                reader.keyPath("url"), "names a folder with characters other than letters, digits, space, . / - _")
        }
        settings.passwordFile = try reader.string("passwordFile")
        settings.caFile = try reader.string("caFile")
        settings.processedFolder =
            try folder(&reader, "processedFolder", example: "Behandlet") ?? settings.processedFolder
        settings.unreadableFolder =
            try folder(&reader, "unreadableFolder", example: "Ulæselig") ?? settings.unreadableFolder
        if let mode = try reader.string("starttls") {
            guard mode == "none" || mode == "required" else {
                throw ConfigError(reader.keyPath("starttls"), "must be \"required\" (the default) or \"none\"")
            }
            settings.requireTLS = mode != "none"
            // The mailbox password and what people wrote would cross the network in clear.
            if !settings.requireTLS, !Config.isLoopback(host) {
                throw ConfigError(
                    reader.keyPath("starttls"),
                    "\"none\" is allowed only for a server on this machine; use imaps:// or STARTTLS for \(host)")
            }
        }
        settings.timeoutSeconds = try reader.int("timeoutSeconds", min: 1, max: 600) ?? settings.timeoutSeconds
        try reader.finish()
        return settings
    }

    static func parseSMS(_ reader: inout JSONReader) throws(ConfigError) -> SMSSettings {
        try refuseInlineSecrets(&reader, fileKey: "tokenFile")
        guard let name = try reader.string("provider"), let provider = SMSProvider(rawValue: name) else {
            throw ConfigError(reader.keyPath("provider"), "must be \"gatewayapi\" or \"twilio\"")
        }
        guard let url = try reader.string("url"), let parsed = URL(string: url), let host = parsed.host,
            parsed.scheme == "https" || (parsed.scheme == "http" && Config.isLoopback(host))
        else {
            throw ConfigError(
                reader.keyPath("url"), "must be the gateway's https:// address (plain http only on loopback)")
        }
        try refuseSecrets(in: parsed, keyPath: reader.keyPath("url"), fileKey: "tokenFile")
        guard let sender = try reader.string("sender"), !sender.isEmpty,
            sender.count <= 11 || sender.allSatisfy(\.isNumber)
        else {
            throw ConfigError(reader.keyPath("sender"), "must be the sender name (at most 11 characters) or a number")
        }
        var settings = SMSSettings(provider: provider, url: url, sender: sender)
        settings.tokenFile = try reader.string("tokenFile")
        settings.webhookSecretFile = try reader.string("webhookSecretFile")
        settings.replyKeyword = try reader.string("replyKeyword")
        if let keyword = settings.replyKeyword, keyword.isEmpty || keyword.count > 20 || keyword.contains(" ") {
            throw ConfigError(reader.keyPath("replyKeyword"), "must be one word of at most 20 characters, e.g. MENTOR")
        }
        settings.accountSid = try reader.string("accountSid")
        settings.caFile = try reader.string("caFile")
        settings.timeoutSeconds = try reader.int("timeoutSeconds", min: 1, max: 600) ?? settings.timeoutSeconds
        if provider == .twilio && settings.accountSid == nil {
            throw ConfigError(reader.keyPath("accountSid"), "is needed for twilio (the AC... account id)")
        }
        try reader.finish()
        return settings
    }
}
