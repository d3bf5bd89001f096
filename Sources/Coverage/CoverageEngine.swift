import CPrefetch
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
    /// For fibre from a fibre node: the nearest covering node and its exact distance (without it,
    /// the first covering node found, and no distance).
    public static let fixedNode = EvaluationDetail(rawValue: 4)
    /// Everything (what reasons and the full output need).
    public static let all: EvaluationDetail = [.coveringSites, .nearestSite, .fixedNode]
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
    /// The sites that cover the settlement only with technologies below ``bestMobile``: by
    /// technology (best first), then nearest first; each site once, at its best technology.
    /// Found with ``EvaluationDetail/coveringSites``, like ``coveringSites``.
    public var lowerTechnologySites: [LowerTechnologySite] = []
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
/// fibre nodes with an explicit reach get their own tree; the nearest-site search runs over the
/// technology trees. The trees are built bottom-up over the counted sites in a spatial order:
/// the sites' stored ranks (``CoverageSite/spatialRank``, kept by the site pack) when present and
/// consistent, else a k-d order computed here (``SpatialOrder``).
///
/// For a settlement, the trees are searched best technology first (5G, 4G, 3G, 2G) and the
/// search stops at the first technology that covers it. A site covers when the geodesic distance
/// on the WGS84 ellipsoid is at most its range — a distance exactly at the range counts. Chord
/// bounds (``DistanceBounds``) decide almost every pair; the exact Karney distance is computed only
/// within a micrometre-wide band around the range, so results equal a brute-force all-pairs
/// computation. Settlements are evaluated in parallel, in Z order; a search that only asks whether
/// any site covers first tries the last four points of its tree that covered a settlement before
/// (``SearchHints``).
///
/// Immutable once built; a class, so that the evaluation threads share it without copying it.
public final class CoverageEngine: @unchecked Sendable {
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
    let mobileTrees: [(technology: MobileTechnology, tree: EarthPointTree)]
    let fibreTree: EarthPointTree
    /// The views of ``mobileTrees``, best technology first, in storage of the engine's own (freed
    /// in `deinit`): what evaluation searches, without reference counting.
    private let mobileViews: UnsafeBufferPointer<(technology: MobileTechnology, view: EarthPointTree.View)>
    /// The view of ``fibreTree``.
    private let fibreView: EarthPointTree.View

