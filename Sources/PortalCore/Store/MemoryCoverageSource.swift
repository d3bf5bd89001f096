import Coverage
import GeoModel

/// The coverage input of a ``MemoryStore``: its records converted as the SpatiaLite store's
/// adapter converts rows, leaving out (and counting) settlements and sites that cannot be used.
final class MemoryCoverageSource: StoreCoverageSource, @unchecked Sendable {
    private let store: MemoryStore
    private(set) var skipped = 0

    init(store: MemoryStore) { self.store = store }

    func loadSettlements() throws -> [CoverageSettlement] {
        try store.features(ExportQuery(layer: .settlements)).compactMap { record in
            do { return try CoverageSettlement(record: record) } catch { skipped += 1; return nil }
        }
    }

    func loadSites() throws -> [CoverageSite] {
        try store.features(ExportQuery(layer: .sites)).compactMap { record in
            guard let site = try? CoverageSite(record: record), site.position.isValid else {
                skipped += 1
                return nil
            }
            return site
        }
    }

    func loadInstitutions() throws -> [CoverageInstitution] { try CoverageRecords.institutions(store) }

    func loadCommitments() throws -> [CoverageCommitment] { try CoverageRecords.commitments(store) }

    func loadDistricts() throws -> [CoverageDistrict] { try CoverageRecords.districts(store) }
}
