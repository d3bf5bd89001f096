import Foundation
import GeoModel
import Hummingbird
import HummingbirdCore
import Logging
import PortalCore
import Prometheus
import ServiceLifecycle
import UnixSignals

/// The server's composition root: opens the store, builds the router with its middleware and
/// routes, and returns the application that `qamtu serve` runs and tests drive.
public enum QamtuServerApplication {
    /// The application for `configuration`: the database opened read-only through a pool of
    /// ``ServerConfiguration/poolSize`` connections, OGC API – Features routes, `/health` and
    /// `/metrics`; `drain` counts its requests and refuses new ones once it drains (see ``run(_:logger:)``).
    /// - Throws: the store's errors when the database cannot be opened (missing, not a Qamtu file).
    public static func build(_ configuration: ServerConfiguration, logger: Logger,
                             drain: ShutdownDrain = ShutdownDrain()) async throws -> some ApplicationProtocol {
        let path = configuration.databasePath
        let size = configuration.poolSize
        let store: any PortalStore
        let ledger: (any ApplicationLedger)?
        if PostGISStore.isURL(path) {
            // A PostGIS database through the store's own connection pool; writable, the service
            // applications share it (several servers may serve one database: every write is one
            // transaction that bumps the change counter each server's ChangeWatcher polls).
            // Writable, the workflow's transactions hold connections while they wait for their
            // commits: the pool has room for them beside the reads.
            let writable = configuration.writable
            let connections = writable ? size + Self.workflowConnections : size
            let postGIS = try await BlockingExecutor.shared.run { try PostGISStore.open(url: path, readOnly: !writable, connections: connections) }
            ledger = writable ? postGIS.ledger : nil
            store = postGIS
        } else {
            // The ledger first: it switches the file to WAL before the readers open it.
            ledger = configuration.writable
                ? try await BlockingExecutor.shared.run { try SpatiaLiteStore.openLedger(at: path, concurrent: true) } : nil
            store = try await BlockingExecutor.shared.run { try PooledStore.openSpatiaLite(at: path, size: size) }
        }
        let portal = Portal(store: store, ledger: ledger, notify: { note in logger.info("\(note)") })
        let changes = try await portal.perform { try ChangeWatcher(portal: $0, logger: logger) }
        let router = buildRouter(portal: portal, configuration: configuration, changes: changes, drain: drain, logger: logger)
        let decoder = HTTP1Channel.Configuration.DecoderConfiguration(
            maxHeaderFieldSize: configuration.maximumHeaderBytes, maxHeaderListSize: configuration.maximumHeaderBytes,
            maxHeaderFieldCount: 100)
        return Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: .seconds(60), httpDecoderConfiguration: decoder)),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Qamtu"),
            services: [changes],
            logger: logger)
    }

    /// The connections a writable server on PostGIS opens beyond its pool size, for the service
    /// applications' write transactions.
    static let workflowConnections = 8

    /// Runs the server until SIGTERM or SIGINT, then drains (``ShutdownDrain``: new requests get
    /// 503, those in flight finish and their bytes leave) before Hummingbird shuts down.
    /// - Throws: what ``build(_:logger:drain:)`` throws, and the server's failures.
    public static func run(_ configuration: ServerConfiguration, logger: Logger) async throws {
        let drain = ShutdownDrain()
        let application = try await build(configuration, logger: logger, drain: drain)
        let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        let watcher = Task {
            for await signal in signals {
                logger.notice("\(signal): finishing the requests in flight, then stopping")
                await drain.drain()
                await group.triggerGracefulShutdown()
                break
            }
        }
        defer { watcher.cancel() }
        // The database as the store names it (a URL without its password).
        let served = PostGISStore.isURL(configuration.databasePath)
            ? PostGISStore.displayLocation(configuration.databasePath) : configuration.databasePath
        logger.notice("serving \(served) at \(configuration.linkBase) (\(configuration.poolSize) connections\(configuration.writable ? ", service applications writable" : ""))")
        try await group.run()
    }

    /// The router with every route and middleware (outermost first): access log and metrics,
    /// CORS, OGC exceptions for every error, the request guard (limits, malformed paths), gzip,
    /// and ETag / 304.
    static func buildRouter(portal: Portal, configuration: ServerConfiguration, changes: ChangeWatcher,
                            drain: ShutdownDrain, logger: Logger) -> Router<QamtuRequestContext> {
        let registry = PrometheusCollectorRegistry()
        let router = Router(context: QamtuRequestContext.self, options: .autoGenerateHeadEndpoints)
        let writable = portal.ledger != nil
        router.add(middleware: AccessMiddleware(registry: registry, logger: logger, drain: drain))
        router.add(middleware: CORSMiddleware(allowOrigin: .all,
                                              allowHeaders: [.accept, .acceptEncoding, .ifNoneMatch, .contentType]
                                                  + (writable ? [.authorization, .ifMatch] : []),
                                              allowMethods: writable ? [.get, .head, .options, .post] : [.get, .head, .options],
                                              exposedHeaders: ["ETag", "Content-Encoding"]
                                                  + (writable ? ["Location", "Retry-After", "WWW-Authenticate"] : []),
                                              maxAge: .seconds(3600)))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: RequestGuardMiddleware(maximumTargetLength: configuration.maximumTargetLength,
                                                      writablePrefix: writable ? ApplicationsAPI.pathPrefix : nil,
                                                      maximumBodyBytes: configuration.maximumBodyBytes))
        router.add(middleware: GzipMiddleware())
        router.add(middleware: ConditionalMiddleware(changes: changes))
        let urls = URLBuilder(base: configuration.linkBase)
        let features = FeaturesAPI(portal: portal, catalog: .portal, urls: urls, changes: changes,
                                   responseCacheBytes: configuration.responseCacheBytes)
        features.register(on: router)
        let analysis = AnalysisAPI(portal: portal, features: features, changes: changes, registry: registry)
        analysis.register(on: router)
        TilesAPI(portal: portal, urls: urls, catalog: .portal, changes: changes, analysis: analysis,
                 cacheBytes: configuration.tileCacheBytes).register(on: router)
        RoadsAPI(portal: portal).register(on: router)
        ReportsAPI(portal: portal).register(on: router)
        MapAPI(portal: portal, assetsDirectory: configuration.mapAssetsDirectory, logger: logger).register(on: router)
        if writable {
            ApplicationsAPI(portal: portal, urls: urls,
                            limiter: AuthenticationLimiter(maximumFailures: configuration.maximumFailedSignIns,
                                                           windowSeconds: configuration.authenticationWindowSeconds),
                            maximumBodyBytes: configuration.maximumBodyBytes, trustedProxies: configuration.trustedProxies,
                            changes: changes).register(on: router)
        }
        router.get("/health") { _, _ in
            let token = try await portal.perform { try $0.store.changeToken() }
            return FeaturesAPI.json(.members(["status": "ok", "changeToken": .string(String(UInt64(bitPattern: token), radix: 16))]))
        }
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        return router
    }
}
