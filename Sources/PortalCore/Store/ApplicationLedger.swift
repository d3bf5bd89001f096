import GeoModel
import GeoStorage

/// What the core needs to keep the service applications: users and their token hashes,
/// applications with their private details, and the append-only events, with the workflow's
/// rules enforced inside each write's transaction.
///
/// The `async` writes are answered once their change is on disk (a SpatiaLite ledger commits
/// concurrent writes together); the `…Now` writes commit on the calling thread (a command).
/// The reads block their thread: async callers run them through ``Portal/perform(_:)``.
public protocol ApplicationLedger: AnyObject, Sendable {
    func submit(_ new: NewApplication) async throws -> ServiceApplication
    func submitNow(_ new: NewApplication) throws -> ServiceApplication
    func transition(_ change: ApplicationChange,
                    authorise: @escaping @Sendable (ServiceApplication) throws -> Void) async throws -> ServiceApplication
    func transitionNow(_ change: ApplicationChange, authorise: (ServiceApplication) throws -> Void) throws -> ServiceApplication
    func importApplications(_ items: [(application: NewApplication, changes: [ApplicationChange])]) throws -> [ServiceApplication]
    func application(id: String) throws -> ServiceApplication?
    func applications(_ query: ApplicationQuery) throws -> (matched: Int, items: [ServiceApplication])
    func events(applicationID: String) throws -> [ApplicationEvent]?
    func applicationsWithEvents() throws -> [(application: ServiceApplication, events: [ApplicationEvent])]
    func addUser(name: String, role: UserRole, organisation: String?, tokenID: String, tokenSHA256: [UInt8], at: String) throws -> PortalUser
    func revokeUser(name: String, at: String) throws -> PortalUser
    func users() throws -> [PortalUser]
    func credential(tokenID: String) throws -> (user: PortalUser, secretSHA256: [UInt8])?
}

/// The applications of a SpatiaLite portal file.
extension ApplicationDatabase: ApplicationLedger {}

extension SpatiaLiteStore {
    /// The service applications of the portal file at `path`, migrated to the current schema.
    /// - Parameter concurrent: for a server: WAL, reads beside the writer, group commit.
    public static func openLedger(at path: String, concurrent: Bool) throws -> any ApplicationLedger {
        try ApplicationDatabase.open(at: path, concurrent: concurrent)
    }
}
