import Dispatch
import GeoModel
import Geodesy

/// The circles of the sites of one operator and technology that count as of a year, ready to be
/// unioned into a coverage footprint.
public struct FootprintGroup: Sendable {
    /// The operator (brand as in the sites layer), nil for sites without one.
    public var operatorName: String?
    /// The technology.
    public var technology: MobileTechnology
    /// How many sites contribute.
    public var siteCount: Int
    /// One polygon per site circle (two for a circle cut at ±180°; boxes near a pole): arrays of
    /// closed rings in EPSG:4326, see ``GeodesicCircle``. Each contains every point within the
    /// site's range for ``technology``.
    public var polygons: [[[GeoPoint]]]

    /// `Tele2 4G`, or `no operator 4G`.
    public var label: String { "\(operatorName ?? "no operator") \(technology.label)" }
}

/// A footprint: the union of a group's circles.
public struct CoverageFootprint: Sendable {
    /// The group it was built from (its polygons may be dropped once unioned).
    public var group: FootprintGroup
    /// A Polygon or MultiPolygon (EPSG:4326, lon/lat).
    public var geometry: Geometry
    /// The ellipsoidal area, square metres.
    public var areaSquareMeters: Double

    /// Creates a footprint from a group and its union.
    public init(group: FootprintGroup, geometry: Geometry, areaSquareMeters: Double) {
        self.group = group
        self.geometry = geometry
        self.areaSquareMeters = areaSquareMeters
    }
}

extension CoverageEngine {
    /// The operators of radio sites (any status) whose name (brand) or licensed company matches `query`
    /// ignoring case, spaces and punctuation: `tele2` → `Tele2`, `Kar-Tel` → `Beeline`,
    /// `Mobile Telecom-Service` → `Altel` and `Tele2` (those present).
    /// - Throws: `CoverageError.unknownOperator` listing the operators of the sites.
    public func operators(matching query: String) throws(CoverageError) -> [String] {
        func key(_ text: String) -> String { String(text.lowercased().unicodeScalars.filter { OperatorKey.isAlphanumeric($0) }) }
        let wanted = key(query)
        let brands = Set(MobileOperator.kazakhstan.filter { key($0.company) == wanted }.map(\.brand))
        let (operatorOrdinals, operatorNames) = operatorIndex()
        var radioOrdinals = Set<Int32>()
        for (site, ordinal) in operatorOrdinals.enumerated() where ordinal >= 0 && sites[site].isRadioSite {
            radioOrdinals.insert(ordinal)
        }
        let radioOperators = radioOrdinals.map { operatorNames[Int($0)] }.sorted()
        let matches = radioOperators.filter { key($0) == wanted || brands.contains($0) }
        guard !matches.isEmpty else { throw .unknownOperator(query, known: radioOperators) }
        return matches
    }

    /// The circles of the sites counted as of the engine's year and scenario, grouped per operator
    /// and technology (groups ordered by operator name, sites without an operator last, then by
    /// technology best first).
    ///
    /// - Parameters:
    ///   - operators: only these operators (see ``operators(matching:)``); nil for all, including
    ///     sites without an operator.
    ///   - technology: only this technology; nil for all.
    ///   - segments: vertices per circle (see ``GeodesicCircle/enclosingRings(center:radiusMeters:segments:)``).
    public func footprintGroups(operators: [String]? = nil, technology: MobileTechnology? = nil,
                                segments: Int = 64) -> [FootprintGroup] {
        let (operatorOrdinals, operatorNames) = operatorIndex()
        let wantedOrdinals: Set<Int32>? = operators.map { names in
            Set(operatorNames.indices.filter { names.contains(operatorNames[$0]) }.map(Int32.init))
        }
        var members: [GroupKey: [Int]] = [:]
        for site in sites.indices where active[site] {
            let ordinal = operatorOrdinals[site]
            if let wantedOrdinals, !wantedOrdinals.contains(ordinal) { continue }
            for carried in sites[site].technologies.mobile where technology == nil || carried == technology {
                if rangeMeters(site: site, technology: carried) != nil {
                    members[GroupKey(ordinal: ordinal, technology: carried), default: []].append(site)
                }
            }
        }
        let keys = members.keys.sorted { a, b in
            let nameA = a.ordinal >= 0 ? operatorNames[Int(a.ordinal)] : nil
            let nameB = b.ordinal >= 0 ? operatorNames[Int(b.ordinal)] : nil
            if nameA != nameB {
                guard let nameA else { return false }
                guard let nameB else { return true }
                return nameA < nameB
            }
            return a.technology > b.technology
        }
        return keys.map { key in
            let siteIndices = members[key] ?? []
            let slots = WriteOnceSlots<[[[GeoPoint]]]>(count: siteIndices.count)
            DispatchQueue.concurrentPerform(iterations: siteIndices.count) { k in
                let site = siteIndices[k]
                let radius = rangeMeters(site: site, technology: key.technology) ?? 0
                let rings = GeodesicCircle.enclosingRings(center: sites[site].position, radiusMeters: radius, segments: segments)
                slots.set(k, rings.map { [$0] })
            }
            return FootprintGroup(operatorName: key.ordinal >= 0 ? operatorNames[Int(key.ordinal)] : nil,
                                  technology: key.technology, siteCount: siteIndices.count,
                                  polygons: slots.values().flatMap { $0 })
        }
    }