    /// Builds the engine: activity, ranges and indexes.
    public init(sites: [CoverageSite], rangeModel: RangeModel = RangeModel(), asOfYear: Int, scenario: Scenario) {
        self.sites = sites
        self.rangeModel = rangeModel
        self.asOfYear = asOfYear
        self.scenario = scenario
        // 1. In parallel over halves of the sites: activity, the trees each counted site goes
        //    into, and the counted sites by spatial rank (``CoverageSite/spatialRank``, kept by
        //    the site pack), which orders them spatially without sorting.
        let n = sites.count
        let halves = n < 20_000 ? 1 : 2
        var active = [Bool](repeating: false, count: n)
        var trees = [UInt8](repeating: 0, count: n)
        // Per half its own ranks (half h at offset h·n), so that no element is written by both
        // threads even when the ranks are not distinct.
        var byRank = [Int32](repeating: -1, count: n * halves)
        let tallies = WriteOnceSlots<(members: Int, ranked: Bool)>(count: halves)
        sites.withUnsafeBufferPointer { siteBuffer in
            active.withUnsafeMutableBufferPointer { activeBuffer in
                trees.withUnsafeMutableBufferPointer { treeBuffer in
                    byRank.withUnsafeMutableBufferPointer { rankBuffer in
                        // Each half writes the elements of its own sites and its own ranks; ranks
                        // are distinct unless the data is inconsistent, which step 2 notices.
                        let sites = SharedBuffer(siteBuffer), active = SharedOutput(activeBuffer)
                        let trees = SharedOutput(treeBuffer), byRank = SharedOutput(rankBuffer)
                        DispatchQueue.concurrentPerform(iterations: halves) { h in
                            var members = 0
                            var ranked = true
                            for i in (n * h / halves)..<(n * (h + 1) / halves) {
                                // Fields read in place: copying a site would retain its strings.
                                let site = sites.buffer.baseAddress.unsafelyUnwrapped + i
                                guard site.pointee.position.isValid,
                                      SiteActivity.counts(status: site.pointee.status,
                                                          commissionedYear: site.pointee.commissionedYear,
                                                          plannedYear: site.pointee.plannedYear, asOf: asOfYear,
                                                          scenario: scenario)
                                else { continue }
                                active.buffer[i] = true
                                let bits = Self.trees(technologies: site.pointee.technologies, kind: site.pointee.kind,
                                                      explicitRange: site.pointee.explicitRangeMeters)
                                guard bits != 0 else { continue }
                                trees.buffer[i] = bits
                                members += 1
                                if ranked, let rank = site.pointee.spatialRank, Int(rank) < n {
                                    byRank.buffer[h * n + Int(rank)] = Int32(i)
                                } else {
                                    ranked = false
                                }
                            }
                            tallies.set(h, (members, ranked))
                        }
                    }
                }
            }
        }
        self.active = active
        // 2. The counted sites in spatial order: by rank when every one has a rank and none was
        //    overwritten (as many filled ranks as counted sites), else in their k-d order
        //    computed here.
        let counts = tallies.values()
        let members = counts.reduce(0) { $0 + $1.members }
        var ordered: (order: [Int32], parts: [(sites: Int, trees: [Int])])?
        if counts.allSatisfy(\.ranked) {
            // A rank taken in both halves keeps both sites (still each site once); a rank taken
            // twice within a half lost a site, and the count notices.
            let compacted = Self.compactRanks(byRank, halves: halves, trees: trees)
            if compacted.order.count == members { ordered = compacted }
        }
        let built: [EarthPointTree]
        if let ordered {
            built = Self.buildTrees(sites: sites, trees: trees, order: ordered.order, parts: ordered.parts, rangeModel: rangeModel)
        } else {
            let counted = trees.indices.filter { trees[$0] != 0 }
            let order = SpatialOrder.order(count: counted.count) { EarthCenteredPoint(sites[counted[$0]].position) }
                .map { Int32(counted[Int($0)]) }
            built = Self.buildTrees(sites: sites, trees: trees, order: order, parts: nil, rangeModel: rangeModel)
        }
        mobileTrees = MobileTechnology.bestFirst.compactMap { technology in
            let tree = built[technology.rawValue - 2]
            return tree.count > 0 ? (technology, tree) : nil
        }
        fibreTree = built[4]
        fibreView = fibreTree.view
        let views = UnsafeMutableBufferPointer<(technology: MobileTechnology, view: EarthPointTree.View)>
            .allocate(capacity: mobileTrees.count)
        _ = views.initialize(from: mobileTrees.map { ($0.technology, $0.tree.view) })
        mobileViews = UnsafeBufferPointer(views)
    }

    deinit {
        mobileViews.deallocate()
    }

    /// Per site, the index of its operator in `names` (−1: none), and the distinct operator names
    /// in order of first appearance (for grouping by operator; computed when asked).
    func operatorIndex() -> (ordinals: [Int32], names: [String]) {
        var operators = OperatorTable()
        var ordinals = [Int32](repeating: -1, count: sites.count)
        sites.withUnsafeBufferPointer { sites in
            for i in sites.indices {
                if let name = sites[i].operatorName { ordinals[i] = operators.ordinal(of: name) }
            }
        }
        return (ordinals, operators.names)
    }

    /// The trees a counted site goes into: bit `t − 2` for each mobile technology `t` it carries,
    /// bit 4 for the fibre tree (a fibre node with an explicit reach). From the site's values, read
    /// in place by the caller (passing a site would copy it).
    @inline(__always)
    static func trees(technologies: TechnologySet, kind: SiteKind, explicitRange range: Double?) -> UInt8 {
        var bits: UInt8 = 0
        if technologies.contains(.g2) { bits |= 1 }
        if technologies.contains(.g3) { bits |= 2 }
        if technologies.contains(.g4) { bits |= 4 }
        if technologies.contains(.g5) { bits |= 8 }
        if explicitRange(range) != nil && (kind == .fibreNode || technologies.contains(.fibre)) { bits |= 16 }
        return bits
    }

