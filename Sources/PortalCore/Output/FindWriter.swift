import Foundation
import GeoModel

/// Writes a ``FindResult`` as a fixed-width text table or a GeoJSON FeatureCollection whose
/// features carry `match_rank`, `match_kind`, `match_score` and `matched_name`.
public struct FindWriter: Sendable {
    /// The output formats of `find`.
    public enum Format: String, Sendable, CaseIterable { case text, geojson }

    /// The format.
    public var format: Format

    /// A writer of `format`.
    public init(format: Format = .text) { self.format = format }

    /// Writes `result` and a final newline to `sink`, and finishes it.
    public func write(_ result: FindResult, to sink: OutputSink) throws(GeoModelError) {
        switch format {
        case .text:
            try sink.write(Self.table(result) + "\n")
        case .geojson:
            var out = JSONBuffer()
            let writer = GeoJSONWriter()
            out.raw("{\"type\":\"FeatureCollection\",\"features\":[")
            for (i, found) in result.found.enumerated() {
                if i > 0 { out.raw(",") }
                writer.feature(found.record, schema: result.layer, extra: [
                    ("match_rank", .integer(Int64(i + 1))), ("match_kind", .text(found.match.kind.rawValue)),
                    ("match_score", .real((found.match.score * 1000).rounded() / 1000)), ("matched_name", .text(found.match.name)),
                ], into: &out)
            }
            out.raw("]}\n")
            try sink.drain(&out)
        }
        try sink.finish()
    }

    /// A fixed-width table of matches: rank, score, match kind, id, names, kind, position, district.
    static func table(_ result: FindResult) -> String {
        let layer = result.layer
        var rows: [[String]] = [["#", "score", "match", "id", "names", "where"]]
        for (i, found) in result.found.enumerated() {
            let record = found.record
            let names = layer.nameColumns.compactMap { layer.columnIndex($0).flatMap { record.values[$0].text } }
            var unique: [String] = []
            for n in names where !unique.contains(n) { unique.append(n) }
            var place = ""
            if case .point(let p)? = record.geometry {
                place = String(format: "%.5f,%.5f", p.longitude, p.latitude)
            }
            if let d = layer.columnIndex("district").flatMap({ record.values[$0].text }) { place += "  " + d }
            if let k = layer.columnIndex("kind").flatMap({ record.values[$0].text }) { place = k + "  " + place }
            rows.append(["\(i + 1)", String(format: "%.2f", found.match.score), found.match.kind.rawValue, found.match.id,
                         unique.joined(separator: " / "), place])
        }
        return TextTable.render(rows, rightAligned: [])
    }
}
