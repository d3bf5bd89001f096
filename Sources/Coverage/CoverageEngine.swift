import Dispatch
import Foundation
import GeoModel
import Geodesy

/// What an evaluation finds beyond each settlement's class, fixed access, best mobile technology
/// and satellite links (which it always finds). Leaving details out makes a large evaluation
/// cheaper: without ``coveringSites`` the search for a technology stops at the first covering
/// site instead of listing all of them.
public struct EvaluationDetail: OptionSet, Sendable, Hashable {
    /// The bits of the set.
    public let rawValue: Int
    /// Creates a set from its bits.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Every site covering with the best mobile technology, nearest first, and the distance to the first.
    public static let coveringSites = EvaluationDetail(rawValue: 1)
    /// The nearest counted radio site and its distance.
    public static let nearestSite = EvaluationDetail(rawValue: 2)
    /// Everything (what reasons and the full output need).
    public static let all: EvaluationDetail = [.coveringSites, .nearestSite]
}

/// What the engine found for one settlement as of a year in a scenario, before and after
/// classification.
public struct SettlementCoverage: Sendable, Hashable {
    /// The settlement's index in the analysed list.
    public var settlement: Int
    /// The class under the profile used.
    public var coverageClass: CoverageClass
    /// The index of the profile rule that gave the class, nil for the profile's `otherwise`.
    public var ruleIndex: Int?
    /// Fixed-line access, or nil.
    public var fixed: FixedAccess?
    /// Why there is no fixed access (`fibre planned 2026`), when known.
    public var fibreNote: String?
    /// The best mobile technology covering the settlement, or nil.
    public var bestMobile: MobileTechnology?
    /// Indices of the sites that cover the settlement with ``bestMobile``, nearest first (ordered by
    /// chord; equal within a millimetre of geodesic distance).
    public var coveringSites: [Int]
    /// Exact geodesic distance to the first covering site, metres.
    public var closestCoveringMeters: Double?
    /// Institutions of the settlement on a satellite link.
    public var satelliteInstitutions: Int
    /// The nearest radio site counted in the scenario, by exact geodesic distance, or nil when none counts.
    public var nearestSite: Int?
    /// Exact geodesic distance to ``nearestSite``, metres.
    public var nearestSiteMeters: Double?

    /// The facts the profile classified.
    public var facts: ConnectivityFacts {
        ConnectivityFacts(fibre: fixed != nil, bestMobile: bestMobile, satellite: satelliteInstitutions > 0)
    }
}

/// The coverage engine for one year and scenario: which sites count, their ranges, and spatial
/// indexes over them; then each settlement's fixed, mobile and satellite connectivity.
///
/// **Method.** Every counted site gets a range per mobile technology (``RangeModel``). For each
/// technology a 3-d tree (``EarthPointTree``) indexes the sites carrying it, with their ranges;
/// fibre nodes with an explicit reach get their own tree, and all counted radio sites one more for
/// the nearest-site search (over the technology trees). For a settlement, the trees are searched best technology first (5G,
/// 4G, 3G, 2G) and the search stops at the first technology that covers it. A site covers when the
/// geodesic distance on the WGS84 ellipsoid is at most its range — a distance exactly at the range
/// counts. Chord bounds (``DistanceBounds``) decide almost every pair; the exact Karney distance is
/// computed only within a micrometre-wide band around the range, so results equal a brute-force
/// all-pairs computation. Settlements are evaluated in parallel.
///
/// Immutable once built; a class, so that the evaluation threads share it without copying it.
public final class CoverageEngine: Sendable {
    /// Every site (counted or not), in input order; results refer to these indices.
    public let sites: [CoverageSite]
    /// The ranges used.
    public let rangeModel: RangeModel
    /// The year evaluated.
    public let asOfYear: Int
    /// The scenario evaluated.
    public let scenario: Scenario
    /// Whether each site counts in the scenario as of the year.
    public let active: [Bool]
    /// Per site, the index of its operator in ``operatorNames`` (−1: none).
    let operatorOrdinals: [Int32]
    /// The distinct operator names, in order of first appearance.
    let operatorNames: [String]
    let mobileTrees: [(technology: MobileTechnology, tree: EarthPointTree)]
    let fibreTree: EarthPointTree