    /// A site's explicit range (`explicitRangeMeters`) when it is a usable distance (finite, not
    /// negative): it applies to every technology (``RangeModel``'s first rule) and is a fibre
    /// node's reach.
    @inline(__always)
    static func explicitRange(_ value: Double?) -> Double? {
        guard let value, value.isFinite, value >= 0 else { return nil }
        return value
    }

    /// The counted sites in rank order from `byRank` (half h's site of rank r at h·n + r, −1 for
    /// none; at equal rank, half 0's first), and how many go into each tree from each part of it:
    /// two threads compact half the ranks each (counting, then filling at their offsets).
    private static func compactRanks(_ byRank: [Int32], halves: Int, trees: [UInt8])
        -> (order: [Int32], parts: [(sites: Int, trees: [Int])]) {
        let n = byRank.count / max(halves, 1)
        let parts = n < 20_000 ? 1 : 2
        let ranks = (0...parts).map { n * $0 / parts }
        let tallies = WriteOnceSlots<(sites: Int, trees: [Int])>(count: parts)
        byRank.withUnsafeBufferPointer { byRank in
            trees.withUnsafeBufferPointer { treeBuffer in
                let byRank = SharedBuffer(byRank), trees = SharedBuffer(treeBuffer)
                DispatchQueue.concurrentPerform(iterations: parts) { p in
                    var sites = 0
                    var perTree = [Int](repeating: 0, count: treeCount)
                    for rank in ranks[p]..<ranks[p + 1] {
                        for h in 0..<halves where byRank.buffer[h * n + rank] >= 0 {
                            sites += 1
                            let bits = trees.buffer[Int(byRank.buffer[h * n + rank])]
                            tally(bits, into: &perTree)
                        }
                    }
                    tallies.set(p, (sites, perTree))
                }
            }
        }
        let counted = tallies.values()
        var starts = [0]
        for part in counted { starts.append((starts.last ?? 0) + part.sites) }
        let offsets = starts
        let order = [Int32](unsafeUninitializedCapacity: offsets[parts]) { buffer, initialized in
            let output = SharedOutput(buffer)
            byRank.withUnsafeBufferPointer { byRank in
                let byRank = SharedBuffer(byRank)
                DispatchQueue.concurrentPerform(iterations: parts) { p in
                    var k = offsets[p]
                    for rank in ranks[p]..<ranks[p + 1] {
                        for h in 0..<halves where byRank.buffer[h * n + rank] >= 0 {
                            output.buffer.initializeElement(at: k, to: byRank.buffer[h * n + rank])
                            k += 1
                        }
                    }
                }
            }
            initialized = offsets[parts]
        }
        return (order, counted)
    }

    /// The number of trees: 4 mobile (2G–5G) and the fibre tree.
    private static let treeCount = 5

    /// Counts a site in `count[t]` for each tree `t` of its bits (``trees(technologies:kind:explicitRange:)``).
    @inline(__always)
    private static func tally(_ bits: UInt8, into count: inout [Int]) {
        for t in 0..<treeCount where bits & (1 << UInt8(t)) != 0 { count[t] += 1 }
    }

