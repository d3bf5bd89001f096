import Geodesy

/// A typed condition on the features of one layer: the `filter` of OGC API – Features Part 3
/// (CQL2, OGC 21-065) after parsing (``CQL2TextParser``), which every store evaluates with the
/// same semantics (``ExportQuery/condition``).
///
/// **Columns** are names of the layer's attribute columns (``LayerSchema/columns``); values are
/// already typed by their column (``FieldValue``), never SQL text: a store binds them.
///
/// **Logic** is SQL's three-valued logic: a comparison, `IN`, `BETWEEN` or `LIKE` on a missing
/// (NULL) value, and a spatial test of a feature without geometry, are *unknown*; `NOT` of
/// unknown is unknown; `AND` is false when any part is false, else unknown when any part is
/// unknown; `OR` is true when any part is true, else unknown when any part is unknown. A
/// feature is selected only when its condition is true. `IS NULL` is never unknown.
///
/// **Text** compares exactly and case-sensitively, by UTF-8 bytes (`name = 'Taraz'` does not
/// match `TARAZ`), unlike the `FIELD=VALUE` filters (``ExportFilter``), which ignore case.
///
/// **Geometry** is CRS84: WGS84 longitude, latitude in degrees, longitude first. Spatial tests
/// are planar in that plane of degrees, as SpatiaLite's `ST_Intersects` on EPSG:4326: edges and
/// vertices count (touching is intersecting).
///
/// ```swift
/// // population > 1000 AND (kind = 'town' OR kind = 'city')
/// let condition = FeatureCondition.and([
///     .compare(column: "population", .greater, .integer(1000)),
///     .isIn(column: "kind", [.text("town"), .text("city")]),
/// ])
/// ```
public indirect enum FeatureCondition: Sendable, Hashable {
    /// True when every part is true (`.and([])` is always true: CQL2's `TRUE`).
    case and([FeatureCondition])
    /// True when any part is true (`.or([])` is always false: CQL2's `FALSE`).
    case or([FeatureCondition])
    /// The negation; unknown stays unknown.
    case not(FeatureCondition)
    /// `column op value`; unknown when the stored value (or `value`) is NULL.
    case compare(column: String, ComparisonOperator, FieldValue)
    /// `column IN (values)`: true when the stored value equals one of them; otherwise unknown
    /// when the stored value is NULL or a listed value is NULL, else false. An empty list is false.
    case isIn(column: String, [FieldValue])
    /// `column BETWEEN low AND high`: `column >= low AND column <= high` (both bounds included).
    case between(column: String, FieldValue, FieldValue)
    /// `column LIKE pattern` on text, case-sensitive: `%` matches any run of characters (also
    /// none), `_` exactly one character (Unicode scalar), `\` makes the next character literal
    /// (`\%`, `\_`, `\\`); every other character matches itself only.
    case like(column: String, pattern: String)
    /// `column IS NULL` (never unknown; `IS NOT NULL` is `.not(.isNull)`).
    case isNull(column: String)
    /// The feature's geometry shares a point with this box (CRS84 degrees, edges included; a box
    /// with `minLongitude > maxLongitude` crosses the antimeridian and is tested as its two
    /// halves). CQL2's `S_INTERSECTS(geometry, BBOX(minLon, minLat, maxLon, maxLat))`.
    case intersectsBox(BoundingBox)
    /// The feature's geometry shares a point with this geometry (CRS84 degrees, planar, edges
    /// and vertices included). CQL2's `S_INTERSECTS(geometry, POINT(lon lat))`, `POLYGON((…))`…
    case intersects(Geometry)

    /// CQL2's `TRUE`: a condition that every feature meets.
    public static let always = FeatureCondition.and([])
    /// CQL2's `FALSE`: a condition that no feature meets.
    public static let never = FeatureCondition.or([])

    /// Whether this condition or any condition inside it satisfies `predicate` (depth first).
    public func contains(where predicate: (FeatureCondition) -> Bool) -> Bool {
        if predicate(self) { return true }
        switch self {
        case .and(let parts), .or(let parts): return parts.contains { $0.contains(where: predicate) }
        case .not(let inner): return inner.contains(where: predicate)
        default: return false
        }
    }

    /// Whether the condition tests geometries (`intersectsBox` or `intersects` anywhere).
    public var hasSpatialTest: Bool {
        contains { condition in
            switch condition {
            case .intersectsBox, .intersects: true
            default: false
            }
        }
    }

    /// The column a leaf condition tests, nil for `and`, `or`, `not` and spatial tests.
    public var column: String? {
        switch self {
        case .compare(let column, _, _), .isIn(let column, _), .between(let column, _, _),
             .like(let column, _), .isNull(let column):
            column
        default: nil
        }
    }

    /// Checks that the condition fits `layer`: every column exists, `LIKE` tests only text
    /// columns (text, enumerations, sets), spatial tests only a layer with geometry. Stores call
    /// it before evaluating, so that a hand-built condition fails as a parsed one would.
    /// - Throws: `GeoModelError.unknownField` for a missing column, `.invalidFilterText` otherwise.
    public func validate(for layer: LayerSchema) throws(GeoModelError) {
        switch self {
        case .and(let parts), .or(let parts):
            for part in parts { try part.validate(for: layer) }
        case .not(let inner):
            try inner.validate(for: layer)
        case .intersectsBox, .intersects:
            if layer.geometryType == nil {
                throw .invalidFilterText("layer \(layer.name) has no geometry to test", position: nil)
            }
        case .like(let column, _):
            guard let index = layer.columnIndex(column) else { throw .unknownField(layer: layer.name, field: column) }
            switch layer.columns[index].type {
            case .text, .enumeration, .set: break
            case .integer, .real:
                throw .invalidFilterText("LIKE needs a text column, but '\(column)' holds numbers", position: nil)
            }
        case .compare(let column, _, _), .isIn(let column, _), .between(let column, _, _), .isNull(let column):
            if layer.columnIndex(column) == nil { throw .unknownField(layer: layer.name, field: column) }
        }
    }
}
