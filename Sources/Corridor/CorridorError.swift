import GeoModel
import Geodesy

/// The error thrown by the Corridor module when a road or a site cannot be used.
///
/// It wraps a private enumeration so that new cases can be added without breaking
/// callers; compare against the static members (`error == .emptyRoad`) or read the
/// properties that locate the offending element.
public struct CorridorError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case emptyRoad
        case emptyPart(part: Int)
        case invalidVertex(part: Int, index: Int, point: GeoPoint)
        case notALine(geometryType: String)
        case invalidDistance(name: String, value: Double)
        case invalidSite(id: String, reason: String)
        case planDidNotConverge(chainageMeters: Double)
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// A road was built from no parts at all.
    public static let emptyRoad = CorridorError(.emptyRoad)

    /// Part `part` (zero-based) of a road has no vertices.
    public static func emptyPart(_ part: Int) -> CorridorError {
        CorridorError(.emptyPart(part: part))
    }

    /// Vertex `index` of part `part` (both zero-based) is not a valid lon/lat position
    /// (non-finite, or latitude outside `[-90, 90]` degrees).
    public static func invalidVertex(part: Int, index: Int, point: GeoPoint) -> CorridorError {
        CorridorError(.invalidVertex(part: part, index: index, point: point))
    }

    /// A geometry that is not a LineString or MultiLineString was given as a road; the
    /// value is its GeoJSON type name, e.g. `Polygon`.
    public static func notALine(geometryType: String) -> CorridorError {
        CorridorError(.notALine(geometryType: geometryType))
    }

    /// A distance argument (`name`, e.g. `withinMeters`) that is negative, NaN or infinite.
    public static func invalidDistance(_ name: String, _ value: Double) -> CorridorError {
        CorridorError(.invalidDistance(name: name, value: value))
    }

    /// A site that cannot be used (invalid position or range); `reason` says why.
    public static func invalidSite(id: String, reason: String) -> CorridorError {
        CorridorError(.invalidSite(id: id, reason: reason))
    }

    /// The siting loop stopped making progress at the given chainage (metres). This
    /// indicates a numerical problem with the road geometry, e.g. a range far below the
    /// millimetre tolerance.
    public static func planDidNotConverge(chainageMeters: Double) -> CorridorError {
        CorridorError(.planDidNotConverge(chainageMeters: chainageMeters))
    }

    /// The zero-based part index for errors about one part or vertex; `nil` otherwise.
    public var partIndex: Int? {
        switch code {
        case .emptyPart(let part), .invalidVertex(let part, _, _): part
        default: nil
        }
    }

    /// The zero-based vertex index within its part for ``invalidVertex(part:index:point:)``.
    public var vertexIndex: Int? {
        if case .invalidVertex(_, let index, _) = code { return index }
        return nil
    }

    /// A human-readable explanation with the offending element.
    public var description: String {
        switch code {
        case .emptyRoad:
            "a road needs at least one part with at least one vertex"
        case .emptyPart(let part):
            "part \(part) of the road has no vertices"
        case .invalidVertex(let part, let index, let point):
            "vertex \(index) of part \(part) \(point) is not a valid lon/lat position "
                + "(longitude must be finite, latitude finite and within [-90, 90] degrees)"
        case .notALine(let type):
            "a road must be a LineString or MultiLineString, not a \(type)"
        case .invalidDistance(let name, let value):
            "\(name) must be a finite distance of at least 0 m, got \(value)"
        case .invalidSite(let id, let reason):
            "site '\(id)': \(reason)"
        case .planDidNotConverge(let chainage):
            "the siting plan made no progress at chainage \(chainage) m"
        }
    }
}

extension CorridorError: CategorizedError {
    /// Bad geometries and distances are input; a plan that does not converge is a defect.
    public var category: ErrorCategory {
        switch code {
        case .planDidNotConverge: .internal
        default: .invalidInput
        }
    }
}
