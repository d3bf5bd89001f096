import Coverage
import GeoModel
import GeoStorage
import Geodesy

/// The sites of one partition, appended by one thread only.
final class SiteBatch: @unchecked Sendable {
    // One thread appends (no dynamic exclusivity check per row needed).
    @exclusivity(unchecked) var sites: [CoverageSite] = []
    var skipped = 0
    private var parsed: [(text: String, set: TechnologySet)] = []

    private var lastKind: (text: String, kind: SiteKind?) = ("", nil)

    /// The coverage site of a row, or nil (counted as skipped) when it has no valid point or
    /// an unknown kind or status.
    func site(_ row: SiteAttributes) -> CoverageSite? {
        withUnsafeTemporaryAllocation(of: CoverageSite.self, capacity: 1) { slot in
            guard let pointer = slot.baseAddress, site(row, into: pointer) else { return nil }
            return pointer.move()
        }
    }

    /// Initialises `slot` with the coverage site of a row and returns true; returns false
    /// (counted as skipped, `slot` left uninitialised) when the row has no valid point or an
    /// unknown kind or status.
    func site(_ row: SiteAttributes, into slot: UnsafeMutablePointer<CoverageSite>) -> Bool {
        guard let position = row.position, position.isValid, let kind = kind(row.kind),
              let status = status(row.status) else {
            skipped += 1
            return false
        }
        slot.initialize(to: CoverageSite(
            id: row.id, kind: kind, operatorName: row.operatorName,
            technologies: row.technologies.map(technologies) ?? (kind == .fibreNode ? .fibre : []),
            position: position, bandMegahertz: row.bandMegahertz, antennaHeightMeters: row.heightMeters,
            eirpDBm: row.eirpDBm, explicitRangeMeters: row.rangeMeters, status: status, plannedYear: row.plannedYear,
            commissionedYear: CoverageSite.year(inDate: row.commissioned), spatialRank: row.spatialRank))
        return true
    }
    private var lastStatus: (text: String, status: SiteStatus?) = ("", nil)
    private var lastTechnologies: (text: String, set: TechnologySet) = ("", TechnologySet(parsing: ""))

    /// The parsed `kind` (the previous row's is reused when the text is the same).
    func kind(_ text: String) -> SiteKind? {
        if text != lastKind.text { lastKind = (text, SiteKind(rawValue: text)) }
        return lastKind.kind
    }

    /// The parsed `status` (the previous row's is reused when the text is the same).
    func status(_ text: String) -> SiteStatus? {
        if text != lastStatus.text { lastStatus = (text, SiteStatus(rawValue: text)) }
        return lastStatus.status
    }

    /// The parsed `technologies` text (the few distinct values are parsed once per batch; the
    /// storage hands out equal texts as the same `String`, which compares fast).
    func technologies(_ text: String) -> TechnologySet {
        if text == lastTechnologies.text { return lastTechnologies.set }
        for k in parsed.indices where parsed[k].text == text {
            lastTechnologies = parsed[k]
            return parsed[k].set
        }
        let set = TechnologySet(parsing: text)
        if parsed.count < 64 { parsed.append((text, set)) }
        return set
    }
}
