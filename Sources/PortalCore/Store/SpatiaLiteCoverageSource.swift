import Coverage
import GeoModel
import GeoStorage

/// Reads the coverage layers from the portal's SpatiaLite file. All SQL stays in GeoStorage;
/// this adapter only converts its rows to the Coverage module's input types, decoding the site
/// pack straight into the engine's array.
final class SpatiaLiteCoverageSource: StoreCoverageSource, Sendable {
    let store: SpatiaLiteStore
    /// Settlements and sites that could not be used, each counted by the thread that loads them.
    private let skippedSettlements = Counter(), skippedSites = Counter()

    final class Counter: @unchecked Sendable { var value = 0 }

    init(store: SpatiaLiteStore) { self.store = store }

    /// The connection without SpatiaLite (the loaders decode geometry blobs themselves).
    private var portal: PortalDatabase {
        get throws { try store.database(spatial: false) }
    }

    /// Features that could not be used (no point, unknown kind or status); read after loading.
    var skipped: Int { skippedSettlements.value + skippedSites.value }

    func loadSettlements() throws -> [CoverageSettlement] {
        try loadSettlements(columns: nil)
    }

    func loadSettlements(columns: [String]?) throws -> [CoverageSettlement] {
        let query = ExportQuery(layer: .settlements)
        guard let columns else {
            return try portal.features(query).compactMap { record in
                do { return try CoverageSettlement(record: record) } catch { skippedSettlements.value += 1; return nil }
            }
        }
        // Streamed into an array of the right size: no records array, and no copies as it grows
        // (at 100,000 settlements these touched 40 MB of fresh memory). Each record keeps only
        // its values up to the last column asked for (the analysis columns are read into the
        // settlement itself): a value array of every column per settlement is another 30 MB.
        let schema = LayerSchema.settlements
        let kept = 1 + (columns.compactMap { schema.columnIndex($0) }.max() ?? 0)
        var settlements: [CoverageSettlement] = []
        settlements.reserveCapacity(try portal.count(query))
        try portal.forEachFeature(query, columns: CoverageSettlement.analysisColumns + columns) { record in
            do {
                settlements.append(try CoverageSettlement(record: record, keptValues: kept))
            } catch {
                skippedSettlements.value += 1
            }
        }
        return settlements
    }

    func loadSites() throws -> [CoverageSite] {
        let partitions = 2
        if let counts = try portal.sitePackPartitionRows(partitions: partitions) {
            return try loadSites(exactly: counts)
        }
        let parts = (0..<partitions).map { _ in SiteBatch() }
        let reserve = { (upperBound: Int) in
            // The first batch takes the others' sites at the end: room for all of them.
            parts[0].sites.reserveCapacity(upperBound)
            for batch in parts.dropFirst() { batch.sites.reserveCapacity(upperBound / parts.count + 1) }
        }
        try portal.scanSiteAttributes(partitions: parts.count, reserve: reserve) { part, row in
            let batch = parts[part]
            if let site = batch.site(row) { batch.sites.append(site) }
        }
        skippedSites.value += parts.map(\.skipped).reduce(0, +)
        // Move the first batch out (no copy), then append the others.
        var sites: [CoverageSite] = []
        swap(&sites, &parts[0].sites)
        for batch in parts.dropFirst() { sites.append(contentsOf: batch.sites) }
        return sites
    }

    /// Reads the site pack, whose partitions deliver `counts` sites, straight into the final array:
    /// each partition fills its own range, and the ranges are closed up afterwards where sites
    /// were left out. No partition's sites are copied from a batch of their own (at a million
    /// sites that copy, and the memory it touches, cost a tenth of a second).
    private func loadSites(exactly counts: [Int]) throws -> [CoverageSite] {
        let (sites, skipped) = try SitePartitionFill.load(counts: counts, mismatch: StorageError.changedWhileReading(layer: LayerSchema.sites.name)) {
            try portal.scanSitePackRows(expecting: counts, dictionary: $0, $1)
        }
        skippedSites.value += skipped
        return sites
    }

    func loadInstitutions() throws -> [CoverageInstitution] { try CoverageRecords.institutions(store) }

    func loadCommitments() throws -> [CoverageCommitment] { try CoverageRecords.commitments(store) }

    func loadDistricts() throws -> [CoverageDistrict] { try CoverageRecords.districts(store) }
}
