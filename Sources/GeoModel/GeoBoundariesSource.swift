import Foundation
import Geodesy

/// geoBoundaries ADM boundaries → districts, one feature per district.
///
/// geoBoundaries files give a district's separate parts as features of their own: several features
/// of the same `shapeName`, or exclaves under a shortened name ("Zhamb." of "Zhambylskiy", "Zhualy"
/// of "Zhualynskiy" in Zhambyl oblast), each with an opaque `shapeID` such as
/// `9891525B13705604007606`. This source joins the parts of one district into one MultiPolygon:
///
/// - parts of the same name (ignoring case) whose bounding boxes lie within ``nearDegrees`` of each
///   other; farther apart, they are different districts that share a name (a country file has
///   three "Zhambylskiy" districts in three oblasts);
/// - a part whose name, without a final `.`, is a shorter prefix (at least four characters) of a
///   near part's name joins the nearest such part.
///
/// The joined district takes the name and `shapeISO` of its largest part, and a readable id made
/// from that name (``readableID(_:)``: `Zhualynskiy` → `zhualynskiy`, `Esil`skiy` → `esil-skiy`),
/// with `-2`, `-3` … for the second and later districts of the same name in the file. Districts
/// come out in the order of their first part. Unreadable features and features without a polygon
/// pass through unchanged, for validation to report.
///
/// Unlike the other sources this one reads the whole file before its first feature (parts of a
/// district may be anywhere in it); boundary files are small (the ADM2 file of Kazakhstan is 1 MB).
/// Bounding boxes are compared in plain longitude/latitude (no antimeridian handling).
final class GeoBoundariesSource: FeatureSource {
    private let inner: GeoJSONSource
    private var districts: [SourceFeature]?
    private var nextIndex = 0

    /// Parts whose bounding boxes are farther apart than this, in degrees (about 100 km), are
    /// different districts even when they share a name.
    static let nearDegrees = 1.0

    var progress: (done: Int, total: Int?) { inner.progress }
    var skipped: [String: Int] { inner.skipped }
    var ignoredFields: Set<String> { inner.ignoredFields }
    var decimalComma: Bool { false }

    init(path: String, displayName: String?, layer: LayerSchema, options: SourceOptions) throws(GeoModelError) {
        inner = try GeoJSONSource(path: path, displayName: displayName, layer: layer, options: options, adapter: GeoBoundaries.adapt)
    }

    func next() throws(GeoModelError) -> SourceFeature? {
        if districts == nil {
            var all: [SourceFeature] = []
            while let feature = try inner.next() { all.append(feature) }
            districts = Self.joinParts(all)
        }
        guard let districts, nextIndex < districts.count else { return nil }
        defer { nextIndex += 1 }
        return districts[nextIndex]
    }

    /// One part of a district: its feature's index, lower-cased name, polygons, box and area.
    private struct Part {
        var index: Int
        var name: String
        var polygons: [[[GeoPoint]]]
        var box: BoundingBox
        var area: Double
    }

