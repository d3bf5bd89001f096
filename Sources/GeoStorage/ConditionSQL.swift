import Foundation
import GRDB
import GeoModel
import Geodesy

/// The SQL of a ``FeatureCondition`` for one layer: an expression with `?` placeholders and the
/// values to bind, in order. No value of the condition is ever written into the SQL text;
/// column names are looked up in the layer's schema and quoted (`SQL.identifier`).
///
/// The SQL keeps the semantics of ``FeatureCondition/evaluate(_:layer:)`` (the in-memory store's):
/// - comparisons, `IN`, `BETWEEN`, `IS NULL`, `AND`, `OR`, `NOT` are SQLite's own, whose NULL
///   handling is the same three-valued logic; text compares with the column's default `BINARY`
///   collation (case-sensitive, byte by byte), never `qamtu_nocase`;
/// - `LIKE` becomes SQLite's `GLOB`, which is case-sensitive (SQLite's `LIKE` folds ASCII case,
///   and `PRAGMA case_sensitive_like` would change every statement of the connection): `%` → `*`,
///   `_` → `?`, and the characters that `GLOB` treats specially, `*`, `?` and `[`, as the
///   one-character sets `[*]`, `[?]`, `[[]`. Both count characters as code points;
/// - a box (`intersectsBox`) is an R*Tree range search on `idx_<layer>_geom` (two halves across
///   the antimeridian); lines and polygons are then tested with SpatiaLite's `ST_Intersects`
///   against `BuildMbr`, points are decided by the index alone (as ``ExportQuery/bbox`` is);
/// - a geometry (`intersects`) is an R*Tree search on its bounds, then `ST_Intersects(geom, ?)`
///   with the geometry bound as a SpatiaLite blob (exact coordinates; no WKT text to round);
/// - under `NOT`, a spatial test of a row without geometry yields NULL (unknown), as in the
///   model; elsewhere a plain `fid IN (…)` is used, which SQLite can drive from the index.
struct ConditionSQL {
    let layer: LayerSchema
    /// The values to bind, in the order of the placeholders.
    private(set) var arguments: [DatabaseValue] = []

    init(layer: LayerSchema) { self.layer = layer }

    /// Whether `condition` calls SpatiaLite functions on `layer` (an exact test of a geometry,
    /// or of a box against lines and polygons).
    static func needsSpatiaLite(_ condition: FeatureCondition, layer: LayerSchema) -> Bool {
        guard let type = layer.geometryType else { return false }
        return condition.contains { part in
            switch part {
            case .intersects: true
            case .intersectsBox: type != .point
            default: false
            }
        }
    }

    /// The SQL expression of `condition`; `negated` is true under a `NOT`.
    /// - Throws: `StorageError.model` when the condition does not fit the layer (see
    ///   ``FeatureCondition/validate(for:)``).
    mutating func expression(_ condition: FeatureCondition, negated: Bool = false) throws -> String {
        switch condition {
        case .and(let parts):
            if parts.isEmpty { return "1" }
            var sql: [String] = []
            for part in parts { sql.append(try expression(part, negated: negated)) }
            return "(" + sql.joined(separator: " AND ") + ")"
        case .or(let parts):
            if parts.isEmpty { return "0" }
            var sql: [String] = []
            for part in parts { sql.append(try expression(part, negated: negated)) }
            return "(" + sql.joined(separator: " OR ") + ")"
        case .not(let inner):
            return "(NOT " + (try expression(inner, negated: true)) + ")"
        case .compare(let column, let op, let value):
            arguments.append(value.databaseValue)
            return "\(try identifier(column)) \(op.rawValue) ?"
        case .isIn(let column, let values):
            let name = try identifier(column)
            if values.isEmpty { return "0" }
            arguments += values.map(\.databaseValue)
            return "\(name) IN (\(values.map { _ in "?" }.joined(separator: ", ")))"
        case .between(let column, let low, let high):
            arguments += [low.databaseValue, high.databaseValue]
            return "\(try identifier(column)) BETWEEN ? AND ?"
        case .like(let column, let pattern):
            arguments.append(Self.glob(LikePattern(pattern)).databaseValue)
            return "\(try identifier(column)) GLOB ?"
        case .isNull(let column):
            return "\(try identifier(column)) IS NULL"
        case .intersectsBox(let box):
            let parts = box.splitAtAntimeridian
            var sql = "fid IN (" + parts.map { _ in indexSearch }.joined(separator: " UNION ALL ") + ")"
            for part in parts { arguments += Self.indexArguments(part) }
            if layer.geometryType != .point {
                sql += " AND (" + parts.map { _ in "ST_Intersects(geom, BuildMbr(?, ?, ?, ?, 4326)) = 1" }.joined(separator: " OR ") + ")"
                for part in parts {
                    arguments += [part.minLongitude, part.minLatitude, part.maxLongitude, part.maxLatitude].map(\.databaseValue)
                }
            }
            return nullWithoutGeometry(sql, negated: negated)
        case .intersects(let geometry):
            guard let bounds = geometry.boundingBox else { return "0" }
            arguments += Self.indexArguments(bounds)
            arguments.append(Data(SpatiaLiteBlob.encode(geometry)).databaseValue)
            return nullWithoutGeometry("fid IN (\(indexSearch)) AND ST_Intersects(geom, ?) = 1", negated: negated)
        }
    }

    /// The R*Tree search for one box (arguments from ``indexArguments(_:)``).
    private var indexSearch: String {
        "SELECT pkid FROM \(SQL.identifier("idx_\(layer.name)_geom")) WHERE xmin <= ? AND xmax >= ? AND ymin <= ? AND ymax >= ?"
    }

    private static func indexArguments(_ box: BoundingBox) -> [DatabaseValue] {
        [box.maxLongitude, box.minLongitude, box.maxLatitude, box.minLatitude].map(\.databaseValue)
    }

    /// A spatial test in parentheses; under `NOT`, NULL (unknown) for a row without geometry.
    private func nullWithoutGeometry(_ sql: String, negated: Bool) -> String {
        negated ? "(CASE WHEN geom IS NULL THEN NULL ELSE (\(sql)) END)" : "(" + sql + ")"
    }

    /// The quoted name of a column of the layer.
    private func identifier(_ column: String) throws -> String {
        guard let index = layer.columnIndex(column) else {
            throw StorageError.model(.unknownField(layer: layer.name, field: column))
        }
        return SQL.identifier(layer.columns[index].name)
    }

    /// The SQLite `GLOB` pattern that matches what a CQL2 `LIKE` pattern matches.
    static func glob(_ pattern: LikePattern) -> String {
        var out = ""
        for element in pattern.elements {
            switch element {
            case .anyRun: out += "*"
            case .anyCharacter: out += "?"
            case .literal(let c) where c == "*" || c == "?" || c == "[": out += "[\(c)]"
            case .literal(let c): out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
