import Coverage
import GeoModel

/// The coverage input of a ``PostGISStore``: each layer read in one streamed statement (no
/// per-row round trips) and converted as the other stores' adapters convert their rows, leaving
/// out (and counting) settlements and sites that cannot be used.
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

    func loadSites() throws -> [CoverageSite] {
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

    func loadInstitutions() throws -> [CoverageInstitution] { try CoverageRecords.institutions(store) }

    func loadCommitments() throws -> [CoverageCommitment] { try CoverageRecords.commitments(store) }

    func loadDistricts() throws -> [CoverageDistrict] { try CoverageRecords.districts(store) }
}
