import Foundation

/// The last few results of an expensive computation, by key (the database's change token is
/// part of every key, so a change of the data is never answered from the cache).
///
/// A result is computed once per key: requests that arrive while it is computed wait for the
/// same computation (paging through the coverage collection runs the analysis once, not once per
/// page). A failed computation is forgotten, so the next request tries again. The least recently
/// used result goes when a new one would exceed ``capacity``.
final class ComputedResultCache<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    /// The results kept.
    let capacity: Int

    private let lock = NSLock()
    /// Least recently used first.
    private var entries: [(key: Key, task: Task<Value, any Error>)] = []
    private var started = 0

    /// A cache of `capacity` results (at least one).
    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// How many computations were started (for tests and metrics).
    var computations: Int { lock.withLock { started } }

    /// The result for `key`: the cached one, the one being computed, or a new computation by
    /// `compute` (which runs in a task of its own, so a client that goes away does not cancel
    /// what others wait for).
    func value(for key: Key, compute: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let task = lock.withLock { () -> Task<Value, any Error> in
            if let index = entries.firstIndex(where: { $0.key == key }) {
                let entry = entries.remove(at: index)
                entries.append(entry)
                return entry.task
            }
            started += 1
            let task = Task { try await compute() }
            entries.append((key, task))
            if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
            return task
        }
        do {
            return try await task.value
        } catch {
            lock.withLock { entries.removeAll { $0.key == key && $0.task == task } }
            throw error
        }
    }
}
