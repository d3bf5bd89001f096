import Hummingbird
import Logging

/// Turns every error thrown below it into an OGC exception response (``OGCError``), so that no
/// request ends without a JSON body; server faults are logged with their cause, which the
/// client never sees.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let (exception, serverFault) = OGCError.from(error)
            if serverFault {
                context.logger.error("request failed: \(error)", metadata: ["route": "\(context.endpointPath ?? "unmatched")"])
            }
            return exception.response()
        }
    }
}
