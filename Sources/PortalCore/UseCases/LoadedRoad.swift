import Corridor
import GeoModel

/// A road found in the store, ready for corridor analysis.
public struct LoadedRoad: Sendable {
    /// The road's feature.
    public let record: FeatureRecord
    /// Its geometry for linear referencing.
    public let road: CorridorRoad

    /// The road's id.
    public var id: String { record.id }
    /// `A-2`, when set.
    public var ref: String? { LayerSchema.roads.columnIndex("ref").flatMap { record.values[$0].text } }
    /// The road's name, when set.
    public var name: String? { LayerSchema.roads.columnIndex("name").flatMap { record.values[$0].text } }

    /// `a2-shakpakata-otar (A-2 Shakpakata–Otar, 412.3 km)`.
    public var title: String {
        let label = Self.labels(record)
        let length = NumberFormat.kilometers(road.lengthMeters, decimals: 1)
        return label.isEmpty ? "\(id) (\(length) km)" : "\(id) (\(label), \(length) km)"
    }

    /// The `road` member of the GeoJSON outputs: id, ref, name, parts, length_km.
    public var json: JSONValue {
        .object([
            ("id", .string(id)), ("ref", ref.map(JSONValue.string) ?? .null), ("name", name.map(JSONValue.string) ?? .null),
            ("parts", .integer(Int64(road.parts.count))),
            ("length_km", .number(NumberFormat.rounded(road.lengthMeters / 1000, decimals: 5))),
        ])
    }

    /// `ref name` of a road record, either part missing allowed.
    static func labels(_ record: FeatureRecord) -> String {
        ["ref", "name"].compactMap { LayerSchema.roads.columnIndex($0).flatMap { record.values[$0].text } }
            .joined(separator: " ")
    }
}
