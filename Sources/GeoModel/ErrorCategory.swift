/// What kind of failure an error is, independent of the front end that reports it.
///
/// Every module's error type maps each of its cases to one category (``CategorizedError``); the
/// CLI turns categories into exit codes in one place, and the server into HTTP statuses in one
/// place, so that "unknown road" is a 404 on the web and exit code 1 in a shell.
public enum ErrorCategory: String, Sendable, Hashable, CaseIterable {
    /// The request or its input is wrong: a bad parameter, file, geometry or value (HTTP 400).
    case invalidInput = "invalid-input"
    /// A named thing does not exist: a road, district, feature, layer or database (HTTP 404).
    case notFound = "not-found"
    /// The request contradicts the stored state: a duplicate id, a write over a newer version, a
    /// name that matches several features equally well (the candidates listed) (HTTP 409).
    case conflict
    /// The request names a version of a record that is no longer current (a stale `If-Match`):
    /// someone else changed it first (HTTP 412).
    case staleVersion = "stale-version"
    /// A well-formed submission whose fields are wrong: every problem is listed (HTTP 422).
    case invalidContent = "invalid-content"
    /// No or bad credentials (HTTP 401).
    case unauthorised
    /// Credentials are valid but do not allow this (HTTP 403).
    case forbidden
    /// A resource is busy or missing on this machine: a locked database, a library that cannot be
    /// loaded, an interrupted run (HTTP 503).
    case unavailable
    /// A defect or a corrupt store: nothing the caller can fix by asking differently (HTTP 500).
    case `internal`
}

/// An error that knows its ``ErrorCategory`` and has a message for people, without advice on
/// which command to run (front ends add such advice themselves).
public protocol CategorizedError: Error, CustomStringConvertible {
    /// The kind of failure.
    var category: ErrorCategory { get }
}

extension GeoModelError: CategorizedError {
    /// Model errors are all about input: a box, layer, field, filter or file.
    public var category: ErrorCategory {
        switch self {
        case .unknownLayer: .notFound
        case .invalidBoundingBox, .unknownField, .invalidFilter, .invalidFilterText, .unreadable: .invalidInput
        }
    }
}
