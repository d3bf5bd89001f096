import Foundation

/// Requests in flight, and whether the server is draining before it stops.
///
/// Hummingbird's own graceful shutdown closes a connection as soon as the last part of its
/// response is handed to SwiftNIO, and bytes NIO has not yet written to the socket are lost with
/// the connection: a slow client of a large page would get it cut short. So `qamtu serve` stops in
/// two steps: on SIGTERM or SIGINT it drains (new requests are answered 503 with
/// `Connection: close`, the requests in flight finish and their bytes are given time to leave),
/// and only then it asks Hummingbird to shut down.
public final class ShutdownDrain: @unchecked Sendable {
    /// No request in flight, none refused.
    public init() {}

    private let lock = NSLock()
    private var running = 0
    private var draining = false

    /// Counts a request in; false when the server is draining (the request must be refused).
    func enter() -> Bool {
        lock.withLock {
            running += 1
            return !draining
        }
    }

    /// Counts a request out, once its body is written (or its client went away).
    func leave() { lock.withLock { running -= 1 } }

    /// Requests in flight.
    var inFlight: Int { lock.withLock { running } }

    /// Whether new requests are refused.
    var isDraining: Bool { lock.withLock { draining } }

    /// Refuses new requests from now on, waits until the requests in flight are answered (at most
    /// `limit`), then waits `settle` more for their last bytes to reach the clients.
    func drain(limit: Duration = .seconds(30), settle: Duration = .seconds(1)) async {
        lock.withLock { draining = true }
        let deadline = ContinuousClock.now + limit
        // The drain's own request count: none, since signals arrive outside requests.
        while inFlight > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        try? await Task.sleep(for: settle)
    }
}