    /// Builds the engine: activity, ranges and indexes.
    public init(sites: [CoverageSite], rangeModel: RangeModel = RangeModel(), asOfYear: Int, scenario: Scenario) {
        self.sites = sites
        self.rangeModel = rangeModel
        self.asOfYear = asOfYear
        self.scenario = scenario
        // Activity, ranges and the points of each tree (4 mobile, 1 fibre), in parallel over halves.
        let chunks = sites.count < 20_000 ? 1 : 2
        let chunkSize = (sites.count + chunks - 1) / max(chunks, 1)
        let parts = WriteOnceSlots<(active: [Bool], specs: [TreeSpec], ordinals: [Int32], operators: [String])>(count: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lower = c * chunkSize, upper = min(sites.count, lower + chunkSize)
            var active = [Bool](repeating: false, count: upper - lower)
            var specs = [TreeSpec](repeating: TreeSpec(), count: 5)
            var operators = OperatorTable()
            var ordinals = [Int32](repeating: -1, count: upper - lower)
            sites.withUnsafeBufferPointer { sites in
                for i in lower..<upper {
                    // Fields read in place: copying a site would retain its strings.
                    if let name = sites[i].operatorName { ordinals[i - lower] = operators.ordinal(of: name) }
                    let position = sites[i].position
                    guard position.isValid,
                          SiteActivity.counts(status: sites[i].status, commissionedYear: sites[i].commissionedYear,
                                              plannedYear: sites[i].plannedYear, asOf: asOfYear, scenario: scenario)
                    else { continue }
                    active[i - lower] = true
                    let technologies = sites[i].technologies
                    // The explicit range applies to every technology (RangeModel's first rule).
                    var explicit = sites[i].explicitRangeMeters
                    if let value = explicit, !(value.isFinite && value >= 0) { explicit = nil }
                    for technology in MobileTechnology.allCases where technologies.contains(TechnologySet(technology)) {
                        let range = explicit ?? rangeModel.rangeMeters(of: sites[i], for: technology)
                        specs[technology.rawValue - 2].append(position, Int32(i), range)
                    }
                    if let reach = explicit, sites[i].kind == .fibreNode || technologies.contains(.fibre) {
                        specs[4].append(position, Int32(i), reach)
                    }
                }
            }
            parts.set(c, (active, specs, ordinals, operators.names))
        }
        var active: [Bool] = []
        var operators = OperatorTable()
        var ordinals: [Int32] = []
        ordinals.reserveCapacity(sites.count)
        let chunkParts = parts.values()
        for part in chunkParts {
            active.append(contentsOf: part.active)
            // The chunk's own ordinals, renumbered in order of first appearance over all sites.
            let global = part.operators.map { operators.ordinal(of: $0) }
            ordinals.append(contentsOf: part.ordinals.map { $0 >= 0 ? global[Int($0)] : -1 })
        }
        self.active = active
        operatorOrdinals = ordinals
        operatorNames = operators.names
        let built = Self.buildTrees(chunkParts.map(\.specs))
        mobileTrees = MobileTechnology.bestFirst.compactMap { technology in
            let tree = built[technology.rawValue - 2]
            return tree.count > 0 ? (technology, tree) : nil
        }
        fibreTree = built[4]
    }

    /// The points of one tree from one chunk of sites, gathered before it is built.
    typealias TreeSpec = EarthPointTree.Part

    /// Builds the 5 trees (4 mobile, 1 fibre), each from its parts in every chunk.
    private static func buildTrees(_ chunks: [[TreeSpec]]) -> [EarthPointTree] {
        let trees = 5
        let sizes = (0..<trees).map { k in chunks.reduce(0) { $0 + $1[k].points.count } }
        let results = WriteOnceSlots<EarthPointTree>(count: trees)
        // Largest first, so that the two cores finish together.
        let order = (0..<trees).sorted { sizes[$0] > sizes[$1] }
        DispatchQueue.concurrentPerform(iterations: trees) { k in
            let tree = order[k]
            results.set(tree, EarthPointTree(parts: chunks.map { $0[tree] }))
        }
        return results.values()
    }