    private struct GroupKey: Hashable {
        var ordinal: Int32
        var technology: MobileTechnology
    }
}

/// The characters operator keys keep: letters (any script) and ASCII digits; spaces and
/// punctuation are ignored.
enum OperatorKey {
    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: scalar.value > 0x7F && scalar.properties.isAlphabetic
        }
    }
}

/// Writes footprints as an RFC 7946 FeatureCollection or a GeoJSON text sequence.
///
/// One feature per operator and technology: `id` `Tele2 4G`, geometry a Polygon or MultiPolygon
/// (EPSG:4326 lon/lat, `precision` decimals, right-hand rule), properties `operator` (null for sites
/// without one), `technology`, `sites` (how many circles were unioned), `area_km2` (ellipsoidal,
/// 0.001 km²), `as_of` and `scenario`.
public struct FootprintWriter: Sendable {
    /// Output formats of footprints.
    public enum Format: String, Sendable, CaseIterable {
        /// One FeatureCollection with a `qamtu` member stating year, scenario and segments.
        case geojson
        /// One Feature per line.
        case geojsonseq
    }

    /// The format written.
    public var format: Format
    /// Decimals of coordinates (0–15).
    public var precision: Int
    /// Further members of the GeoJSON FeatureCollection, written after its `qamtu` member (a
    /// server's `numberMatched`, `numberReturned` and `links`): JSON object members without the
    /// braces, or empty. The sequence format ignores them.
    public var collectionMembers = ""

    /// Creates a writer.
    public init(format: Format = .geojson, precision: Int = 6) {
        self.format = format
        self.precision = precision
    }

    /// Writes `footprints`, found as of `asOfYear` in `scenario` with `segments` vertices per circle;
    /// returns the number of features written.
    @discardableResult
    public func write(_ footprints: [CoverageFootprint], asOfYear: Int, scenario: Scenario, segments: Int,
                      to sink: OutputSink) throws(GeoModelError) -> Int {
        let writer = GeoJSONWriter(precision: precision)
        var out = JSONBuffer(capacity: 1 << 16)
        if format == .geojson {
            out.raw("{\"type\":\"FeatureCollection\",\"name\":\"footprints\",\"qamtu\":")
            writer.json(.object([("as_of", .integer(Int64(asOfYear))), ("scenario", .string(scenario.rawValue)),
                                 ("segments", .integer(Int64(segments)))]), into: &out)
            if !collectionMembers.isEmpty {
                out.raw(",")
                out.raw(collectionMembers)
            }
            out.raw(",\"features\":[\n")
        }
        for (index, footprint) in footprints.enumerated() {
            if format == .geojson && index > 0 { out.raw(",\n") }
            out.raw("{\"type\":\"Feature\",\"id\":")
            out.string(footprint.group.label)
            out.raw(",\"geometry\":")
            writer.geometry(footprint.geometry, into: &out)
            out.raw(",\"properties\":{\"operator\":")
            if let name = footprint.group.operatorName { out.string(name) } else { out.raw("null") }
            out.raw(",\"technology\":")
            out.string(footprint.group.technology.label)
            out.raw(",\"sites\":")
            out.integer(Int64(footprint.group.siteCount))
            out.raw(",\"area_km2\":")
            out.fixed(footprint.areaSquareMeters / 1e6, decimals: 3)
            out.raw(",\"as_of\":")
            out.integer(Int64(asOfYear))
            out.raw(",\"scenario\":")
            out.string(scenario.rawValue)
            out.raw("}}")
            if format == .geojsonseq { out.raw("\n") }
            try sink.drain(&out)
        }
        if format == .geojson { out.raw(footprints.isEmpty ? "]}\n" : "\n]}\n") }
        try sink.drain(&out)
        try sink.finish()
        return footprints.count
    }
}
