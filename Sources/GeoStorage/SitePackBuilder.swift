import GeoModel
import Geodesy

/// Builds the site pack (``SitePack``) of an import into an empty sites layer while the rows are
/// read, on the import's validating thread, instead of reading the table back after the import.
///
/// Each valid feature's ``SiteAttributes`` are derived from its validated record exactly as
/// ``PortalDatabase/siteAttributes(_:firstColumn:texts:)`` reads them back from the row SQLite
/// stores: texts as they are, reals as SQLite's REAL affinity keeps them (an integral value is
/// stored as an integer and read back as a double, so −0.0 comes back as 0.0), integers as they
/// are. A value of any other kind (a number in a text column, a real in `planned_year`) makes the
/// builder give up (``abandoned``), and the import rebuilds the pack from the table as before.
///
/// Spatial ranks need every site: chunks leave them at 0 and record where they are
/// (``Chunk/rankOffsets``); ``SitePackInserter`` fills them in at the end.
package struct SitePackBuilder: Sendable {
    /// A finished chunk, its ranks not yet set.
    package struct Chunk: Sendable {
        /// Marks a site without a rank in ``rankOffsets``.
        package static let noRank = UInt32.max
        /// The chunk's bytes as ``SitePack`` stores them, every rank 0.
        package var bytes: [UInt8]
        /// The sites in the chunk.
        package var rows: Int
        /// For each site, in order, the byte offset of its rank in ``bytes`` (``noRank``: none).
        package var rankOffsets: [UInt32]
    }

    /// Sites per chunk.
    let chunkRows: Int
    private var encoder = SitePack.Encoder()
    /// Set when a value could not be derived as SQLite would read it back; nothing is built from then on.
    package private(set) var abandoned = false

    /// The index in the sites layer's columns of each column ``SiteAttributes`` reads, in the
    /// order of ``PortalDatabase/siteAttributesColumns`` (less the geometry).
    private static let columns: [Int] = ["id", "kind", "operator", "technologies", "band_mhz", "height_m", "eirp_dbm",
                                         "range_m", "status", "planned_year", "commissioned"]
        .map { name in LayerSchema.sites.columns.firstIndex { $0.name == name } ?? Int.max }

    /// How a real reads back from the store's column (``storedReal(_:)`` for SQLite's REAL
    /// affinity; the double itself, NaN as null, for PostgreSQL's `double precision`).
    private let readBack: @Sendable (Double) -> Double?

    /// - Parameter readBack: how the store gives back a real it was given (SQLite's rule by default).
    package init(chunkRows: Int = SitePack.chunkRows, readBack: @escaping @Sendable (Double) -> Double? = SitePackBuilder.storedReal) {
        self.chunkRows = max(1, chunkRows)
        self.readBack = readBack
    }

    /// Adds the next valid site (`record` of the sites layer, `point` its geometry's point).
    /// - Returns: the chunk this site completed, if it did.
    package mutating func add(_ record: FeatureRecord, point: GeoPoint?) -> Chunk? {
        guard !abandoned else { return nil }
        guard let site = attributes(record.values, point: point) else {
            abandoned = true
            return nil
        }
        encoder.appendLeavingRank(site)
        return encoder.rows == chunkRows ? takeChunk() : nil
    }

    /// The last, partly filled chunk (nil when there is none or the builder gave up).
    package mutating func finish() -> Chunk? {
        guard !abandoned, encoder.rows > 0 else { return nil }
        return takeChunk()
    }

    private mutating func takeChunk() -> Chunk {
        let chunk = encoder.finishLeavingRanks()
        encoder = SitePack.Encoder()
        return chunk
    }

    /// The site's attributes as they will read back from its row; nil when a value is not of the
    /// kind its column stores without conversion.
    private func attributes(_ values: [FieldValue], point: GeoPoint?) -> SiteAttributes? {
        let columns = Self.columns
        func value(_ column: Int) -> FieldValue {
            let index = columns[column]
            return index < values.count ? values[index] : .null
        }
        var failed = false
        func text(_ column: Int) -> String? {
            switch value(column) {
            case .null: return nil
            case .text(let s): return s
            default:
                failed = true
                return nil
            }
        }
        func real(_ column: Int) -> Double? {
            switch value(column) {
            case .null: return nil
            case .integer(let i): return Double(i)
            case .real(let d): return readBack(d)
            case .text:
                failed = true
                return nil
            }
        }
        func integer(_ column: Int) -> Int? {
            switch value(column) {
            case .null: return nil
            case .integer(let i): return Int(i)
            default:
                failed = true
                return nil
            }
        }
        let site = SiteAttributes(
            id: text(0) ?? "", kind: text(1) ?? "", operatorName: text(2), technologies: text(3),
            bandMegahertz: real(4), heightMeters: real(5), eirpDBm: real(6), rangeMeters: real(7),
            status: text(8) ?? "", plannedYear: integer(9), commissioned: text(10), position: point)
        return failed ? nil : site
    }

    /// A real as SQLite gives it back from a REAL column: an integral value within Int64's range
    /// is stored as that integer and read back as a double (so −0.0 becomes 0.0); NaN is stored
    /// as NULL (validation never lets one through; nil here).
    package static func storedReal(_ d: Double) -> Double? {
        if d.isNaN { return nil }
        // SQLite's own test: the value equals its conversion to Int64, strictly inside Int64's range.
        if d > -9.223372036854775e18, d < 9.223372036854775e18, d == d.rounded(.towardZero) {
            return Double(Int64(d))
        }
        return d
    }
}
