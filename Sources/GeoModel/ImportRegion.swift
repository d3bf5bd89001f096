import Geodesy

/// The part of an input an import keeps: features in a box, or in an area (a district's
/// polygon), so that a country-wide file loads one region.
public enum ImportRegion: Sendable, Equatable {
    /// Features whose geometry intersects the box (EPSG:4326 degrees; may cross the antimeridian).
    case box(BoundingBox)
    /// Features with a vertex inside the polygons of `geometry` (planar lon/lat degrees, holes
    /// excluded), named `name` in messages.
    case area(name: String, geometry: Geometry)

    /// Whether a feature's geometry lies in the region.
    public func contains(_ geometry: Geometry) -> Bool { membershipTest()(geometry) }

    /// ``contains(_:)`` as a function that does the work common to every feature once (an
    /// area's bounding box): for filtering a whole input.
    public func membershipTest() -> @Sendable (Geometry) -> Bool {
        switch self {
        case .box(let box):
            return { $0.intersects(box) }
        case .area(_, let area):
            let box = area.boundingBox
            return { geometry in
                if let box, !geometry.intersects(box) { return false }
                var inside = false
                geometry.forEachPosition { p in if !inside && area.containsPlanar(p) { inside = true } }
                return inside
            }
        }
    }

    /// `the box 70,42,72,44` or `district Жуалы`.
    public var label: String {
        switch self {
        case .box(let box): "the box \(box)"
        case .area(let name, _): name
        }
    }
}