    /// Joins the parts of each district (see the type's documentation).
    static func joinParts(_ features: [SourceFeature]) -> [SourceFeature] {
        var parts: [Part] = []
        for (i, feature) in features.enumerated() where !feature.isUnreadable {
            guard case .string(let name)? = feature.properties["name"], !name.isEmpty,
                  let polygons = feature.geometry.flatMap(Self.polygons), let box = feature.geometry?.boundingBox else { continue }
            var area = 0.0
            for polygon in polygons { area += abs(planarArea(polygon.first ?? [])) }
            parts.append(Part(index: i, name: name.lowercased(), polygons: polygons, box: box, area: area))
        }
        var leader = Array(parts.indices)
        func root(_ i: Int) -> Int {
            var i = i
            while leader[i] != i { leader[i] = leader[leader[i]]; i = leader[i] }
            return i
        }
        func join(_ a: Int, _ b: Int) { leader[root(a)] = root(b) }
        for a in parts.indices {
            for b in parts.indices where b > a && parts[a].name == parts[b].name && gap(parts[a].box, parts[b].box) <= nearDegrees {
                join(a, b)
            }
        }
        for a in parts.indices {
            let short = parts[a].name.hasSuffix(".") ? String(parts[a].name.dropLast()) : parts[a].name
            guard short.count >= 4 else { continue }
            let candidates = parts.indices.filter { b in
                b != a && parts[b].name != parts[a].name
                    && parts[b].name.count > short.count && parts[b].name.hasPrefix(short) && gap(parts[a].box, parts[b].box) <= nearDegrees
            }
            if let nearest = candidates.min(by: { gap(parts[a].box, parts[$0].box) < gap(parts[a].box, parts[$1].box) }) {
                join(a, nearest)
            }
        }
        // Each district, in the order of its first part: its parts, largest first.
        var groups: [Int: [Int]] = [:]
        var order: [Int] = []
        for i in parts.indices {
            let r = root(i)
            if groups[r] == nil { order.append(r) }
            groups[r, default: []].append(i)
        }
        var joined: [Int: SourceFeature] = [:]  // feature index of a district's first part → the district
        var absorbed: Set<Int> = []             // feature indexes of parts joined into a district
        var usedIDs: [String: Int] = [:]
        for r in order {
            let members = groups[r] ?? []
            guard let largest = members.max(by: { parts[$0].area < parts[$1].area }) else { continue }
            var district = features[parts[largest].index]
            let ordered = [largest] + members.filter { $0 != largest }
            district.geometry = .multiPolygon(ordered.flatMap { parts[$0].polygons })
            let name = district.properties["name"].flatMap { if case .string(let s) = $0 { s } else { nil } } ?? ""
            var id = readableID(name)
            if id.isEmpty, case .string(let shapeID)? = district.properties["id"] { id = shapeID }
            usedIDs[id, default: 0] += 1
            if let n = usedIDs[id], n > 1 { id += "-\(n)" }
            district.properties["id"] = .string(id)
            let first = members.map { parts[$0].index }.min() ?? parts[largest].index
            joined[first] = district
            for m in members { absorbed.insert(parts[m].index) }
        }
        var out: [SourceFeature] = []
        for (i, feature) in features.enumerated() {
            if let district = joined[i] { out.append(district) } else if !absorbed.contains(i) { out.append(feature) }
        }
        return out
    }

    /// A readable id from a district name: letters and digits lower-cased, every other run of
    /// characters one `-` (`Esil`skiy` → `esil-skiy`, `T. Ryskulov` → `t-ryskulov`).
    static func readableID(_ name: String) -> String {
        var id = ""
        for c in name.lowercased() {
            if c.isLetter || c.isNumber {
                id.append(c)
            } else if !id.isEmpty && !id.hasSuffix("-") {
                id.append("-")
            }
        }
        return id.hasSuffix("-") ? String(id.dropLast()) : id
    }

    /// The polygons of a Polygon or MultiPolygon, nil for other geometries.
    private static func polygons(_ geometry: Geometry) -> [[[GeoPoint]]]? {
        switch geometry {
        case .polygon(let rings): [rings]
        case .multiPolygon(let polygons): polygons
        default: nil
        }
    }

    /// The distance in degrees between two boxes (0 when they touch or overlap).
    private static func gap(_ a: BoundingBox, _ b: BoundingBox) -> Double {
        let dx = max(0, a.minLongitude - b.maxLongitude, b.minLongitude - a.maxLongitude)
        let dy = max(0, a.minLatitude - b.maxLatitude, b.minLatitude - a.maxLatitude)
        return (dx * dx + dy * dy).squareRoot()
    }

    /// The signed shoelace area of a ring in square degrees (only to compare parts' sizes).
    private static func planarArea(_ ring: [GeoPoint]) -> Double {
        guard ring.count > 2 else { return 0 }
        var sum = 0.0
        for i in 0..<(ring.count - 1) {
            let a = ring[i], b = ring[i + 1]
            sum += a.longitude * b.latitude - b.longitude * a.latitude
        }
        return sum / 2
    }
}