    /// The range of `site` for `technology` with its rule (recomputed; for reasons and output).
    public func range(site: Int, technology: MobileTechnology) -> SiteRange {
        rangeModel.range(of: sites[site], for: technology)
    }

    /// The range in metres of `site` for `technology`, or nil when the site does not count or does
    /// not carry it.
    public func rangeMeters(site: Int, technology: MobileTechnology) -> Double? {
        guard active[site], sites[site].technologies.contains(TechnologySet(technology)) else { return nil }
        return rangeModel.rangeMeters(of: sites[site], for: technology)
    }

    /// Evaluates one settlement (index `index` in the caller's list) and classifies it.
    /// - Parameter detail: what to find beyond the class and the best technologies; what is left
    ///   out stays empty (`coveringSites`, `closestCoveringMeters`, `nearestSite`, `nearestSiteMeters`).
    public func evaluate(_ settlement: CoverageSettlement, index: Int, satelliteInstitutions: Int,
                         profile: ClassificationProfile, detail: EvaluationDetail = .all) -> SettlementCoverage {
        let position = settlement.position
        let query = EarthCenteredPoint(position)
        var (fixed, fibreNote) = settlement.fibreStatus(asOf: asOfYear, scenario: scenario)
        if fixed == nil {
            var nearestNode: (position: Int, chordSquared: Double)?
            fibreTree.forEachPossiblyReaching(query) { p, d2 in
                guard Self.covers(fibreTree, p, d2, position) else { return false }
                if let current = nearestNode, current.chordSquared < d2
                    || (current.chordSquared == d2 && fibreTree.item(current.position) < fibreTree.item(p)) { return false }
                nearestNode = (p, d2)
                return false
            }
            if let node = nearestNode {
                fixed = .fibreNode(site: Int(fibreTree.item(node.position)),
                                   distanceMeters: Geodesic.distanceMeters(position, fibreTree.positions[node.position]))
            }
        }
        if fixed != nil { fibreNote = nil }
        var bestMobile: MobileTechnology?
        var covering: [(site: Int32, chordSquared: Double)] = []
        let listCovering = detail.contains(.coveringSites)
        for (technology, tree) in mobileTrees {
            if listCovering {
                tree.forEachPossiblyReaching(query) { p, d2 in
                    if Self.covers(tree, p, d2, position) { covering.append((tree.item(p), d2)) }
                    return false
                }
                if !covering.isEmpty {
                    bestMobile = technology
                    break
                }
            } else {
                // Whether any site covers: the search stops at the first.
                var found = false
                tree.forEachPossiblyReaching(query) { p, d2 in
                    found = Self.covers(tree, p, d2, position)
                    return found
                }
                if found {
                    bestMobile = technology
                    break
                }
            }
        }
        covering.sort { $0.chordSquared < $1.chordSquared || ($0.chordSquared == $1.chordSquared && $0.site < $1.site) }
        let coveringSites = covering.map { Int($0.site) }
        let closest = coveringSites.first.map { Geodesic.distanceMeters(position, sites[$0].position) }
        // The nearest radio site: the best of each technology's tree (a site in several trees is
        // found several times at the same distance). The closest covering site bounds the search.
        var nearest: (item: Int32, distanceMeters: Double)?
        var bound = closest ?? .infinity
        for (_, tree) in mobileTrees where detail.contains(.nearestSite) {
            guard let found = tree.nearest(to: position, k: 1, within: bound).first else { continue }
            if let current = nearest, current.distanceMeters < found.distanceMeters
                || (current.distanceMeters == found.distanceMeters && current.item <= found.item) { continue }
            nearest = found
            bound = found.distanceMeters
        }
        var result = SettlementCoverage(
            settlement: index, coverageClass: .unserved, ruleIndex: nil, fixed: fixed, fibreNote: fibreNote,
            bestMobile: bestMobile, coveringSites: coveringSites, closestCoveringMeters: closest,
            satelliteInstitutions: satelliteInstitutions, nearestSite: nearest.map { Int($0.item) },
            nearestSiteMeters: nearest?.distanceMeters)
        let classified = profile.classify(result.facts)
        result.coverageClass = classified.coverageClass
        result.ruleIndex = classified.rule
        return result
    }