    /// Builds the 5 trees (4 mobile, 1 fibre) over the sites of `order` (a spatial order of the
    /// counted sites): threads fill the points of each tree, each from its part of the order into
    /// its own ranges, then the nodes of each tree are built. The sites are read in the order's
    /// sequence, scattered over memory: each load is prefetched some sites ahead.
    /// - Parameter parts: the consecutive parts of `order` (their sites, and how many of them go
    ///   into each tree), as ``compactRanks(_:halves:trees:)`` counted them; nil: two halves,
    ///   counted here.
    private static func buildTrees(sites: [CoverageSite], trees: [UInt8], order: [Int32],
                                   parts known: [(sites: Int, trees: [Int])]?, rangeModel: RangeModel) -> [EarthPointTree] {
        let parts: [(sites: Int, trees: [Int])]
        if let known {
            parts = known
        } else {
            let halves = order.count < 20_000 ? 1 : 2
            let bounds = (0...halves).map { order.count * $0 / halves }
            // Points per half and tree (counted in parallel): where each half starts filling each tree.
            let counted = WriteOnceSlots<(sites: Int, trees: [Int])>(count: halves)
            DispatchQueue.concurrentPerform(iterations: halves) { h in
                var count = [Int](repeating: 0, count: treeCount)
                for k in bounds[h]..<bounds[h + 1] {
                    let bits = trees[Int(order[k])]
                    tally(bits, into: &count)
                }
                counted.set(h, (bounds[h + 1] - bounds[h], count))
            }
            parts = counted.values()
        }
        let halves = parts.count
        // Where each part starts in `order`, and in each tree.
        var partStarts = [0]
        var starts = [[Int]](repeating: [Int](repeating: 0, count: treeCount), count: halves + 1)
        for h in 0..<halves {
            partStarts.append(partStarts[h] + parts[h].sites)
            for t in 0..<treeCount { starts[h + 1][t] = starts[h][t] + parts[h].trees[t] }
        }
        precondition(partStarts[halves] == order.count, "the parts do not cover the order")
        let bounds = partStarts
        let storages = (0..<treeCount).map { EarthPointTree.Storage(count: starts[halves][$0]) }
        let writers = storages.map(\.writer)
        let fill = starts
        let ahead = 12
        sites.withUnsafeBufferPointer { siteBuffer in
            writers.withUnsafeBufferPointer { writerBuffer in
                // Plain pointers: the two threads share no reference count.
                let sites = SharedBuffer(siteBuffer), writers = SharedBuffer(writerBuffer)
                DispatchQueue.concurrentPerform(iterations: halves) { h in
                    guard let base = sites.buffer.baseAddress else { return }
                    var cursor = fill[h]
                    for k in bounds[h]..<bounds[h + 1] {
                        if k + ahead < bounds[h + 1] {
                            // What is read of a site with an explicit range lies in its first 25
                            // bytes (``CoverageSite``'s layout): mostly one cache line. (Band,
                            // height and EIRP, for the range model, follow.)
                            let next = UnsafeRawPointer(base + Int(order[k + ahead]))
                            qamtu_prefetch(next)
                            qamtu_prefetch(next + 24)
                        }
                        let i = Int(order[k])
                        let site = base + i
                        let bits = trees[i]
                        let position = site.pointee.position
                        let e = EarthCenteredPoint(position)
                        let explicit = explicitRange(site.pointee.explicitRangeMeters)
                        for t in 0..<4 where bits & (1 << UInt8(t)) != 0 {
                            let range: Double
                            if let explicit {
                                range = explicit
                            } else if let technology = MobileTechnology(rawValue: t + 2) {
                                range = rangeModel.rangeMeters(of: site.pointee, for: technology)
                            } else {
                                continue
                            }
                            writers.buffer[t].set(cursor[t], e, item: Int32(i), reach: range)
                            cursor[t] += 1
                        }
                        if bits & (1 << 4) != 0 {
                            writers.buffer[4].set(cursor[4], e, item: Int32(i), reach: explicit)
                            cursor[4] += 1
                        }
                    }
                }
            }
        }
        let results = WriteOnceSlots<EarthPointTree>(count: treeCount)
        DispatchQueue.concurrentPerform(iterations: treeCount) { t in
            results.set(t, EarthPointTree(storage: storages[t]))
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
        var result = connectivity(settlement, index: index, satelliteInstitutions: satelliteInstitutions, detail: detail)
        let classified = profile.classify(result.facts)
        result.coverageClass = classified.coverageClass
        result.ruleIndex = classified.rule
        return result
    }

    /// A settlement's fixed, mobile and satellite connectivity, not classified yet (unserved).
    ///
    /// The searches run on the trees' views and the mobile views' own storage: nothing shared by
    /// the evaluation threads is reference-counted per settlement (contended counts would make the
    /// threads wait for each other's cache lines).
    private func connectivity(_ settlement: CoverageSettlement, index: Int, satelliteInstitutions: Int,
                              detail: EvaluationDetail) -> SettlementCoverage {
        var hints = SearchHints()
        return sites.withUnsafeBufferPointer { sites in
            connectivity(at: settlement.position, fibre: settlement.fibreStatus(asOf: asOfYear, scenario: scenario),
                         index: index, satelliteInstitutions: satelliteInstitutions, detail: detail,
                         hints: &hints, positions: ItemPositions(sites, position: \.position))
        }
    }

    /// A few points of each tree that covered the settlements just evaluated (of the leaf where
    /// a search found a covering point, the one reaching furthest beyond the settlement): where a
    /// search that only asks whether any point covers looks first. Settlements evaluated in Z
    /// order lie near the ones before (the order zigzags, so not always near the last one), so
    /// such a point often covers the next too, and the tree is not searched.
    struct SearchHints {
        /// Points remembered per tree.
        static let depth = 4
        /// Per tree (0: the fibre tree, 1…4: the mobile trees in ``mobileViews`` order), tree
        /// positions, most recently useful first (−1: none).
        private var slots = [Int](repeating: -1, count: 5 * depth)

        /// The first remembered point of tree `t` for which `reaches` holds (moved to the front), or nil.
        @inline(__always)
        mutating func first(_ t: Int, where reaches: (Int) -> Bool) -> Int? {
            let base = t * Self.depth
            for k in 0..<Self.depth {
                let p = slots[base + k]
                if p < 0 { return nil }
                if reaches(p) {
                    if k > 0 { remember(t, p, replacing: k) }
                    return p
                }
            }
            return nil
        }

        /// Remembers point `p` of tree `t` in front: moved there when remembered already, else
        /// the oldest is dropped (or the one at `replacing`).
        @inline(__always)
        mutating func remember(_ t: Int, _ p: Int, replacing last: Int = SearchHints.depth - 1) {
            let base = t * Self.depth
            var k = last
            for j in 0..<Self.depth where slots[base + j] == p {
                k = j
                break
            }
            while k > 0 {
                slots[base + k] = slots[base + k - 1]
                k -= 1
            }
            slots[base] = p
        }
    }

    /// The point of the leaf of tree position `p` that reaches furthest beyond `query` (its
    /// reach less its chord): the best hint for the next settlements, which lie a few kilometres
    /// away in Z order. Only a hint: whether it covers them is decided exactly.
    @inline(__always)
    private static func widestReach(_ tree: EarthPointTree.View, around p: Int, _ query: EarthCenteredPoint) -> Int {
        let start = p - p % EarthPointTree.leafSize
        var best = p, widest = -Double.infinity
        for q in start..<min(tree.count, start + EarthPointTree.leafSize) {
            let point = tree.points[q]
            let dx = point.x - query.x, dy = point.y - query.y, dz = point.z - query.z
            let margin = point.reach - (dx * dx + dy * dy + dz * dz).squareRoot()
            if margin > widest {
                widest = margin
                best = q
            }
        }
        return best
    }

    /// Whether the point at tree position `hint` (−1: none) reaches `position`.
    @inline(__always)
    private static func hintReaches(_ tree: EarthPointTree.View, _ hint: Int, _ query: EarthCenteredPoint,
                                    _ position: GeoPoint, _ positions: ItemPositions) -> Bool {
        guard hint >= 0 && hint < tree.count else { return false }
        let point = tree.points[hint]
        let dx = point.x - query.x, dy = point.y - query.y, dz = point.z - query.z
        let d2 = dx * dx + dy * dy + dz * dz
        return d2 <= Double(point.outerSquared) && tree.reaches(hint, d2, position, positions)
    }

    /// A settlement's connectivity, from the values of it that matter: passing the settlement
    /// itself, read in place from a shared buffer, would copy it (retaining its strings and
    /// record) for every call.
    /// - Parameters:
    ///   - position: the settlement's position (WGS84 lon/lat degrees).
    ///   - fibre: its own fibre status as of the year (``CoverageSettlement/fibreStatus(asOf:scenario:)``).
    private func connectivity(at position: GeoPoint, fibre: (access: FixedAccess?, note: String?), index: Int,
                              satelliteInstitutions: Int, detail: EvaluationDetail, hints: inout SearchHints,
                              positions: ItemPositions) -> SettlementCoverage {
        let query = EarthCenteredPoint(position)
        let fibreTree = fibreView
        var (fixed, fibreNote) = fibre
        if fixed == nil && !detail.contains(.fixedNode) {
            // Whether any node covers: the nodes that covered the last settlements first, else
            // the search stops at the first.
            if let hint = hints.first(0, where: { Self.hintReaches(fibreTree, $0, query, position, positions) }) {
                fixed = .fibreNode(site: Int(fibreTree.item(hint)), distanceMeters: nil)
            } else {
                fibreTree.forEachPossiblyReaching(query) { p, d2 in
                    guard fibreTree.reaches(p, d2, position, positions) else { return false }
                    fixed = .fibreNode(site: Int(fibreTree.item(p)), distanceMeters: nil)
                    hints.remember(0, Self.widestReach(fibreTree, around: p, query))
                    return true
                }
            }
        } else if fixed == nil {
            var nearestNode: (position: Int, chordSquared: Double)?
            fibreTree.forEachPossiblyReaching(query) { p, d2 in
                guard fibreTree.reaches(p, d2, position, positions) else { return false }
                if let current = nearestNode, current.chordSquared < d2
                    || (current.chordSquared == d2 && fibreTree.item(current.position) < fibreTree.item(p)) { return false }
                nearestNode = (p, d2)
                return false
            }
            if let node = nearestNode {
                fixed = .fibreNode(site: Int(fibreTree.item(node.position)),
                                   distanceMeters: Geodesic.distanceMeters(position, positions[fibreTree.item(node.position)]))
            }
        }
        if fixed != nil { fibreNote = nil }
        var bestMobile: MobileTechnology?
        var covering: [(site: Int32, chordSquared: Double)] = []
        var lower: [LowerTechnologySite] = []
        let listCovering = detail.contains(.coveringSites)
        for k in 0..<mobileViews.count {
            let (technology, tree) = mobileViews[k]
            if listCovering {
                // Every technology's covering sites: the best technology's first, then the sites
                // that reach the settlement only with a lower one (each site once).
                var found: [(site: Int32, chordSquared: Double)] = []
                tree.forEachPossiblyReaching(query) { p, d2 in
                    if tree.reaches(p, d2, position, positions) { found.append((tree.item(p), d2)) }
                    return false
                }
                if bestMobile == nil {
                    if !found.isEmpty {
                        bestMobile = technology
                        covering = found
                    }
                } else if !found.isEmpty {
                    var listed = Set(covering.map(\.site))
                    for site in lower { listed.insert(Int32(site.site)) }
                    found.sort { $0.chordSquared < $1.chordSquared || ($0.chordSquared == $1.chordSquared && $0.site < $1.site) }
                    for hit in found where listed.insert(hit.site).inserted {
                        lower.append(LowerTechnologySite(site: Int(hit.site), technology: technology))
                    }
                }
            } else {
                // Whether any site covers: the sites that covered the last settlements first,
                // else the search stops at the first.
                var found = k < 4 && hints.first(1 + k, where: { Self.hintReaches(tree, $0, query, position, positions) }) != nil
                if !found {
                    tree.forEachPossiblyReaching(query) { p, d2 in
                        found = tree.reaches(p, d2, position, positions)
                        if found && k < 4 { hints.remember(1 + k, Self.widestReach(tree, around: p, query)) }
                        return found
                    }
                }
                if found {
                    bestMobile = technology
                    break
                }
            }
        }
        var coveringSites: [Int] = []
        var closest: Double?
        if !covering.isEmpty {
            covering.sort { $0.chordSquared < $1.chordSquared || ($0.chordSquared == $1.chordSquared && $0.site < $1.site) }
            coveringSites = covering.map { Int($0.site) }
            closest = Geodesic.distanceMeters(position, positions[Int32(coveringSites[0])])
        }
        // The nearest radio site: the best of each technology's tree (a site in several trees is
        // found several times at the same distance). The closest covering site bounds the search.
        var nearest: (item: Int32, distanceMeters: Double)?
        if detail.contains(.nearestSite) {
            var bound = closest ?? .infinity
            for (_, tree) in mobileTrees {
                guard let found = tree.nearest(to: position, k: 1, within: bound, positions: positions).first else { continue }
                if let current = nearest, current.distanceMeters < found.distanceMeters
                    || (current.distanceMeters == found.distanceMeters && current.item <= found.item) { continue }
                nearest = found
                bound = found.distanceMeters
            }
        }
        return SettlementCoverage(
            settlement: index, coverageClass: .unserved, ruleIndex: nil, fixed: fixed, fibreNote: fibreNote,
            bestMobile: bestMobile, coveringSites: coveringSites, closestCoveringMeters: closest, lowerTechnologySites: lower,
            satelliteInstitutions: satelliteInstitutions, nearestSite: nearest.map { Int($0.item) },
            nearestSiteMeters: nearest?.distanceMeters)
    }

    /// Evaluates every settlement in parallel; results are in input order.
    /// - Parameters:
    ///   - satelliteCounts: institutions on satellite per settlement id.
    ///   - detail: what to find beyond the class and the best technologies (see
    ///     ``evaluate(_:index:satelliteInstitutions:profile:detail:)``).
    public func evaluate(_ settlements: [CoverageSettlement], satelliteCounts: [String: Int],
                         profile: ClassificationProfile, detail: EvaluationDetail = .all) -> [SettlementCoverage] {
        evaluate(settlements, order: Self.spatialOrder(settlements), satelliteCounts: satelliteCounts, profile: profile,
                 detail: detail)
    }

    /// ``evaluate(_:satelliteCounts:profile:detail:)`` in the order `order`, a permutation of the
    /// settlements' indices (``spatialOrder(_:)`` of them, computed earlier).
    func evaluate(_ settlements: [CoverageSettlement], order: [Int], satelliteCounts: [String: Int],
                  profile: ClassificationProfile, detail: EvaluationDetail) -> [SettlementCoverage] {
        let n = settlements.count
        guard n > 0 else { return [] }
        precondition(order.count == n, "the order is not a permutation of the settlements")
        // Every slot below is initialised once only if the order is a permutation (debug builds check).
        assert(Set(order) == Set(settlements.indices), "the order is not a permutation of the settlements")
        let chunk = 256
        let classes = ClassificationTable(profile)
        let counts = satelliteCounts.isEmpty ? nil : satelliteCounts
        // Every index is initialised exactly once, by one thread, straight into the result.
        return [SettlementCoverage](unsafeUninitializedCapacity: n) { results, initialized in
            let output = SharedOutput(results)
            settlements.withUnsafeBufferPointer { buffer in
              sites.withUnsafeBufferPointer { siteBuffer in
                // Read in place by every thread: copying a settlement would retain its strings.
                let settlements = SharedBuffer(buffer)
                let positions = ItemPositions(siteBuffer, position: \.position)
                DispatchQueue.concurrentPerform(iterations: (n + chunk - 1) / chunk) { c in
                    var hints = SearchHints()
                    let end = min(n, (c + 1) * chunk)
                    for o in (c * chunk)..<end {
                        if o + 8 < end, let base = settlements.buffer.baseAddress {
                            // Settlements are visited in Z order, scattered over memory.
                            qamtu_prefetch(UnsafeRawPointer(base + order[o + 8]))
                        }
                        let i = order[o]
                        // Fields read in place: a settlement passed or called on would be copied.
                        let settlement = settlements.buffer.baseAddress.unsafelyUnwrapped + i
                        let fibre = CoverageSettlement.fibreStatus(settlement.pointee.fibre, fibreYear: settlement.pointee.fibreYear,
                                                                   asOf: asOfYear, scenario: scenario)
                        // Built in its slot and classified there (a local result was copied into it).
                        let slot = output.buffer.baseAddress.unsafelyUnwrapped + i
                        slot.initialize(to: connectivity(at: settlement.pointee.position, fibre: fibre, index: i,
                                                         satelliteInstitutions: counts?[settlement.pointee.id] ?? 0,
                                                         detail: detail, hints: &hints, positions: positions))
                        (slot.pointee.coverageClass, slot.pointee.ruleIndex) = classes[slot.pointee.facts]
                    }
                }
              }
            }
            initialized = n
        }
    }
}

/// A buffer whose elements several threads write (or initialise, when it is uninitialised),
/// each element by one thread only.
struct SharedOutput<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}

