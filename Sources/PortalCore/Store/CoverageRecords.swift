import Coverage
import GeoModel

/// The coverage inputs every store reads the same way, from its records: institutions,
/// commitments and districts (small layers; settlements and sites have faster paths per store).
enum CoverageRecords {
    /// The institutions of `store`, for satellite counts.
    static func institutions(_ store: any PortalStore) throws -> [CoverageInstitution] {
        try store.features(ExportQuery(layer: .institutions)).map(CoverageInstitution.init(record:))
    }

    /// The commitments of `store`, for progress.
    static func commitments(_ store: any PortalStore) throws -> [CoverageCommitment] {
        try store.features(ExportQuery(layer: .commitments)).map(CoverageCommitment.init(record:))
    }

    /// The districts of `store`, for names and report rows.
    static func districts(_ store: any PortalStore) throws -> [CoverageDistrict] {
        try store.features(ExportQuery(layer: .districts)).map(CoverageDistrict.init(record:))
    }
}
