/// The type of an attribute column, as stored in SpatiaLite and validated on import.
public enum ColumnType: Sendable, Equatable {
    /// Free UTF-8 text.
    case text
    /// A whole number; `range` bounds the accepted values.
    case integer(ClosedRange<Int64>)
    /// A finite number; `range` bounds the accepted values.
    case real(ClosedRange<Double>)
    /// One of a fixed set of text values (compared exactly after trimming; case-insensitive on input,
    /// stored in the canonical spelling listed here).
    case enumeration([String])
    /// A `;`-separated set of values from a fixed list, stored in the list's order, e.g. `2G;3G;4G`.
    case set([String])

    /// The SQLite column affinity used for this type.
    public var sqlType: String {
        switch self {
        case .text, .enumeration, .set: "TEXT"
        case .integer: "INTEGER"
        case .real: "REAL"
        }
    }
}

/// One attribute column of a layer (never the geometry, never the internal row id).
public struct Column: Sendable, Equatable {
    /// The column name: lower-case snake_case, identical in SQL, CSV headers and GeoJSON properties.
    public let name: String
    public let type: ColumnType
    /// Whether an import must provide a value.
    public let required: Bool

    public init(_ name: String, _ type: ColumnType, required: Bool = false) {
        self.name = name
        self.type = type
        self.required = required
    }
}

/// The schema of one Qamtu layer: its table, geometry and attribute columns (the column contract of DESIGN.md).
///
/// All geometries are WGS84 lon/lat, EPSG:4326. The `id` column is every layer's public feature id
/// (text, unique within the layer); the table also has an internal integer primary key `fid`
/// that SpatiaLite's spatial index refers to.
public struct LayerSchema: Sendable, Equatable {
    /// The layer (and table) name, e.g. `settlements`.
    public let name: String
    /// The stored geometry type, or nil for a table without geometry (`commitments`).
    public let geometryType: GeometryType?
    /// Geometry types accepted on import; single parts are promoted to the stored multi type.
    public let acceptedGeometryTypes: [GeometryType]
    /// The attribute columns, `id` first, in contract order.
    public let columns: [Column]
    /// Columns whose values are names to search (`qamtu find`).
    public let nameColumns: [String]
    /// True when the geometry is derived by Qamtu (never read from input): commitments get the
    /// position of their target so that map viewers can show them.
    public var geometryIsDerived = false

    /// `n` features of the layer in words, grouped and singular for one: `1 road`, `9,899 settlements`
    /// (every layer name is a regular English plural).
    public func count(_ n: Int) -> String {
        NumberFormat.count(n, name.hasSuffix("s") ? String(name.dropLast()) : name, name)
    }

    /// The index of a column by name.
    public func columnIndex(_ name: String) -> Int? { columns.firstIndex { $0.name == name } }

    /// The layer with this name, if any.
    public static func named(_ name: String) -> LayerSchema? { all.first { $0.name == name } }

    /// The layer with this name.
    /// - Throws: `GeoModelError.unknownLayer` listing the known layers.
    public static func require(_ name: String) throws(GeoModelError) -> LayerSchema {
        guard let layer = named(name) else { throw .unknownLayer(name) }
        return layer
    }

    /// The years the contract accepts (fibre_year, planned_year, done_year) and every "as of" year.
    public static let yearRange: ClosedRange<Int64> = 1900...2100

    /// Administrative districts (MultiPolygon).
    public static let districts = LayerSchema(
        name: "districts", geometryType: .multiPolygon, acceptedGeometryTypes: [.polygon, .multiPolygon],
        columns: [
            Column("id", .text, required: true), Column("name", .text, required: true),
            Column("name_kk", .text), Column("name_ru", .text), Column("code", .text),
        ],
        nameColumns: ["name", "name_kk", "name_ru"])

    /// Settlement kinds (OpenStreetMap `place=*` values).
    public static let settlementKinds = ["city", "town", "village", "hamlet", "isolated_dwelling"]
    /// Fixed-line (fibre) status values.
    public static let fibreStatuses = ["connected", "planned", "none"]

    /// Settlements (Point).
    public static let settlements = LayerSchema(
        name: "settlements", geometryType: .point, acceptedGeometryTypes: [.point],
        columns: [
            Column("id", .text, required: true), Column("name", .text), Column("name_kk", .text),
            Column("name_ru", .text), Column("name_en", .text),
            Column("kind", .enumeration(settlementKinds)),
            Column("population", .integer(0...100_000_000)), Column("district", .text),
            Column("fibre", .enumeration(fibreStatuses)), Column("fibre_year", .integer(yearRange)),
            Column("osm_id", .integer(1...Int64.max)),
        ],
        nameColumns: ["name", "name_kk", "name_ru", "name_en"])

