import GeoModel

extension Portal {
    /// Copies this portal's service applications into `target`: every user (number, name, role,
    /// organisation, token id and the stored hash of its secret, created and revoked times), and
    /// every application with its private details and its events, with the same ids, versions
    /// and event numbers, in one transaction of the target. Read in one snapshot of the source.
    ///
    /// Every listing, export and report of the applications from the target then equals the
    /// source's, and every token still signs in.
    /// - Returns: the users, applications and events copied.
    /// - Throws: `unavailable` when this portal keeps no applications; ``PortalError`` (conflict)
    ///   when the target holds users or applications; the ledgers' errors.
    public func copyApplications(to target: any ApplicationLedger) throws -> (users: Int, applications: Int, events: Int) {
        let source = try requireLedger()
        let heldUsers = try target.users().count
        let heldApplications = try target.applications(ApplicationQuery(limit: 0)).matched
        if heldUsers > 0 || heldApplications > 0 {
            throw PortalError(.conflict, "the target already holds \(heldUsers) users and \(heldApplications) applications; a copy fills an empty ledger",
                              commandLineHint: "copy into a new database (`qamtu init --db TARGET`)")
        }
        let users = try source.userCredentials()
        let applications = try source.applicationsWithEvents()
        try target.restore(users: users, applications: applications)
        return (users.count, applications.count, applications.reduce(0) { $0 + $1.events.count })
    }
}
