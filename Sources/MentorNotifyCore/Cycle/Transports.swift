import Foundation
import Notifier
import Transport

/// Builds the transports the config names; the spool when it names none.
enum Transports {
    static func make(_ config: Config, environment: [String: String], control: TransferControl = TransferControl())
        throws -> (any EmailTransport, any SMSTransport)
    {
        let spool = SpoolTransport(directory: config.spool)
        var email: any EmailTransport = spool
        var sms: any SMSTransport = spool
        if let settings = config.email {
            let smtp = SMTPTransport(
                settings: settings, password: try smtpPassword(settings, environment: environment), control: control)
            smtp.envelopeSender = config.replies?.address
            email = smtp
        }
        if let settings = config.sms {
            sms = HTTPSMSTransport(
                settings: settings, token: try smsToken(settings, environment: environment), control: control)
        }
        return (email, sms)
    }

    /// The SMTP password, when a username is configured: from `passwordFile`, systemd's credential
    /// `smtp`, or `$MENTOR_NOTIFY_SMTP_PASSWORD`.
    static func smtpPassword(_ settings: EmailSettings, environment: [String: String]) throws(ConfigError) -> String? {
        guard settings.username != nil else { return nil }
        do {
            return try Secrets.read(
                file: settings.passwordFile, credential: "smtp", variable: "MENTOR_NOTIFY_SMTP_PASSWORD",
                environment: environment)
        } catch {
            throw ConfigError("email.passwordFile", error.what)
        }
    }

    /// The IMAP password: from `passwordFile`, systemd's credential `imap`, or
    /// `$MENTOR_NOTIFY_IMAP_PASSWORD`.
    static func imapPassword(_ settings: IMAPSettings, environment: [String: String]) throws(ConfigError) -> String {
        do {
            return try Secrets.read(
                file: settings.passwordFile, credential: "imap", variable: "MENTOR_NOTIFY_IMAP_PASSWORD",
                environment: environment)
        } catch {
            throw ConfigError("replies.imap.passwordFile", error.what)
        }
    }

    /// GatewayAPI's webhook secret: from `webhookSecretFile`, systemd's credential `sms-webhook`,
    /// or `$MENTOR_NOTIFY_SMS_WEBHOOK_SECRET`, read as every other secret is. A named file that
    /// cannot be read, or that others can read, is a config error; so is no secret at all when the
    /// web endpoint serves GatewayAPI's webhooks (`needed`): either way every real webhook would
    /// be refused without a word. Nil for Twilio, which signs with the SMS token.
    static func smsWebhookSecret(_ settings: SMSSettings, environment: [String: String], needed: Bool)
        throws(ConfigError) -> String?
    {
        guard settings.provider == .gatewayapi else { return nil }
        do {
            return try Secrets.read(
                file: settings.webhookSecretFile, credential: "sms-webhook",
                variable: "MENTOR_NOTIFY_SMS_WEBHOOK_SECRET", environment: environment)
        } catch {
            if settings.webhookSecretFile != nil { throw ConfigError("sms.webhookSecretFile", error.what) }
            guard needed else { return nil }
            throw ConfigError(
                "sms.webhookSecretFile",
                "is needed to verify GatewayAPI's webhooks: name a file that only the service can read, or use "
                    + "LoadCredential=sms-webhook:... in the systemd unit, or set MENTOR_NOTIFY_SMS_WEBHOOK_SECRET")
        }
    }

    /// The SMS gateway's token: from `tokenFile`, systemd's credential `sms`, or
    /// `$MENTOR_NOTIFY_SMS_TOKEN`.
    static func smsToken(_ settings: SMSSettings, environment: [String: String]) throws(ConfigError) -> String {
        do {
            return try Secrets.read(
                file: settings.tokenFile, credential: "sms", variable: "MENTOR_NOTIFY_SMS_TOKEN",
                environment: environment)
        } catch {
            throw ConfigError("sms.tokenFile", error.what)
        }
    }
}
