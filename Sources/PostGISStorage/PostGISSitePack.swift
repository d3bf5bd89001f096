import Dispatch
import Foundation
import GeoStorage
import PostgresNIO

/// A site pack read from PostgreSQL (``PostGISDatabase/sitePack()``): its chunks' bytes, in
/// `fid` order, decoded by GeoStorage's `SitePack` as the SpatiaLite store decodes its own.
public struct PostGISSitePack: Sendable {
    /// The sites in each chunk.
    public let chunkRows: [Int]
    /// Each chunk's bytes.
    let chunks: [ByteBuffer]

    /// The chunks read by partition `part` of `parts` (contiguous runs, in order).
    private func chunkRange(part: Int, of parts: Int) -> Range<Int> {
        (chunks.count * part / parts)..<(chunks.count * (part + 1) / parts)
    }

    /// How many partitions a scan into `partitions` uses: one chunk at least each.
    public func partitions(_ partitions: Int) -> Int { min(max(1, partitions), max(1, chunks.count)) }

    /// The sites each of `partitions` partitions delivers (see ``partitions(_:)``).
    public func partitionRows(_ partitions: Int) -> [Int] {
        let parts = self.partitions(partitions)
        return (0..<parts).map { chunkRows[chunkRange(part: $0, of: parts)].reduce(0, +) }
    }

    /// Decodes the chunks in `partitions` contiguous runs, each on its own thread: per chunk,
    /// `dictionary(partition, texts)` receives the texts that the following rows of that
    /// partition index, then `row(partition, view)` each site in `fid` order (views valid only
    /// during the call).
    /// - Throws: `StorageError.corruptSitePack` for a chunk that cannot be decoded.
    public func scanRows(partitions: Int, dictionary: @Sendable (_ partition: Int, [String]) -> Void,
                         _ row: @Sendable (_ partition: Int, PackedSiteRow) -> Void) throws {
        let parts = self.partitions(partitions)
        let failures = NSLock()
        nonisolated(unsafe) var failure: (any Error)?
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            var texts = RepeatedTexts()
            for index in chunkRange(part: part, of: parts) {
                do {
                    try chunks[index].withUnsafeReadableBytes { bytes in
                        try SitePack.decode(bytes, expectedRows: chunkRows[index], texts: &texts,
                                            dictionary: { dictionary(part, $0) }) { row(part, $0) }
                    }
                } catch {
                    failures.lock()
                    if failure == nil {
                        failure = (error as? SitePack.DecodeError).map { StorageError.corruptSitePack(chunk: index, reason: $0.reason) as any Error } ?? error
                    }
                    failures.unlock()
                    return
                }
            }
        }
        if let failure { throw failure }
    }
}
