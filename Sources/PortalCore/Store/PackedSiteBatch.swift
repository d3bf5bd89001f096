import Coverage
import GeoModel
import GeoStorage
import Geodesy

/// Converts the packed rows of one partition (one thread only): each chunk's texts are parsed
/// once, so that a row costs no text comparison and no `String` but its id.
final class PackedSiteBatch: @unchecked Sendable {
    var skipped = 0
    private var texts: [String] = []
    private var kinds: [SiteKind?] = []
    private var statuses: [SiteStatus?] = []
    private var technologies: [TechnologySet] = []

    /// Starts a chunk whose rows index `texts`.
    func begin(_ texts: [String]) {
        self.texts = texts
        kinds = texts.map(SiteKind.init(rawValue:))
        statuses = texts.map(SiteStatus.init(rawValue:))
        technologies = texts.map(TechnologySet.init(parsing:))
    }

    /// Initialises `slot` with the coverage site of a row and returns true, as
    /// ``SiteBatch/site(_:into:)`` does for a row of the table.
    func site(_ row: PackedSiteRow, into slot: UnsafeMutablePointer<CoverageSite>) -> Bool {
        guard let position = row.position, position.isValid, let kind = kinds[Int(row.kind)],
              let status = statuses[Int(row.status)] else {
            skipped += 1
            return false
        }
        slot.initialize(to: CoverageSite(
            id: String(decoding: row.id, as: UTF8.self), kind: kind,
            operatorName: row.operatorName >= 0 ? texts[Int(row.operatorName)] : nil,
            technologies: row.technologies >= 0 ? technologies[Int(row.technologies)] : (kind == .fibreNode ? .fibre : []),
            position: position, bandMegahertz: row.bandMegahertz, antennaHeightMeters: row.heightMeters,
            eirpDBm: row.eirpDBm, explicitRangeMeters: row.rangeMeters, status: status, plannedYear: row.plannedYear,
            commissionedYear: CoverageSite.year(inDate: row.commissioned), spatialRank: row.spatialRank))
        return true
    }
}
