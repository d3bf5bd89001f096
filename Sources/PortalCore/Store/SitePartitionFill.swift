import Coverage
import GeoStorage

/// Writes the sites of each partition into its own range of one uninitialised buffer; each
/// partition is written by one thread only. The per-partition counters live in buffers of their
/// own, allocated once: each thread writes only its partition's element, and no array is
/// mutated from two threads.
final class SitePartitionFill: @unchecked Sendable {
    private let base: UnsafeMutablePointer<CoverageSite>
    private let starts: [Int]
    private let capacities: [Int]
    /// Sites written, per partition.
    private let filled: UnsafeMutableBufferPointer<Int>
    /// Rows delivered (written or skipped), per partition.
    private let delivered: UnsafeMutableBufferPointer<Int>

    init(base: UnsafeMutablePointer<CoverageSite>, counts: [Int]) {
        self.base = base
        var starts: [Int] = []
        var running = 0
        for count in counts {
            starts.append(running)
            running += count
        }
        self.starts = starts
        capacities = counts
        filled = .allocate(capacity: counts.count)
        filled.initialize(repeating: 0)
        delivered = .allocate(capacity: counts.count)
        delivered.initialize(repeating: 0)
    }

    deinit {
        filled.deallocate()
        delivered.deallocate()
    }

    /// Whether every partition delivered exactly the rows announced (else the sites changed
    /// while they were read).
    var deliveredAsAnnounced: Bool { capacities.indices.allSatisfy { delivered[$0] == capacities[$0] } }

    /// Lets `make` initialise the partition's next slot in place; it returns false when it
    /// left the slot uninitialised (a skipped row). Rows beyond the partition's announced count
    /// are counted but not written.
    func append(partition p: Int, _ make: (UnsafeMutablePointer<CoverageSite>) -> Bool) {
        delivered[p] += 1
        guard filled[p] < capacities[p] else { return }
        if make(base + starts[p] + filled[p]) { filled[p] += 1 }
    }

    /// Moves every partition's sites down to follow the previous one's; returns the count.
    func closeGaps() -> Int {
        var end = 0
        for p in starts.indices {
            if starts[p] != end { (base + end).moveInitialize(from: base + starts[p], count: filled[p]) }
            end += filled[p]
        }
        return end
    }

    /// Destroys every site written (after a failure).
    func deinitializeAll() {
        for p in starts.indices {
            (base + starts[p]).deinitialize(count: filled[p])
            filled[p] = 0
        }
    }
}

extension SitePartitionFill {
    /// The sites of a packed scan whose partitions deliver `counts` rows, decoded straight into
    /// the final array: each partition fills its own range, and the ranges are closed up
    /// afterwards where sites were left out (no partition's sites are copied from a batch of their
    /// own; at a million sites that copy cost a tenth of a second). The SpatiaLite and PostGIS
    /// stores' site packs both load through here.
    /// - Parameters:
    ///   - scan: runs the scan with the dictionary and row callbacks it is given (partitions on
    ///     threads of their own).
    ///   - mismatch: the error when the scan delivered other counts than announced.
    /// - Returns: the sites and how many rows were left out (no usable site).
    static func load(counts: [Int], mismatch: @autoclosure () -> any Error,
                     scan: (_ dictionary: @escaping @Sendable (Int, [String]) -> Void,
                            _ row: @escaping @Sendable (Int, PackedSiteRow) -> Void) throws -> Void) throws -> (sites: [CoverageSite], skipped: Int) {
        let total = counts.reduce(0, +)
        let batches = counts.map { _ in PackedSiteBatch() }
        var skipped = 0
        let sites = try [CoverageSite](unsafeUninitializedCapacity: total) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            let fill = SitePartitionFill(base: base, counts: counts)
            do {
                try scan({ part, texts in batches[part].begin(texts) }) { part, row in
                    fill.append(partition: part) { slot in batches[part].site(row, into: slot) }
                }
                if !fill.deliveredAsAnnounced { throw mismatch() }
            } catch {
                fill.deinitializeAll()
                throw error
            }
            skipped = batches.map(\.skipped).reduce(0, +)
            initialized = fill.closeGaps()
        }
        return (sites, skipped)
    }
}
