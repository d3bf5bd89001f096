import Corridor
import Foundation
import GeoModel

/// Writes ``RoadMasts`` as GeoJSON (the sites' columns plus offset_m, chainage_km, road_lon,
/// road_lat; the road and the distance as foreign members), CSV, or a text table.
public struct RoadMastsWriter: Sendable {
    /// The output formats of `road masts`.
    public enum Format: String, Sendable, CaseIterable { case geojson, csv, table }

    /// The format.
    public var format: Format

    /// A writer of `format`.
    public init(format: Format = .geojson) { self.format = format }

    /// Writes `result` to `sink` and finishes it.
    public func write(_ result: RoadMasts, to sink: OutputSink) throws(GeoModelError) {
        var out = JSONBuffer(capacity: 1 << 20)
        switch format {
        case .geojson: try Self.writeGeoJSON(result, to: sink, &out)
        case .csv: try Self.writeCSV(result.masts, to: sink, &out)
        case .table: Self.writeTable(result, &out)
        }
        try sink.drain(&out)
        try sink.finish()
    }

    /// The corridor properties appended to each site: offset, chainage, nearest road point.
    static func corridorProperties(_ location: RoadLocation) -> [(name: String, value: FieldValue)] {
        [
            ("offset_m", .real(NumberFormat.rounded(location.offsetMeters, decimals: 2))),
            ("chainage_km", .real(NumberFormat.rounded(location.chainageMeters / 1000, decimals: 5))),
            ("road_lon", .real(NumberFormat.rounded(location.point.longitude, decimals: 7))),
            ("road_lat", .real(NumberFormat.rounded(location.point.latitude, decimals: 7))),
        ]
    }

    private static func writeGeoJSON(_ result: RoadMasts, to sink: OutputSink, _ out: inout JSONBuffer) throws(GeoModelError) {
        let writer = GeoJSONWriter()
        out.raw("{\"type\":\"FeatureCollection\",\"name\":\"road_masts\",\"road\":")
        writer.json(result.road.json, into: &out)
        out.raw(",\"within_m\":")
        out.number(result.within.meters)
        out.raw(",\"features\":[\n")
        for (i, mast) in result.masts.enumerated() {
            if i > 0 { out.raw(",\n") }
            writer.feature(mast.candidate.payload, schema: .sites, extra: corridorProperties(mast.location), into: &out)
            if out.count >= 1 << 20 { try sink.drain(&out) }
        }
        out.raw(result.masts.isEmpty ? "]}\n" : "\n]}\n")
    }

    private static func writeCSV(_ found: [CorridorMast<FeatureRecord>], to sink: OutputSink,
                                 _ out: inout JSONBuffer) throws(GeoModelError) {
        let columns = LayerSchema.sites.columns.map(\.name) + ["lon", "lat", "offset_m", "chainage_km", "road_lon", "road_lat"]
        out.raw(columns.joined(separator: ","))
        out.raw("\n")
        for mast in found {
            let record = mast.candidate.payload
            for (i, value) in record.values.enumerated() {
                if i > 0 { out.raw(",") }
                csvValue(value, into: &out)
            }
            out.raw(",")
            out.fixed(mast.candidate.position.longitude, decimals: 7)
            out.raw(",")
            out.fixed(mast.candidate.position.latitude, decimals: 7)
            for (_, value) in corridorProperties(mast.location) {
                out.raw(",")
                csvValue(value, into: &out)
            }
            out.raw("\n")
            if out.count >= 1 << 20 { try sink.drain(&out) }
        }
    }

    private static func csvValue(_ value: FieldValue, into out: inout JSONBuffer) {
        switch value {
        case .null: break
        case .integer(let i): out.integer(i)
        case .real(let d): out.number(d)
        case .text(let s): out.csvField(s)
        }
    }

    private static func writeTable(_ result: RoadMasts, _ out: inout JSONBuffer) {
        let schema = LayerSchema.sites
        func text(_ record: FeatureRecord, _ column: String) -> String {
            schema.columnIndex(column).flatMap { record.values[$0].text } ?? ""
        }
        var rows: [[String]] = [["km", "offset m", "id", "name", "operator", "technologies", "status"]]
        for mast in result.masts {
            let record = mast.candidate.payload
            rows.append([
                String(format: "%.3f", mast.location.chainageMeters / 1000),
                String(format: "%.1f", mast.location.offsetMeters),
                record.id, text(record, "name"), text(record, "operator"), text(record, "technologies"), text(record, "status"),
            ])
        }
        out.raw("\(result.road.title): \(NumberFormat.count(result.masts.count, "site")) within \(result.within)\n")
        out.raw(TextTable.render(rows, rightAligned: [0, 1]))
        out.raw("\n")
    }
}
