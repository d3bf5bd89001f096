import CSQLite
import Foundation
import GRDB
import Geodesy

/// Writes the site pack that a ``SitePackBuilder`` builds while an import into an empty sites
/// layer reads its rows: each chunk goes into `qamtu_site_pack` as soon as its last site is
/// inserted (with the `fid`s those sites got), and ``finish(ranked:)`` sets the spatial ranks in
/// place (SQLite's incremental blob I/O) once every site is known. The result is the pack
/// ``SitePack/rebuild(_:chunkRows:ranked:)`` would build from the table, byte for byte, without
/// reading the table back.
///
/// The import's transaction holds everything: the pack's insert trigger is set aside while the
/// sites are inserted, so the chunks written early stay.
final class SitePackInserter {
    private let db: Database
    private let insert: Statement
    private let generation = Int64.random(in: 1...Int64.max)
    private let sitesSQL: String
    /// Chunks built but whose last site is not inserted yet, in order.
    private var pending: [SitePackBuilder.Chunk] = []
    /// The rank offsets of the chunks written, by chunk number.
    private var written: [[UInt32]] = []
    /// Sites inserted since the last chunk written, and the `fid`s of the first and the last.
    private var rowsSinceChunk = 0
    private var firstFid: Int64 = 0
    private var lastFid: Int64 = 0
    /// False once the pack cannot be finished here (the builder gave up, or the rows inserted are
    /// not the ones it built from): the import rebuilds the pack from the table.
    private(set) var usable = true

    /// Prepares the writes; the pack must be empty and its insert trigger set aside.
    init(_ db: Database) throws {
        self.db = db
        sitesSQL = try String.fetchOne(db, sql: SitePack.sitesSQLQuery) ?? ""
        insert = try db.makeStatement(sql: """
            INSERT INTO \(SitePack.table) (chunk, generation, format, sites_sql, rows, first_fid, last_fid, data)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    /// Gives up (the rows inserted will differ from the ones the chunks were built from).
    func abandon() {
        usable = false
        pending = []
    }

    /// Takes the chunks a batch of rows completed (before its rows are inserted; a chunk is
    /// written when its last site is).
    func add(_ chunks: [SitePackBuilder.Chunk]) throws {
        guard usable else { return }
        pending.append(contentsOf: chunks)
        try writeCompleted()
    }

    /// Counts a site inserted with `fid` (in the order the builder saw them).
    func inserted(fid: Int64) throws {
        guard usable else { return }
        if rowsSinceChunk == 0 { firstFid = fid }
        lastFid = fid
        rowsSinceChunk += 1
        try writeCompleted()
    }

    private func writeCompleted() throws {
        while let chunk = pending.first, chunk.rows <= rowsSinceChunk {
            guard chunk.rows == rowsSinceChunk else {
                abandon()
                return
            }
            try insert.execute(arguments: [written.count, generation, SitePack.format, sitesSQL, chunk.rows, firstFid, lastFid,
                                           Data(chunk.bytes)])
            written.append(chunk.rankOffsets)
            pending.removeFirst()
            rowsSinceChunk = 0
        }
    }

    /// Sets every site's spatial rank in the written chunks.
    /// - Parameter ranked: every inserted site's point and rank, in `fid` order (``SitePack/ranked(_:)``).
    /// - Returns: false when the pack could not be completed here (its sites are not exactly
    ///   those of `ranked`); the caller then rebuilds it, which replaces every chunk.
    /// - Throws: `StorageError.sqlite` when a chunk cannot be read or written.
    func finish(ranked: [(position: GeoPoint?, rank: UInt32?)]) throws -> Bool {
        guard usable, pending.isEmpty, rowsSinceChunk == 0,
              written.reduce(0, { $0 + $1.count }) == ranked.count else { return false }
        var buffer: [UInt8] = []
        var site = 0
        for (chunk, offsets) in written.enumerated() {
            var consistent = true
            try withBlob(chunk: chunk) { blob in
                let count = Int(sqlite3_blob_bytes(blob))
                if buffer.count < count { buffer = [UInt8](repeating: 0, count: count) }
                try check(buffer.withUnsafeMutableBytes { sqlite3_blob_read(blob, $0.baseAddress, Int32(count), 0) })
                buffer.withUnsafeMutableBytes { bytes in
                    for offset in offsets {
                        let rank = ranked[site].rank
                        site += 1
                        switch (offset == SitePackBuilder.Chunk.noRank, rank) {
                        case (true, nil): continue
                        case (false, let rank?) where Int(offset) + 4 <= count:
                            bytes.storeBytes(of: rank.littleEndian, toByteOffset: Int(offset), as: UInt32.self)
                        default:
                            consistent = false
                            return
                        }
                    }
                }
                if consistent { try check(buffer.withUnsafeBytes { sqlite3_blob_write(blob, $0.baseAddress, Int32(count), 0) }) }
            }
            guard consistent else { return false }
            if chunk == 0 { ImportKillPoint.reach("site-pack") }
        }
        return true
    }

    /// Opens chunk `chunk`'s data for reading and writing during `body`.
    private func withBlob(chunk: Int, _ body: (OpaquePointer) throws -> Void) throws {
        var blob: OpaquePointer?
        try check(sqlite3_blob_open(db.sqliteConnection, "main", SitePack.table, "data", Int64(chunk), 1, &blob))
        guard let blob else { throw StorageError.sqlite(message: "no blob handle for chunk \(chunk)", sql: nil) }
        defer { sqlite3_blob_close(blob) }
        try body(blob)
    }

    private func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK else {
            throw StorageError.sqlite(message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: nil)
        }
    }
}