/// A buffer read by several threads while its owner keeps it alive and unchanged.
struct SharedBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<Element>
    init(_ buffer: UnsafeBufferPointer<Element>) { self.buffer = buffer }
}

/// A profile's class for every combination of facts, computed once per evaluation: looking it up
/// touches no shared reference count (classifying with the profile retains its rules).
struct ClassificationTable: @unchecked Sendable {
    /// (fibre, best mobile technology or none, satellite) → class and rule, read through a plain
    /// pointer; the holder frees the storage with the last copy of the table.
    private let base: UnsafePointer<(CoverageClass, Int?)>
    private let holder: Holder

    private final class Holder: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<(CoverageClass, Int?)>
        init(count: Int) { pointer = .allocate(capacity: count) }
        deinit { pointer.deallocate() }
    }

    /// No mobile technology, then 2G … 5G: index `rawValue − 1` for a technology.
    private static let mobileCases: [MobileTechnology?] = [nil, .g2, .g3, .g4, .g5]

    init(_ profile: ClassificationProfile) {
        var entries: [(CoverageClass, Int?)] = []
        for fibre in [false, true] {
            for mobile in Self.mobileCases {
                for satellite in [false, true] {
                    let classified = profile.classify(ConnectivityFacts(fibre: fibre, bestMobile: mobile, satellite: satellite))
                    entries.append((classified.coverageClass, classified.rule))
                }
            }
        }
        holder = Holder(count: entries.count)
        holder.pointer.initialize(from: entries, count: entries.count)
        base = UnsafePointer(holder.pointer)
    }

    /// The class and rule of `facts`.
    subscript(facts: ConnectivityFacts) -> (CoverageClass, Int?) {
        let mobile = facts.bestMobile.map { $0.rawValue - 1 } ?? 0
        let index = ((facts.fibre ? 1 : 0) * Self.mobileCases.count + mobile) * 2 + (facts.satellite ? 1 : 0)
        return base[index]
    }
}

