/// The error thrown by the Geodesy module when input cannot be processed.
///
/// It wraps a private enumeration so that new cases can be added without breaking
/// callers; compare against the static members (`error == .emptyPolyline`) or read
/// ``index`` for errors that concern one element of a sequence.
public struct GeodesyError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: Sendable, Hashable {
        case emptyPolyline
        case invalidCoordinate(index: Int, point: GeoPoint)
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// A polyline was created from an empty vertex list.
    public static let emptyPolyline = GeodesyError(.emptyPolyline)

    /// The vertex at `index` is not a valid position (non-finite, or latitude outside
    /// `[-90, 90]` degrees).
    public static func invalidCoordinate(index: Int, point: GeoPoint) -> GeodesyError {
        GeodesyError(.invalidCoordinate(index: index, point: point))
    }

    /// The zero-based index of the offending element, when the error concerns one
    /// element of a sequence; `nil` otherwise.
    public var index: Int? {
        switch code {
        case .emptyPolyline: nil
        case .invalidCoordinate(let index, _): index
        }
    }

    /// A human-readable explanation, including the offending index and coordinates.
    public var description: String {
        switch code {
        case .emptyPolyline:
            "a polyline needs at least one vertex"
        case .invalidCoordinate(let index, let point):
            "vertex \(index) \(point) is not a valid lon/lat position "
                + "(longitude must be finite, latitude finite and within [-90, 90] degrees)"
        }
    }
}
