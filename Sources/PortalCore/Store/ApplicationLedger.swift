import GeoModel
import GeoStorage
import PostGISStorage

/// What the core needs to keep the service applications: users and their token hashes,
/// applications with their private details, and the append-only events, with the workflow's
/// rules enforced inside each write's transaction.
///
/// The `async` writes are answered once their change is on disk (a SpatiaLite ledger commits
/// concurrent writes together); the `…Now` writes commit on the calling thread (a command).
/// The reads block their thread: async callers run them through ``Portal/perform(_:)``.
public protocol ApplicationLedger: AnyObject, Sendable {
    /// Stores a new `received` application (id assigned) with its first event; returns once on disk.
    /// - Throws: `ApplicationError.invalidFields` for an unknown service.
    func submit(_ new: NewApplication) async throws -> ServiceApplication
    /// ``submit(_:)`` in a transaction of its own, on the calling thread.
    func submitNow(_ new: NewApplication) throws -> ServiceApplication
    /// Moves an application, after checking its version and the workflow and calling
    /// `authorise` with the current application (it throws to refuse), with its event, in one
    /// transaction; returns once on disk.
    /// - Throws: `ApplicationError.unknownApplication`, `.staleVersion`, `.forbiddenTransition`,
    ///   and what `authorise` throws.
    func transition(_ change: ApplicationChange,
                    authorise: @escaping @Sendable (ServiceApplication) throws -> Void) async throws -> ServiceApplication
    /// ``transition(_:authorise:)`` in a transaction of its own, on the calling thread.
    func transitionNow(_ change: ApplicationChange, authorise: (ServiceApplication) throws -> Void) throws -> ServiceApplication
    /// Stores applications with their histories in one transaction, all or nothing.
    func importApplications(_ items: [(application: NewApplication, changes: [ApplicationChange])]) throws -> [ServiceApplication]
    /// The application with this id, with its private details; nil when there is none.
    func application(id: String) throws -> ServiceApplication?
    /// The applications `query` selects, in id order, and how many it selects without its page.
    func applications(_ query: ApplicationQuery) throws -> (matched: Int, items: [ServiceApplication])
    /// The application's events, oldest first; nil when there is no such application.
    func events(applicationID: String) throws -> [ApplicationEvent]?
    /// Every application with its events, in id order, read in one transaction.
    func applicationsWithEvents() throws -> [(application: ServiceApplication, events: [ApplicationEvent])]
    /// Adds a user whose token has this id and secret hash (SHA-256, 32 bytes).
    /// - Throws: `ApplicationError.duplicateUser`.
    func addUser(name: String, role: UserRole, organisation: String?, tokenID: String, tokenSHA256: [UInt8], at: String) throws -> PortalUser
    /// Revokes the user's token. - Throws: `ApplicationError.unknownUser`.
    func revokeUser(name: String, at: String) throws -> PortalUser
    /// Every user, by number.
    func users() throws -> [PortalUser]
    /// The user of a token id and the stored hash of its secret; nil for an unknown id.
    func credential(tokenID: String) throws -> (user: PortalUser, secretSHA256: [UInt8])?
    /// Every user with its token id and stored hash (SHA-256 of the secret), by number: what a copy carries.
    func userCredentials() throws -> [(user: PortalUser, tokenID: String, tokenSHA256: [UInt8])]
    /// Stores users and applications with their events exactly as another ledger holds them
    /// (numbers, ids in the given order, versions, event numbers), in one transaction: a copy
    /// into an empty ledger.
    func restore(users: [(user: PortalUser, tokenID: String, tokenSHA256: [UInt8])],
                 applications: [(application: ServiceApplication, events: [ApplicationEvent])]) throws
}

/// The applications of a SpatiaLite portal file.
extension ApplicationDatabase: ApplicationLedger {}

/// The applications of a PostGIS portal: every write one transaction, safe with several
/// processes on the database (see ``PostGISDatabase``'s workflow).
extension PostGISDatabase: ApplicationLedger {}

extension SpatiaLiteStore {
    /// The service applications of the portal file at `path`, migrated to the current schema.
    /// - Parameters:
    ///   - concurrent: for a server: WAL, reads beside the writer, group commit.
    ///   - readOnly: for reading only: the file is never changed (an older schema is refused).
    public static func openLedger(at path: String, concurrent: Bool, readOnly: Bool = false) throws -> any ApplicationLedger {
        try ApplicationDatabase.open(at: path, concurrent: concurrent && !readOnly, readOnly: readOnly)
    }
}
