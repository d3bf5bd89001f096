import GeoModel

/// Identifiers and types of the PostGIS schema. Only names of the fixed schema (``LayerSchema``'s
/// layers and columns, and Qamtu's own tables) are ever written into SQL, double-quoted; values
/// are always bound.
enum PostGISSQL {
    /// `name` as a quoted identifier (`"name"`, inner quotes doubled).
    static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The PostgreSQL type of a column: `text` for text, enumerations and sets, `bigint` for
    /// integers, `double precision` for reals (which round-trips every Double exactly).
    static func type(_ type: ColumnType) -> String {
        switch type {
        case .text, .enumeration, .set: "text"
        case .integer: "bigint"
        case .real: "double precision"
        }
    }

    /// The PostGIS type of a layer's geometry column, e.g. `geometry(MultiPolygon, 4326)`.
    static func geometryType(_ type: GeometryType) -> String {
        "geometry(\(type.rawValue), 4326)"
    }
}
