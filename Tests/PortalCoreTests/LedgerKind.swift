import Testing

/// The ledgers every ledger test runs against: a SpatiaLite file, and PostGIS when
/// `QAMTU_TEST_POSTGRES_URL` names a server (left out without it, except with `CI=true`, where
/// it stays in and fails for want of the server), as ``StoreKind`` does for the stores.
enum LedgerKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case spatiaLite, postGIS

    /// The kinds this run tests.
    static var allCases: [LedgerKind] {
        PostGISTestServer.prerequisite.shouldRun ? [.spatiaLite, .postGIS] : [.spatiaLite]
    }

    var testDescription: String { rawValue }
}
