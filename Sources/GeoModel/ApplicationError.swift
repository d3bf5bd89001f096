/// A failure of the service-applications workflow. Messages name applications, services, users
/// and fields, never an applicant's personal data (name, IIN, phone, e-mail) or a token.
public enum ApplicationError: CategorizedError, Sendable, Equatable {
    /// No application with this id (or none this user may see at all).
    case unknownApplication(String)
    /// The workflow does not allow `from → to`.
    case forbiddenTransition(id: String, from: ApplicationStatus, to: ApplicationStatus)
    /// The request named `given`, but `current` is the application's version now.
    case staleVersion(id: String, given: Int64, current: Int64)
    /// A submission or transition whose fields are wrong: every problem, one per entry.
    case invalidFields([String])
    /// No token, or one that is unknown or revoked.
    case unauthorised(String)
    /// A valid user who may not do this.
    case forbidden(String)
    /// No user with this name.
    case unknownUser(String)
    /// A user with this name exists already.
    case duplicateUser(String)

    public var category: ErrorCategory {
        switch self {
        case .unknownApplication, .unknownUser: .notFound
        case .forbiddenTransition, .duplicateUser: .conflict
        case .staleVersion: .staleVersion
        case .invalidFields: .invalidContent
        case .unauthorised: .unauthorised
        case .forbidden: .forbidden
        }
    }

    public var description: String {
        switch self {
        case .unknownApplication(let id): "no application '\(id)'"
        case .forbiddenTransition(let id, let from, let to):
            "application '\(id)' is \(from.rawValue): it cannot move to \(to.rawValue)"
                + (from.next.isEmpty ? " (\(from.rawValue) is final)"
                                     : " (allowed: \(from.next.map(\.rawValue).joined(separator: ", ")))")
        case .staleVersion(let id, let given, let current):
            "application '\(id)' has changed: the request names version \(given), the current version is \(current)"
        case .invalidFields(let problems):
            problems.count == 1 ? problems[0] : "\(problems.count) problems: " + problems.joined(separator: "; ")
        case .unauthorised(let why): why
        case .forbidden(let why): why
        case .unknownUser(let name): "no user '\(name)'"
        case .duplicateUser(let name): "a user '\(name)' exists already"
        }
    }
}
