import GeoModel

/// The application core: Qamtu's use cases over one ``PortalStore``.
///
/// Each use case takes a typed request and returns a typed result (which a writer of the core
/// or of the Coverage module writes to an ``OutputSink``), or writes a stream of features to a
/// sink itself. The CLI parses its arguments into a request, makes one call and writes; the
/// server does the same from a URL. The synchronous methods block their thread; from async code
/// call ``perform(_:)`` or the `async` variants, which run them on ``BlockingExecutor/shared``.
public struct Portal: Sendable {
    /// The store the use cases read.
    public let store: any PortalStore
    /// Where async calls run their blocking work; nil: ``BlockingExecutor/shared``, started on
    /// first use (a CLI command that never awaits starts no threads).
    private let chosenExecutor: BlockingExecutor?
    /// Receives notes for people while a use case runs (features left out, progress of long
    /// steps): the CLI prints them on standard error, the server logs them.
    public let notify: @Sendable (String) -> Void
    /// The point layers' tile indexes, per change token.
    let tileIndexes = TileIndexCache()
    /// The service applications (users, applications, events); nil when this portal does not
    /// keep them (a read-only server): their use cases then fail as unavailable.
    public let ledger: (any ApplicationLedger)?

    /// The core over `store` (and `ledger` for the service applications); async calls run on
    /// `executor`; notes go to `notify`.
    public init(store: any PortalStore, ledger: (any ApplicationLedger)? = nil, executor: BlockingExecutor? = nil,
                notify: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.ledger = ledger
        chosenExecutor = executor
        self.notify = notify
    }

    /// Where async calls run their blocking work.
    public var executor: BlockingExecutor { chosenExecutor ?? .shared }

    /// Runs `body` with this portal on a thread of the executor, never on Swift's cooperative
    /// pool, and returns its result.
    public func perform<T: Sendable>(_ body: @escaping @Sendable (Portal) throws -> T) async throws -> T {
        let portal = self
        return try await executor.run { try body(portal) }
    }

    /// What the store holds: schema, layer counts, whether the site pack is current.
    public func status() throws -> StoreStatus { try store.status() }
}
