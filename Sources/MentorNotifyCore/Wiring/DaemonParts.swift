import Foundation
import HTTPServer
import MentorModel
import MentorStore
import Notifier
import Synchronization

/// What `run` keeps running from one config: the cycle with its mailbox poller, and the web
/// endpoint with the server it answers on. A reload builds the whole set from the new config
/// before anything is swapped, so a config that cannot be built leaves the old set running.
final class DaemonParts {
    private(set) var cycle: Cycle
    let store: Store
    private let logger: Logger
    /// What the server's threads answer with; a reload replaces it behind them.
    private let endpoint = CurrentEndpoint()
    private var server: HTTPServer?
    private var listening: Composition.Listening?

    init(_ composition: Composition, store: Store) throws {
        self.store = store
        logger = composition.logger
        let catalog = try composition.catalog()
        cycle = try composition.cycle(store: store, catalog: catalog)
        try serve(composition, catalog: catalog)
    }

    /// Rebuilds the cycle, the poller and the endpoint from `composition`'s config. The listening
    /// socket is kept while the address stays; a new address is bound before the old one is
    /// closed. Throws, and changes nothing, when a part cannot be built or the address bound.
    func reload(_ composition: Composition) throws {
        let catalog = try composition.catalog()
        let next = try composition.cycle(store: store, catalog: catalog)
        try serve(composition, catalog: catalog)
        cycle = next
    }

    /// Serves the endpoint for `composition`'s config, or stops serving when it asks for none.
    private func serve(_ composition: Composition, catalog: TemplateCatalog) throws {
        let wanted = composition.listening
        let nextEndpoint = try wanted.map { _ in try composition.endpoint(catalog: catalog) }
        var nextServer = server
        if wanted != listening {
            nextServer = try wanted.map { [endpoint, logger] in
                HTTPServer(
                    socket: try Composition.socket($0), log: { logger.warning($0, ["reason": $1]) },
                    handler: { endpoint.handle($0) })
            }
        }
        // Nothing above changed what runs; from here nothing throws.
        if let nextEndpoint { endpoint.replace(with: nextEndpoint) }
        guard wanted != listening else { return }
        // Requests in progress on the old socket get the grace a message in flight gets.
        server?.stop(grace: 3)
        server = nextServer
        listening = wanted
        if let server {
            server.start()
            logger.info("http-start", ["port": String(server.port)])
        }
    }

    /// Stops serving: requests in progress get the grace a message in flight gets.
    func stop() {
        server?.stop(grace: 3)
    }
}

/// The endpoint the server's threads answer with; SIGHUP replaces it, and a request already
/// being answered finishes with the one it started with.
final class CurrentEndpoint: Sendable {
    private let current = Mutex<WebEndpoint?>(nil)

    func replace(with endpoint: WebEndpoint) {
        current.withLock { $0 = endpoint }
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        guard let endpoint = current.withLock({ $0 }) else { return .refusal(503) }
        return endpoint.handle(request)
    }
}