    /// Road categories.
    public static let roadCategories = ["international", "national", "regional", "local"]

    /// Roads (MultiLineString; LineStrings are stored as one-part MultiLineStrings).
    public static let roads = LayerSchema(
        name: "roads", geometryType: .multiLineString, acceptedGeometryTypes: [.lineString, .multiLineString],
        columns: [
            Column("id", .text, required: true), Column("ref", .text), Column("name", .text),
            Column("category", .enumeration(roadCategories)),
        ],
        nameColumns: ["name", "ref"])

    /// Site kinds.
    public static let siteKinds = ["base_station", "antenna_mast", "fibre_node"]
    /// Site technologies, best last for mobile (fibre is a fixed-line node).
    public static let technologies = ["2G", "3G", "4G", "5G", "fibre"]
    /// Site lifecycle statuses.
    public static let siteStatuses = ["planned", "building", "operational", "retired"]
    /// Position quality of a site.
    public static let positionQualities = ["surveyed", "estimated"]

    /// Telecom sites: base stations, antenna masts, fibre nodes (Point).
    public static let sites = LayerSchema(
        name: "sites", geometryType: .point, acceptedGeometryTypes: [.point],
        columns: [
            Column("id", .text, required: true), Column("name", .text),
            Column("kind", .enumeration(siteKinds), required: true), Column("operator", .text),
            Column("technologies", .set(technologies)),
            Column("band_mhz", .real(1...100_000)), Column("height_m", .real(0...1_000)),
            Column("eirp_dbm", .real(-50...120)), Column("range_m", .real(0...1_000_000)),
            Column("status", .enumeration(siteStatuses), required: true),
            Column("planned_year", .integer(yearRange)), Column("commissioned", .text),
            Column("position", .enumeration(positionQualities)), Column("source", .text),
        ],
        nameColumns: ["name", "operator"])

    /// Institution kinds.
    public static let institutionKinds = ["school", "hospital", "clinic", "akimat", "library", "kindergarten", "other"]
    /// Institution connection types.
    public static let connectionTypes = ["fibre", "adsl", "3G", "4G", "satellite", "none"]

    /// Public institutions: schools, hospitals, akimats … (Point).
    public static let institutions = LayerSchema(
        name: "institutions", geometryType: .point, acceptedGeometryTypes: [.point],
        columns: [
            Column("id", .text, required: true), Column("name", .text),
            Column("kind", .enumeration(institutionKinds), required: true), Column("settlement_id", .text),
            Column("connection", .enumeration(connectionTypes)), Column("provider", .text),
            Column("speed_mbps", .real(0...1_000_000)),
        ],
        nameColumns: ["name"])

    /// Layers a commitment can target.
    public static let commitmentTargets = ["settlements", "institutions", "roads", "sites", "districts"]

    /// Commitments of programmes and operators. Targets refer to another layer's `id`; the
    /// geometry is derived: the target's position (a point on it for roads and districts), or null.
    public static let commitments = LayerSchema(
        name: "commitments", geometryType: .point, acceptedGeometryTypes: [],
        columns: [
            Column("id", .text, required: true), Column("programme", .text, required: true),
            Column("party", .text, required: true), Column("technology", .text),
            Column("target_layer", .enumeration(commitmentTargets), required: true),
            Column("target_id", .text, required: true),
            Column("planned_year", .integer(yearRange)), Column("done_year", .integer(yearRange)),
        ],
        nameColumns: ["programme", "party"], geometryIsDerived: true)

    /// Every layer, in dependency order (districts before settlements, settlements before institutions).
    public static let all: [LayerSchema] = [districts, settlements, roads, sites, institutions, commitments, services, applications]
}

extension LayerSchema {
    /// The schema of features Qamtu computes rather than stores (a server's coverage or footprints
    /// collection): their properties as typed columns, so that they can be described, queried and
    /// filtered like a layer's. Nothing is ever imported into it.
    public init(computed name: String, geometryType: GeometryType, columns: [Column]) {
        self.init(name: name, geometryType: geometryType, acceptedGeometryTypes: [], columns: columns, nameColumns: [])
    }
}
