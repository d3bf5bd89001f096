import Coverage
import Geodesy
import QamtuTestSupport

/// A region for random points: longitudes may run past 180 (they are normalised).
struct Region: Sendable, CustomStringConvertible {
    var name: String
    var longitudes: ClosedRange<Double>
    var latitudes: ClosedRange<Double>

    var description: String { name }

    func point(_ rng: inout SplitMix64) -> GeoPoint {
        var lon = Double.random(in: longitudes, using: &rng)
        if lon >= 180 { lon -= 360 }
        return GeoPoint(longitude: lon, latitude: Double.random(in: latitudes, using: &rng))
    }

    static let zhambyl = Region(name: "Zhambyl", longitudes: 69...76, latitudes: 42.3...46.5)
    static let antimeridian = Region(name: "antimeridian", longitudes: 176...184, latitudes: 58...70)
    static let highLatitude = Region(name: "high latitude", longitudes: -180...180, latitudes: 88.6...90)
}

/// Random sites of every kind of range rule, status and technology mix.
func randomSites(_ count: Int, in region: Region, rng: inout SplitMix64, rangeScale: Double = 1) -> [CoverageSite] {
    let mixes: [TechnologySet] = [[.g2], [.g2, .g3], [.g2, .g3, .g4], [.g4], [.g4, .g5], [.g3], [.fibre]]
    let statuses: [SiteStatus] = [.operational, .operational, .operational, .planned, .building, .retired]
    let operators = ["Beeline", "Kcell", "Tele2", nil]
    return (0..<count).map { i in
        let technologies = mixes[Int.random(in: 0..<mixes.count, using: &rng)]
        var site = CoverageSite(
            id: "s\(i)", kind: technologies == [.fibre] ? .fibreNode : .baseStation,
            operatorName: operators[Int.random(in: 0..<operators.count, using: &rng)],
            technologies: technologies, position: region.point(&rng),
            status: statuses[Int.random(in: 0..<statuses.count, using: &rng)],
            plannedYear: Int.random(in: 2022...2027, using: &rng))
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: site.explicitRangeMeters = Double.random(in: 1_000...35_000, using: &rng) * rangeScale
        case 1 where technologies != [.fibre]:
            site.bandMegahertz = [800, 900, 1800, 2100, 2600][Int.random(in: 0..<5, using: &rng)]
            site.antennaHeightMeters = Double.random(in: 20...70, using: &rng)
            site.eirpDBm = Double.random(in: 50...65, using: &rng)
        default: break
        }
        if site.status == .operational && Bool.random(using: &rng) { site.plannedYear = nil }
        return site
    }
}

/// What a brute-force all-pairs computation says about one settlement.
struct BruteForce: Equatable, CustomStringConvertible {
    var bestMobile: MobileTechnology?
    var covering: Set<Int>
    /// Every covering site with the best technology it covers with.
    var siteTechnologies: [Int: MobileTechnology] = [:]
    var fibreNode: Int?
    var nearest: Int?
    var nearestMeters: Double?

    var description: String {
        "best \(bestMobile?.label ?? "-") covering \(covering.sorted()) node \(fibreNode.map(String.init) ?? "-") nearest \(nearest.map(String.init) ?? "-") @ \(nearestMeters ?? -1)"
    }

    /// Every site against the settlement with the exact distance; ties of the nearest site go to the lower index.
    init(settlement: GeoPoint, engine: CoverageEngine) {
        covering = []
        var best: MobileTechnology?
        var node: (Int, Double)?
        var nearestSite: (Int, Double)?
        for (i, site) in engine.sites.enumerated() where engine.active[i] {
            let d = Geodesic.distanceMeters(settlement, site.position)
            if site.isRadioSite, nearestSite == nil || d < nearestSite!.1 { nearestSite = (i, d) }
            if site.isFibreNode, let reach = site.explicitRangeMeters, d <= reach, node == nil || d < node!.1 { node = (i, d) }
            for technology in site.technologies.mobile {
                guard let range = engine.rangeMeters(site: i, technology: technology), d <= range else { continue }
                if siteTechnologies[i].map({ technology > $0 }) ?? true { siteTechnologies[i] = technology }
                if best == nil || technology > best! {
                    best = technology
                    covering = [i]
                } else if technology == best {
                    covering.insert(i)
                }
            }
        }
        bestMobile = best
        fibreNode = node?.0
        nearest = nearestSite?.0
        nearestMeters = nearestSite?.1
    }
}
