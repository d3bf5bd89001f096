import Coverage
import GeoModel
import PostGISStorage

/// The coverage input of a ``PostGISStore``: the sites from the site pack when it is current
/// (``PostGISDatabase/sitePack()``: a few large values, decoded on two threads straight into
/// the engine's array, as the SpatiaLite store reads its own), else each layer read in one
/// streamed statement (no per-row round trips) and converted as the other stores' adapters
/// convert their rows, leaving out (and counting) settlements and sites that cannot be used.
final class PostGISCoverageSource: StoreCoverageSource, @unchecked Sendable {
    private let store: PostGISStore
    /// Left out by each loader (the analysis loads settlements and sites on two threads).
    private var skippedSettlements = 0, skippedSites = 0

    /// Settlements and sites left out; read after loading.
    var skipped: Int { skippedSettlements + skippedSites }

    init(store: PostGISStore) { self.store = store }

    func loadSettlements() throws -> [CoverageSettlement] {
        var out: [CoverageSettlement] = []
        try store.database.forEachRecord(ExportQuery(layer: .settlements)) { record in
            do { out.append(try CoverageSettlement(record: record)) } catch { skippedSettlements += 1 }
        }
        return out
    }

    /// Reads only ``CoverageSettlement/analysisColumns``, the geometry and `columns` (as the
    /// SpatiaLite store does): each record keeps its values up to the last column asked for.
    func loadSettlements(columns: [String]?) throws -> [CoverageSettlement] {
        guard let columns else { return try loadSettlements() }
        let schema = LayerSchema.settlements
        let read = Set((CoverageSettlement.analysisColumns + columns).compactMap { schema.columnIndex($0) }).sorted()
        let kept = 1 + (columns.compactMap { schema.columnIndex($0) }.max() ?? 0)
        var out: [CoverageSettlement] = []
        try store.database.forEachRecord(ExportQuery(layer: .settlements), columns: read) { record in
            do { out.append(try CoverageSettlement(record: record, keptValues: kept)) } catch { skippedSettlements += 1 }
        }
        return out
    }

    func loadSites() throws -> [CoverageSite] {
        if let pack = try store.database.sitePack() { return try loadSites(pack) }
        var out: [CoverageSite] = []
        try store.database.forEachRecord(ExportQuery(layer: .sites)) { record in
            guard let site = try? CoverageSite(record: record), site.position.isValid else {
                skippedSites += 1
                return
            }
            out.append(site)
        }
        return out
    }

    /// Decodes the pack's partitions, each into its own range of the final array (closed up
    /// afterwards where sites were left out), as ``SpatiaLiteCoverageSource`` does.
    private func loadSites(_ pack: PostGISSitePack) throws -> [CoverageSite] {
        let partitions = pack.partitions(2)
        let mismatch = PostGISError.server(message: "the site pack delivered other counts than it announced", sqlState: nil, sql: nil)
        let (sites, skipped) = try SitePartitionFill.load(counts: pack.partitionRows(partitions), mismatch: mismatch) {
            try pack.scanRows(partitions: partitions, dictionary: $0, $1)
        }
        skippedSites += skipped
        return sites
    }

    func loadInstitutions() throws -> [CoverageInstitution] { try CoverageRecords.institutions(store) }

    func loadCommitments() throws -> [CoverageCommitment] { try CoverageRecords.commitments(store) }

    func loadDistricts() throws -> [CoverageDistrict] { try CoverageRecords.districts(store) }
}
