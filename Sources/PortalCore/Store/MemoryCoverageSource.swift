import Coverage
import GeoModel

/// The coverage input of a ``MemoryStore``: its records converted as the SpatiaLite store's
/// adapter converts rows, leaving out (and counting) settlements and sites that cannot be used.
final class MemoryCoverageSource: StoreCoverageSource, @unchecked Sendable {
    private let store: MemoryStore
    /// Left out by each loader (the analysis loads settlements and sites on two threads).
    private var skippedSettlements = 0, skippedSites = 0

    /// Settlements and sites left out; read after loading.
    var skipped: Int { skippedSettlements + skippedSites }

    init(store: MemoryStore) { self.store = store }

    func loadSettlements() throws -> [CoverageSettlement] {
        try store.features(ExportQuery(layer: .settlements)).compactMap { record in
            do { return try CoverageSettlement(record: record) } catch { skippedSettlements += 1; return nil }
        }
    }

    func loadSites() throws -> [CoverageSite] {
        try store.features(ExportQuery(layer: .sites)).compactMap { record in
            guard let site = try? CoverageSite(record: record), site.position.isValid else {
                skippedSites += 1
                return nil
            }
            return site
        }
    }

    func loadInstitutions() throws -> [CoverageInstitution] { try CoverageRecords.institutions(store) }

    func loadCommitments() throws -> [CoverageCommitment] { try CoverageRecords.commitments(store) }

    func loadDistricts() throws -> [CoverageDistrict] { try CoverageRecords.districts(store) }
}