    /// True when the point at tree position `p` (squared chord `d2` to `position`) covers `position`.
    @inline(__always)
    static func covers(_ tree: EarthPointTree, _ p: Int, _ d2: Double, _ position: GeoPoint) -> Bool {
        let inner = tree.innerChords[p]
        if inner >= 0 && d2 <= inner * inner { return true }
        return Geodesic.distanceMeters(position, tree.positions[p]) <= tree.reaches[p]
    }

    /// Evaluates every settlement in parallel; results are in input order.
    /// - Parameters:
    ///   - satelliteCounts: institutions on satellite per settlement id.
    ///   - detail: what to find beyond the class and the best technologies (see
    ///     ``evaluate(_:index:satelliteInstitutions:profile:detail:)``).
    public func evaluate(_ settlements: [CoverageSettlement], satelliteCounts: [String: Int],
                         profile: ClassificationProfile, detail: EvaluationDetail = .all) -> [SettlementCoverage] {
        let n = settlements.count
        guard n > 0 else { return [] }
        let chunk = 256
        let slots = WriteOnceSlots<SettlementCoverage>(count: n)
        DispatchQueue.concurrentPerform(iterations: (n + chunk - 1) / chunk) { c in
            for i in (c * chunk)..<min(n, (c + 1) * chunk) {
                let settlement = settlements[i]
                slots.set(i, evaluate(settlement, index: i, satelliteInstitutions: satelliteCounts[settlement.id] ?? 0,
                                      profile: profile, detail: detail))
            }
        }
        return slots.values()
    }
}

/// Distinct operator names and their ordinals. Names are compared by their UTF-8 bytes: comparing
/// or hashing a Swift `String` normalises non-ASCII text (Kazakh operator names) first, which is
/// slow for millions of sites, while byte equality is what the data means here. A region has a
/// handful of operators, so a linear scan beats hashing (a byte-keyed dictionary takes over beyond
/// 16 names); the last match is tried first.
struct OperatorTable {
    private(set) var names: [String] = []
    private var bytes: [[UInt8]] = []
    /// Ordinal by bytes, used once there are more than 16 names.
    private var index: [[UInt8]: Int] = [:]
    private var last = -1

    /// The ordinal of `name`, adding it when new.
    mutating func ordinal(of name: String) -> Int32 {
        var name = name
        let found = name.withUTF8 { utf8 -> Int? in
            if last >= 0 && UTF8Bytes.equal(bytes[last], utf8) { return last }
            if bytes.count > 16 { return index[Array(utf8)] }
            return bytes.indices.first { UTF8Bytes.equal(bytes[$0], utf8) }
        }
        if let found {
            last = found
            return Int32(found)
        }
        names.append(name)
        let key = name.withUTF8 { Array($0) }
        bytes.append(key)
        index[key] = names.count - 1
        last = names.count - 1
        return Int32(last)
    }
}

/// Slots written from several threads, each index by exactly one of them, then read once all
/// writers have finished (`DispatchQueue.concurrentPerform` returns only then).
final class WriteOnceSlots<Value>: @unchecked Sendable {
    private let base: UnsafeMutablePointer<Value?>
    private let count: Int

    init(count: Int) {
        self.count = count
        base = UnsafeMutablePointer<Value?>.allocate(capacity: max(count, 1))
        base.initialize(repeating: nil, count: count)
    }

    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }

    /// Stores the value of slot `i` (each slot from one thread only).
    func set(_ i: Int, _ value: Value) { base[i] = value }

    /// The filled slots in index order.
    func values() -> [Value] { (0..<count).compactMap { base[$0] } }
}

extension EarthPointTree.Part {
    /// Adds a point with its item and reach (metres).
    mutating func append(_ point: GeoPoint, _ item: Int32, _ reach: Double) {
        points.append(point)
        items.append(item)
        reaches.append(reach)
    }
}
