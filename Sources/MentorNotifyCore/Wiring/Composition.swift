import Desk
import Foundation
import HTTPServer
import MentorModel
import MentorStore
import Notifier
import Transport

/// The one place a config becomes the parts that act on it: the cycle (templates, transports and
/// what the deliverer sends from), the replies mailbox poller and the web endpoint. `tick`, `run`
/// (at start and on every SIGHUP) and `demo` all ask it, so no command can build one part from the
/// new config and forget another.
struct Composition {
    let config: Config
    let environment: [String: String]
    let databasePath: String
    let logger: Logger
    /// The transfers of every part built here, for the daemon to cancel at shutdown.
    var control = TransferControl()

    /// The texts, checked as `check` checks them: one edited so that a long name would push an SMS
    /// past two segments stops the start.
    func catalog() throws -> TemplateCatalog {
        let catalog = try texts()
        try SMSLength.check(catalog, longest: config.smsLongest)
        return catalog
    }

    /// The texts as loaded, not yet checked.
    private func texts() throws -> TemplateCatalog {
        try TemplateCatalog.load(directory: Paths.templates(config.templates))
    }

    /// The cycle on `store` with the texts (`catalog()`), for a tick. Their SMS length check, which
    /// renders every SMS text of every rule at its longest (the largest part of a tick's start-up),
    /// is left out when it passed on this database for the same program, config and texts: their
    /// `IdlePlan.fingerprint`, kept in meta once the check passed.
    func cycle(store: Store) throws -> Cycle {
        let catalog = try texts()
        let fingerprint = IdlePlan.fingerprint(config: config, catalog: catalog)
        if try store.meta(Composition.smsLengthChecked) != fingerprint {
            try SMSLength.check(catalog, longest: config.smsLongest)
            try store.setMeta(Composition.smsLengthChecked, fingerprint)
        }
        let cycle = try cycle(store: store, catalog: catalog)
        cycle.planFingerprint = fingerprint
        return cycle
    }

    static let smsLengthChecked = "sms_length_checked"

    /// The cycle on `store`: the config's transports, and the mailbox poller when answers are read.
    func cycle(store: Store, catalog: TemplateCatalog) throws -> Cycle {
        let (email, sms) = try Transports.make(config, environment: environment, control: control)
        let cycle = Cycle(store: store, config: config, catalog: catalog, logger: logger, email: email, sms: sms)
        cycle.heartbeat = control.heartbeat
        cycle.poller = try poller(store: store, catalog: catalog)
        return cycle
    }

    /// The replies mailbox: IMAP when configured, else the spool's `replies` folder (the demo);
    /// nil when the config reads no answers by email.
    func poller(store: Store, catalog: TemplateCatalog) throws -> MailboxPoller? {
        guard let replies = config.replies else { return nil }
        let mailbox: any ReplyMailbox
        if let imap = replies.imap {
            mailbox = IMAPMailbox(
                settings: imap, password: try Transports.imapPassword(imap, environment: environment), control: control)
        } else {
            mailbox = SpoolMailbox(directory: config.spool + "/replies")
        }
        let core = ReplyCore(store: store, config: config, catalog: catalog, logger: logger)
        // What we send from is ours too: mail from it is a loop, not an answer.
        let from = config.email?.from ?? Cycle.spoolFrom
        return MailboxPoller(
            mailbox: mailbox, core: core, ownAddresses: [replies.address, EmailSettings.address(of: from).lowercased()])
    }

    /// The web endpoint, its secrets read as `check` reads them: one that cannot be read is a
    /// config error here, not a 401 for every webhook.
    func endpoint(catalog: TemplateCatalog) throws -> WebEndpoint {
        WebEndpoint(
            databasePath: databasePath, config: config, catalog: catalog, logger: logger,
            webhooks: try Webhooks.configured(config, environment: environment, needed: true),
            desk: try desk(catalog: catalog))
    }

    /// The leader's desk, when the config enables it: its words checked like the texts. Whoever
    /// this config no longer names as a leader loses their sessions and links here, at the reload.
    func desk(catalog: TemplateCatalog) throws -> DeskEndpoint? {
        guard config.desk.enabled else { return nil }
        let words = try DeskWords.load(directory: Paths.templates(config.templates))
        let actions = DeskActions(config: config, configPath: nil, databasePath: databasePath, logger: logger)
        let (config, environment) = (config, environment)
        let mailer = DeskLinkMailer(config: config, catalog: catalog, logger: logger) {
            try Transports.make(config, environment: environment).0
        }
        let signIn = DeskSignIn(config: config, databasePath: databasePath, mailer: mailer, logger: logger)
        do {
            let today = config.zone.local(Int64(Date().timeIntervalSince1970)).date
            try Store(path: databasePath, migrate: false).endDeskAccess(
                except: Set(DeskLeaders.all(in: config, on: today).keys))
        } catch {
            logger.warning("desk.former-leaders-kept", ["reason": CLI.describe(error).1])
        }
        return DeskEndpoint(actions: actions, words: words, signIn: signIn, logger: logger)
    }

    /// Where the endpoint is served: the socket systemd hands over, else `http.listen`.
    enum Listening: Equatable {
        case systemd(Int32)
        case address(String)
    }

    /// Nil when neither systemd nor the config asks for the endpoint.
    var listening: Listening? {
        if let handed = HTTPServer.systemdSocket(environment: environment) { return .systemd(handed) }
        return config.http?.listen.map { .address($0) }
    }

    /// The listening socket for `listening`: systemd's as it is, or a new one bound to the address.
    static func socket(_ listening: Listening) throws(ConfigError) -> Int32 {
        switch listening {
        case .systemd(let handed): return handed
        case .address(let address):
            do {
                return try HTTPServer.listen(address)
            } catch {
                throw ConfigError("http.listen", error.description)
            }
        }
    }
}

extension Composition {
    /// The parts for the context's config, or for `config` (a reload's, before it is taken).
    init(_ context: Context, config: Config? = nil, control: TransferControl = TransferControl()) {
        self.init(
            config: config ?? context.config, environment: context.environment, databasePath: context.databasePath,
            logger: context.logger, control: control)
    }
}
