import Foundation
import Hummingbird
import Logging
import Prometheus

/// One access line per request (method, route, status, milliseconds; never the path or query,
/// which may carry names or places a person looked up) and the Prometheus metrics of `/metrics`: requests by
/// route and status, their durations, and the requests in flight.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let registry: PrometheusCollectorRegistry
    let logger: Logger
    let inFlight: Gauge
    let drain: ShutdownDrain

    init(registry: PrometheusCollectorRegistry, logger: Logger, drain: ShutdownDrain) {
        self.registry = registry
        self.logger = logger
        self.drain = drain
        inFlight = registry.makeGauge(name: "qamtu_http_requests_in_flight", help: "Requests being answered")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        inFlight.increment()
        let drain = self.drain
        var response: Response
        if !drain.enter() {
            // Shutting down: refused, and the connection closed after the answer.
            response = OGCError(status: .serviceUnavailable, code: "ServiceUnavailable",
                                description: "the server is shutting down").response()
            response.headers[.connection] = "close"
        } else {
            do {
                response = try await next(request, context)
            } catch {
                // The error middleware answers every error; this is a last resort.
                response = OGCError.from(error).error.response()
            }
        }
        let status = response.status.code
        let route = context.endpointPath ?? "unmatched"
        // Methods clients make up get one label, so that they cannot grow the metrics without end.
        let method = [.get, .head, .options, .post].contains(request.method) ? request.method.rawValue : "other"
        let registry = self.registry
        let logger = self.logger
        let inFlight = self.inFlight
        let original = response.body
        let record: @Sendable () -> Void = {
            let elapsed = ContinuousClock.now - start
            inFlight.decrement()
            drain.leave()
            registry.makeCounter(name: "qamtu_http_requests_total", labels: [("method", method), ("route", route), ("status", String(status))]).increment()
            registry.makeDurationHistogram(name: "qamtu_http_request_duration_seconds", labels: [("route", route)],
                                           buckets: accessDurationBuckets).record(elapsed)
            let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            // The route, not the path: a path can hold what a person looked up (a road's name).
            logger.info("\(method) \(route) \(status) \(String(format: "%.1f", milliseconds)) ms")
        }
        if request.method == .head {
            // Hummingbird answers HEAD with the GET handler's headers and drops its body unwritten.
            record()
            return response
        }
        // Recorded once the body is written (or the client went away), so durations include streaming.
        response.body = ResponseBody(contentLength: original.contentLength) { writer in
            defer { record() }
            let target = writer
            try await original.write(target)
        }
        return response
    }
}

/// Upper bounds of the request duration histogram.
private let accessDurationBuckets: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
                                      .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250),
                                      .milliseconds(500), .seconds(1), .seconds(5)]
