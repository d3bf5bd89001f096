import GeoModel
import Hummingbird

/// An error answered as an OGC API exception: an HTTP status and a JSON body
/// `{"code": …, "description": …}` (OGC API – Features, "exception" schema).
///
/// This file is the one place where errors become HTTP statuses: a ``CategorizedError`` of any
/// module maps by its category, Hummingbird's own errors (an unknown route, a body too large)
/// keep their status, and anything else is a 500 whose description says nothing of the cause
/// (the cause is logged).
public struct OGCError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status.
    public let status: HTTPResponse.Status
    /// The OGC exception code, e.g. `InvalidParameterValue`, `NotFound`.
    public let code: String
    /// A description for people; never personal data or SQL.
    public let description: String
    /// Every problem of a submission (422), written as `problems` beside the description.
    public var problems: [String]?
    /// Seconds to wait before asking again (429), sent as `Retry-After`.
    public var retryAfterSeconds: Int?

    /// An exception with an explicit status and code.
    public init(status: HTTPResponse.Status, code: String, description: String) {
        self.status = status
        self.code = code
        self.description = description
    }

    /// 422 `InvalidContent` listing every problem of a submission.
    public static func invalidContent(_ problems: [String]) -> OGCError {
        var error = OGCError(status: .unprocessableContent, code: "InvalidContent",
                             description: ApplicationError.invalidFields(problems).description)
        error.problems = problems
        return error
    }

    /// 428 `PreconditionRequired`: a change without `If-Match`.
    public static func preconditionRequired(_ why: String) -> OGCError {
        OGCError(status: .preconditionRequired, code: "PreconditionRequired", description: why)
    }

    /// 412 `PreconditionFailed`: `If-Match` names no current version.
    public static func preconditionFailed(_ why: String) -> OGCError {
        OGCError(status: .preconditionFailed, code: "PreconditionFailed", description: why)
    }

    /// 429 `TooManyRequests` with `Retry-After`.
    public static func tooManyRequests(_ why: String, retryAfterSeconds: Int) -> OGCError {
        var error = OGCError(status: .tooManyRequests, code: "TooManyRequests", description: why)
        error.retryAfterSeconds = retryAfterSeconds
        return error
    }

    /// 400 `InvalidParameterValue` naming the parameter.
    public static func invalidParameter(_ name: String, _ why: String) -> OGCError {
        OGCError(status: .badRequest, code: "InvalidParameterValue", description: "parameter '\(name)': \(why)")
    }

    /// 404 `NotFound`.
    public static func notFound(_ what: String) -> OGCError {
        OGCError(status: .notFound, code: "NotFound", description: what)
    }

    /// 406 `NotAcceptable`.
    public static func notAcceptable(_ why: String) -> OGCError {
        OGCError(status: .notAcceptable, code: "NotAcceptable", description: why)
    }

    /// The exception for any error thrown while answering a request.
    /// - Returns: the exception and whether it is a server fault (to be logged as an error).
    static func from(_ error: any Error) -> (error: OGCError, serverFault: Bool) {
        if let ogc = error as? OGCError { return (ogc, ogc.status.code >= 500) }
        if case ApplicationError.invalidFields(let problems)? = error as? ApplicationError {
            return (invalidContent(problems), false)
        }
        if let categorized = error as? any CategorizedError {
            let mapped = from(category: categorized.category, message: categorized.description)
            // Unavailable and internal failures are the server's: logged with their cause (which
            // may name files), answered with a generic description.
            return (mapped, categorized.category == .internal || categorized.category == .unavailable)
        }
        if let http = error as? HTTPError {
            let code = http.status == .notFound ? "NotFound" : "HTTPError"
            let text = http.body ?? http.status.reasonPhrase
            return (OGCError(status: http.status, code: code, description: text), http.status.code >= 500)
        }
        if let response = error as? any HTTPResponseError, response.status.code < 500 {
            return (OGCError(status: response.status, code: "HTTPError", description: response.status.reasonPhrase), false)
        }
        return (OGCError(status: .internalServerError, code: "ServerError",
                         description: "the server failed to answer; the failure is logged"), true)
    }

    /// The status and code of each ``ErrorCategory``.
    static func from(category: ErrorCategory, message: String) -> OGCError {
        switch category {
        case .invalidInput: OGCError(status: .badRequest, code: "InvalidParameterValue", description: message)
        case .notFound: OGCError(status: .notFound, code: "NotFound", description: message)
        case .conflict: OGCError(status: .conflict, code: "Conflict", description: message)
        case .staleVersion: OGCError(status: .preconditionFailed, code: "PreconditionFailed", description: message)
        case .invalidContent: OGCError(status: .unprocessableContent, code: "InvalidContent", description: message)
        case .unauthorised: OGCError(status: .unauthorized, code: "Unauthorized", description: message)
        case .forbidden: OGCError(status: .forbidden, code: "Forbidden", description: message)
        case .unavailable: OGCError(status: .serviceUnavailable, code: "ServiceUnavailable",
                                    description: "the database is busy or unavailable; try again shortly")
        case .internal: OGCError(status: .internalServerError, code: "ServerError",
                                 description: "the server failed to answer; the failure is logged")
        }
    }

    /// The exception as a JSON response (`application/json`), never cached.
    func response() -> Response {
        var body = JSONBuffer(capacity: 128 + description.utf8.count)
        body.raw("{\"code\":")
        body.string(code)
        body.raw(",\"description\":")
        body.string(description)
        if let problems {
            body.raw(",\"problems\":[")
            for (index, problem) in problems.enumerated() {
                if index > 0 { body.raw(",") }
                body.string(problem)
            }
            body.raw("]")
        }
        body.raw("}\n")
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body.bytes)))
    }
}
