import Foundation

/// Limits failed sign-ins per client address: after ``maximumFailures`` wrong tokens within
/// ``windowSeconds``, every request of that address to the applications answers 429 until the
/// window has passed, so that tokens cannot be guessed at speed. Requests without a token are not
/// counted (they guess nothing). The address is the client's as ``ClientAddress`` finds it
/// (an IPv6 address by its /64); at most ``maximumAddresses`` are tracked.
final class AuthenticationLimiter: @unchecked Sendable {
    let maximumFailures: Int
    let windowSeconds: Double
    private let lock = NSLock()
    /// Failure times per address, oldest first.
    private var failures: [String: [Double]] = [:]
    /// The most addresses tracked; the oldest are forgotten beyond it.
    let maximumAddresses = 100_000

    init(maximumFailures: Int, windowSeconds: Double) {
        self.maximumFailures = maximumFailures
        self.windowSeconds = windowSeconds
    }

    /// Seconds until `address` may try again, or nil when it may now.
    func retryAfter(_ address: String, now: Double = Date().timeIntervalSince1970) -> Int? {
        lock.withLock {
            guard var times = failures[address] else { return nil }
            times.removeAll { $0 <= now - windowSeconds }
            failures[address] = times.isEmpty ? nil : times
            guard times.count >= maximumFailures, let oldest = times.first else { return nil }
            return max(1, Int((oldest + windowSeconds - now).rounded(.up)))
        }
    }

    /// Records a failed sign-in of `address`.
    func recordFailure(_ address: String, now: Double = Date().timeIntervalSince1970) {
        lock.withLock {
            if failures[address] == nil && failures.count >= maximumAddresses {
                // Full: forget the addresses whose failures are all old; if all are recent (very many
                // addresses at once), start afresh, so that the table stays bounded.
                failures = failures.filter { $0.value.last.map { $0 > now - windowSeconds } ?? false }
                if failures.count >= maximumAddresses { failures.removeAll(keepingCapacity: true) }
            }
            failures[address, default: []].append(now)
            if let count = failures[address]?.count, count > maximumFailures * 2 {
                failures[address]?.removeFirst(count - maximumFailures * 2)
            }
        }
    }
}
