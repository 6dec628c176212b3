import Foundation
import Notifier

/// Builds the transports the config names; the spool when it names none.
enum Transports {
    static func make(_ config: Config, environment: [String: String]) throws -> (any EmailTransport, any SMSTransport) {
        let spool = SpoolTransport(directory: config.spool)
        var email: any EmailTransport = spool
        var sms: any SMSTransport = spool
        if let settings = config.email {
            var password: String?
            if settings.username != nil {
                do {
                    password = try Secrets.read(
                        file: settings.passwordFile, credential: "smtp", variable: "MENTOR_NOTIFY_SMTP_PASSWORD",
                        environment: environment)
                } catch {
                    throw ConfigError("email.passwordFile", error.what)
                }
            }
            email = SMTPTransport(settings: settings, password: password)
        }
        if let settings = config.sms {
            let token: String
            do {
                token = try Secrets.read(
                    file: settings.tokenFile, credential: "sms", variable: "MENTOR_NOTIFY_SMS_TOKEN",
                    environment: environment)
            } catch {
                throw ConfigError("sms.tokenFile", error.what)
            }
            sms = HTTPSMSTransport(settings: settings, token: token)
        }
        return (email, sms)
    }
}
