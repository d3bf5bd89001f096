import GeoModel
import Geodesy

/// Fixed-line (fibre) status of a settlement: the settlements layer's `fibre` column.
public enum FibreStatus: String, Sendable, Hashable, CaseIterable {
    /// Connected in `fibre_year` (or at an unknown date when the year is missing).
    case connected
    /// Planned for `fibre_year`.
    case planned
    /// No fibre and no plan.
    case none
}

/// One settlement as the coverage analysis sees it, with its full record for output.
///
/// The position is WGS84 (EPSG:4326) longitude/latitude in degrees.
public struct CoverageSettlement: Sendable, Hashable {
    /// The settlement's `id`.
    public var id: String
    /// The settlement's display name (`name`, else `name_en`, `name_ru`, `name_kk`), or nil.
    public var name: String?
    /// Position, WGS84 lon/lat degrees.
    public var position: GeoPoint
    /// Inhabitants, when known.
    public var population: Int?
    /// The district id (settlements get it by point-in-polygon on import), when known.
    public var district: String?
    /// Fixed-line status, nil when unknown (treated as no fibre).
    public var fibre: FibreStatus?
    /// Year of the fibre connection or plan.
    public var fibreYear: Int?
    /// Every column of the settlements layer, in `LayerSchema.settlements` order (the output
    /// repeats them before the coverage fields). A source that was asked for some columns only
    /// (``CoverageDataSource/loadSettlements(columns:)``) may end the values after the last of
    /// them; a missing value is null.
    public var record: FeatureRecord

    /// The indices of the columns read from a record, looked up once.
    private struct Columns {
        let name, nameEN, nameRU, nameKK, population, district, fibre, fibreYear: Int?

        init(_ schema: LayerSchema) {
            name = schema.columnIndex("name")
            nameEN = schema.columnIndex("name_en")
            nameRU = schema.columnIndex("name_ru")
            nameKK = schema.columnIndex("name_kk")
            population = schema.columnIndex("population")
            district = schema.columnIndex("district")
            fibre = schema.columnIndex("fibre")
            fibreYear = schema.columnIndex("fibre_year")
        }
    }

    private static let columns = Columns(LayerSchema.settlements)

    /// The columns an analysis of coverage classes reads (besides the point): id, district and
    /// the fibre status. A report also needs `population`, and the name comes from the name columns.
    public static let analysisColumns = ["id", "district", "fibre", "fibre_year"]
}

// The initialisers are in an extension so that the struct keeps its memberwise initialiser: one
// that assigns the stored properties one by one is compiled (Swift 6.3, -O) to build the
// settlement in a temporary, copy it out and destroy the temporary (see ``CoverageSite``).
extension CoverageSettlement {
    /// Reads a settlement from a record of the settlements layer.
    /// - Parameter keptValues: keep only the record's first `keptValues` values (for a caller
    ///   that writes only some columns: the record then ends after the last of them); nil keeps all.
    /// - Throws: `CoverageError.invalidRecord` when the geometry is not a valid point.
    public init(record: FeatureRecord, keptValues: Int? = nil) throws(CoverageError) {
        let columns = Self.columns
        func value(_ i: Int?) -> FieldValue {
            guard let i, i < record.values.count else { return .null }
            return record.values[i]
        }
        guard case .point(let point)? = record.geometry, point.isValid else {
            throw .invalidRecord(layer: "settlements", id: record.id, reason: "no valid point geometry")
        }
        var kept = record
        if let keptValues, keptValues < record.values.count { kept.values = Array(record.values.prefix(max(0, keptValues))) }
        self.init(
            id: record.id,
            name: value(columns.name).text ?? value(columns.nameEN).text ?? value(columns.nameRU).text ?? value(columns.nameKK).text,
            position: point, population: value(columns.population).number.map { Int($0) },
            district: value(columns.district).text, fibre: value(columns.fibre).text.flatMap(FibreStatus.init(rawValue:)),
            fibreYear: value(columns.fibreYear).number.map { Int($0) }, record: kept)
    }

    /// Creates a settlement from its values; the record is filled from them (other columns null).
    public init(id: String, name: String? = nil, position: GeoPoint, population: Int? = nil, district: String? = nil,
                fibre: FibreStatus? = nil, fibreYear: Int? = nil) {
        let schema = LayerSchema.settlements
        var values = [FieldValue](repeating: .null, count: schema.columns.count)
        func set(_ column: String, _ value: FieldValue) {
            if let i = schema.columnIndex(column) { values[i] = value }
        }
        set("id", .text(id))
        if let name { set("name", .text(name)) }
        if let population { set("population", .integer(Int64(population))) }
        if let district { set("district", .text(district)) }
        if let fibre { set("fibre", .text(fibre.rawValue)) }
        if let fibreYear { set("fibre_year", .integer(Int64(fibreYear))) }
        self.init(id: id, name: name, position: position, population: population, district: district, fibre: fibre,
                  fibreYear: fibreYear, record: FeatureRecord(values: values, geometry: .point(position)))
    }
}
