import Foundation
import Geodesy

/// The writes of a packed R*Tree (``PackedRTree``), computed on a thread of their own while the
/// connection's thread performs them: the merge of the sorted runs of boxes, each node's bytes,
/// and the second sort that puts the leaf of every row in row-id order.
///
/// ``next()`` hands the writes over in batches, in the order they were produced (nodes and
/// parents level by level, then the `_rowid` pairs by row id). At most a few batches wait, so
/// memory stays bounded. ``stop()`` ends the thread early (or waits for its end); ``check()``
/// rethrows what stopped it (a temporary file that could not be read or written).
final class PackedRTreeWrites: @unchecked Sendable {
    /// One write into the R*Tree's shadow tables.
    enum Write {
        /// A node's number and bytes (`_node`).
        case node(Int64, [UInt8])
        /// A node's number and its parent's (`_parent`).
        case parent(Int64, Int64)
        /// Rows and their leaves, by increasing row id (`_rowid`).
        case rowLeaves([PortalDatabase.BulkSpatialIndex.RowLeaf])
    }

    /// `_rowid` pairs bound to one INSERT (two parameters each).
    static let rowsPerInsert = 128
    /// Writes per batch handed over (a `_rowid` write counts as one).
    private static let batchWrites = 64
    /// `_rowid` pairs per write.
    private static let pairsPerWrite = 4_096

    private let queue = BatchQueue<[Write]>(capacity: 4)
    private let done = DispatchSemaphore(value: 0)
    private var failure: (any Error)?
    private var stopped = false

    /// Starts computing the tree of `entries` (the sorter is the thread's from now on).
    init(_ entries: ExternalSorter<PackedRTree.Keyed>, packer: PackedRTree) {
        let work = Work(entries: entries, packer: packer, queue: queue)
        let thread = Thread { [self] in
            do {
                try work.run()
            } catch {
                failure = error
            }
            queue.finish()
            done.signal()
        }
        thread.name = "qamtu-rtree-pack"
        thread.stackSize = 4 << 20
        thread.start()
    }

    deinit { stop() }

    /// The next batch of writes; nil after the last (or when the thread failed: see ``check()``).
    func next() -> [Write]? { queue.take() }

    /// Ends the thread (dropping what it has not handed over) and waits for it.
    func stop() {
        guard !stopped else { return }
        stopped = true
        queue.cancel()
        done.wait()
    }

    /// Rethrows the error that ended the thread early, if any (after its last batch was taken).
    func check() throws {
        stop()
        // The semaphore orders the thread's write of `failure` before this read.
        if let failure, !(failure is Cancelled) { throw failure }
    }

    /// The consumer stopped taking.
    private struct Cancelled: Error {}

    /// What the thread does; only it touches the sorter.
    private final class Work: @unchecked Sendable {
        let entries: ExternalSorter<PackedRTree.Keyed>
        let packer: PackedRTree
        let queue: BatchQueue<[Write]>
        private var batch: [Write] = []

        init(entries: ExternalSorter<PackedRTree.Keyed>, packer: PackedRTree, queue: BatchQueue<[Write]>) {
            self.entries = entries
            self.packer = packer
            self.queue = queue
        }

        func run() throws {
            let leaves = ExternalSorter<PortalDatabase.BulkSpatialIndex.RowLeaf>(by: { $0.row < $1.row })
            let count = entries.count
            var handed = 0
            var merge = entries.merged()
            try packer.write(count: count, next: {
                handed += 1
                if handed == count / 2 { ImportKillPoint.reach("index-fill") }
                guard let keyed = try merge.next() else {
                    throw StorageError.temporaryFile(reason: "a sort's temporary file ended early")
                }
                return keyed.entry
            }, node: { number, blob in
                try add(.node(number, blob))
            }, parent: { child, parentNumber in
                try add(.parent(child, parentNumber))
            }, leaf: { row, leaf in
                try leaves.add(PortalDatabase.BulkSpatialIndex.RowLeaf(row: row, leaf: leaf))
            })
            var pairs: [PortalDatabase.BulkSpatialIndex.RowLeaf] = []
            pairs.reserveCapacity(PackedRTreeWrites.pairsPerWrite)
            try leaves.sorted { pair in
                pairs.append(pair)
                if pairs.count == PackedRTreeWrites.pairsPerWrite {
                    try add(.rowLeaves(pairs))
                    pairs.removeAll(keepingCapacity: true)
                }
            }
            if !pairs.isEmpty { try add(.rowLeaves(pairs)) }
            try hand()
        }

        private func add(_ write: Write) throws {
            batch.append(write)
            if batch.count == PackedRTreeWrites.batchWrites { try hand() }
        }

        private func hand() throws {
            guard !batch.isEmpty else { return }
            guard queue.put(batch) else { throw Cancelled() }
            batch = []
        }
    }
}
