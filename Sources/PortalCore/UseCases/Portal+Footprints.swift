import Coverage
import Foundation
import GeoModel
import GeoStorage
import Geodesy

extension Portal {
    /// The covered area per operator and technology as of a year: the geodesic circles of the
    /// sites that count, unioned per group and snapped to a grid of `10^-precision` degrees.
    /// - Parameters:
    ///   - operatorName: only this operator (brand or company), when set.
    ///   - technology: only this technology, when set.
    ///   - segments: vertices per circle (``GeodesicCircle/segmentRange``).
    ///   - precision: decimals of the snapping grid (6–15).
    /// - Throws: ``PortalError`` for a parameter out of range; `CoverageError` for an unknown
    ///   operator; storage errors from the union.
    public func footprints(_ request: AnalysisRequest, operatorName: String? = nil, technology: MobileTechnology? = nil,
                           segments: Int = 64, precision: Int = 6) throws -> [CoverageFootprint] {
        _ = try CalendarYear.checked(request.asOfYear, name: "as-of")
        guard GeodesicCircle.segmentRange.contains(segments) else {
            throw PortalError(.invalidInput, "segments must be between \(GeodesicCircle.segmentRange.lowerBound) and "
                + "\(GeodesicCircle.segmentRange.upperBound), got \(segments)")
        }
        // Snapping to 10⁻⁶° moves a vertex by at most 0.08 m, well inside the circles' half-metre
        // margin; 10⁻⁵° (up to 0.7 m) would not be.
        guard (6...15).contains(precision) else {
            throw PortalError(.invalidInput, "precision must be between 6 and 15, got \(precision)")
        }
        let loaded = try loadAnalysis(request.propagation)
        let engine = loaded.analysis.engine(asOf: request.asOfYear, scenario: request.scenario)
        var operators: [String]?
        if let operatorName { operators = try engine.operators(matching: operatorName) }
        let groups = engine.footprintGroups(operators: operators, technology: technology, segments: segments)
        let total = groups.reduce(0) { $0 + $1.siteCount }
        let labels = groups.map { "\($0.label) (\(NumberFormat.grouped($0.siteCount)) sites)" }
        var progress: (@Sendable (Int) -> Void)?
        if total >= 5_000 {
            let notify = self.notify
            progress = { @Sendable (index: Int) -> Void in notify("unioned \(labels[index])") }
        }
        let merged = try PolygonUnion.unions(of: groups.map(\.polygons), names: groups.map(\.label),
                                             gridDegrees: pow(10, -Double(precision)), progress: progress)
        var footprints: [CoverageFootprint] = []
        for (group, union) in zip(groups, merged) {
            guard let geometry = union.geometry else { continue }
            var kept = group
            kept.polygons = []
            footprints.append(CoverageFootprint(group: kept, geometry: geometry.promotedToMulti,
                                                areaSquareMeters: union.areaSquareMeters))
        }
        return footprints
    }
}