extension CoverageEngine {
    /// The settlements' indices in Z order (Morton order of their quantised longitude and
    /// latitude): neighbours are evaluated one after the other, so the trees' nodes and points
    /// they visit are still in the cache. The order changes nothing in the results.
    static func spatialOrder(_ settlements: [CoverageSettlement]) -> [Int] {
        guard settlements.count > 1024 else { return Array(settlements.indices) }
        var keys = [UInt64]()
        keys.reserveCapacity(settlements.count)
        settlements.withUnsafeBufferPointer { settlements in
            // Positions read in place (iterating the settlements would copy each one).
            for i in settlements.indices {
                let p = settlements[i].position
                let x = cell((p.longitude + 180) / 360), y = cell((p.latitude + 90) / 180)
                keys.append(UInt64(interleave(x) | interleave(y) << 1) << 32 | UInt64(i))
            }
        }
        keys.sort()
        return keys.map { Int($0 & 0xFFFF_FFFF) }
    }

    /// The cell (0…65 535) of a fraction of the range (0…1); out-of-range and non-finite values
    /// (a point no import lets in, but another program may write) go to the nearest end or 0.
    private static func cell(_ fraction: Double) -> UInt32 {
        guard fraction.isFinite else { return 0 }
        return UInt32((min(max(fraction, 0), 1) * 65_535).rounded(.down))
    }

    /// The 16 low bits of `v` spread to the even bits of the result.
    private static func interleave(_ v: UInt32) -> UInt32 {
        var x = v & 0xFFFF
        x = (x | x << 8) & 0x00FF_00FF
        x = (x | x << 4) & 0x0F0F_0F0F
        x = (x | x << 2) & 0x3333_3333
        x = (x | x << 1) & 0x5555_5555
        return x
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
