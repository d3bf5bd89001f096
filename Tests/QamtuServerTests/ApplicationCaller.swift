import Testing

/// Who calls the applications API in the role × endpoint matrix: four kinds of failed sign-in,
/// and the users of ``ApplicationsFixture`` by their relation to the application under test (one
/// of ``ApplicationsFixture/owner`` for a service of the water provider).
enum ApplicationCaller: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case noToken = "no token"
    case malformedToken = "malformed token"
    case unknownToken = "unknown token"
    case revokedToken = "revoked token"
    case owner = "applicant who owns it"
    case otherApplicant = "another applicant"
    case provider = "provider of the service's organisation"
    case otherProvider = "provider of another organisation"
    case admin = "admin"

    var testDescription: String { rawValue }

    /// Whether the caller presents no valid token.
    var failsSignIn: Bool { [.noToken, .malformedToken, .unknownToken, .revokedToken].contains(self) }

    /// The token the caller presents as `Bearer …`, nil: no `Authorization` header.
    func token(_ fixture: ApplicationsFixture) -> String? {
        switch self {
        case .noToken: nil
        case .malformedToken: "not-a-qamtu-token"
        // The shape of a token (id of 16 hex digits, 43-character secret) that no user has.
        case .unknownToken: "qamtu_0123456789abcdef_" + String(repeating: "A", count: 43)
        case .revokedToken: fixture.token(ApplicationsFixture.former)
        case .owner: fixture.token(ApplicationsFixture.owner)
        case .otherApplicant: fixture.token(ApplicationsFixture.otherApplicant)
        case .provider: fixture.token(ApplicationsFixture.waterStaff)
        case .otherProvider: fixture.token(ApplicationsFixture.powerStaff)
        case .admin: fixture.token(ApplicationsFixture.office)
        }
    }
}
