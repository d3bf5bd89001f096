import ArgumentParser
import Corridor
import Foundation
import GeoModel
import GeoStorage
import Geodesy

/// `qamtu road masts ROAD`: the sites within a distance of a road, by chainage.
struct RoadMastsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "masts",
        abstract: "Sites within a distance of a road, sorted by chainage, with offset and nearest road point.",
        discussion: """
            Every site whose geodesic distance (WGS84 ellipsoid) to the road is at most \
            --within, with offset_m (metres to the nearest point of the road), chainage_km \
            (kilometres along the road to that point) and road_lon, road_lat (that point). \
            Sites are found through the spatial index (boxes along the road), then \
            measured exactly.

            Examples:
              qamtu road masts A-2 --within 5km --format table
              qamtu road masts Шакпаката-Отар --within 800m --status planned -o planned.geojson
            """)

    @OptionGroup var selection: RoadSelection

    @Option(help: ArgumentHelp("Largest offset from the road, in m or km: 5km, 800m.", valueName: "dist"))
    var within = Distance(meters: 5_000)

    @Option(help: ArgumentHelp("Only sites with this status: planned, building, operational, retired.", valueName: "status"))
    var status: String?

    @Option(name: .customLong("operator"), help: ArgumentHelp("Only sites of this operator (case-insensitive).", valueName: "name"))
    var operatorName: String?

    @Option(help: ArgumentHelp("geojson, csv or table.", valueName: "format"))
    var format: Format = .geojson

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Output file, '-' for standard output.", valueName: "file"))
    var output = "-"

    enum Format: String, ExpressibleByArgument, CaseIterable { case geojson, csv, table }

    func validate() throws {
        if let status {
            do { _ = try ExportFilter(parsing: "status=\(status)", layer: .sites) } catch {
                throw ValidationError("--status: \(error.description)")
            }
        }
    }

    func run() throws {
        try reportingRoadErrors {
            let portal = try selection.database.open(readOnly: true)
            let loaded = try RoadLookup.load(selection.road, from: portal)
            let filters = try status.map { text throws(GeoModelError) in [try ExportFilter(parsing: "status=\(text)", layer: .sites)] } ?? []
            let operatorColumn = LayerSchema.sites.columnIndex("operator") ?? 0
            // Each batch (one box of the chain along the road) is measured at once; only the
            // sites within reach are kept, and sorted by chainage at the end.
            var hits: [(record: FeatureRecord, position: GeoPoint, location: RoadLocation)] = []
            try RoadSites.scan(portal, road: loaded.road, withinMeters: within.meters, filters: filters) { records in
                var batch: [(record: FeatureRecord, position: GeoPoint)] = []
                batch.reserveCapacity(records.count)
                for record in records {
                    guard case .point(let position)? = record.geometry else { continue }
                    if let operatorName {
                        guard let value = record.values[operatorColumn].text,
                            value.caseInsensitiveCompare(operatorName) == .orderedSame
                        else { continue }
                    }
                    batch.append((record, position))
                }
                let locations = loaded.road.locateAll(batch.map(\.position), withinMeters: within.meters)
                for (i, location) in locations.enumerated() {
                    if let location { hits.append((batch[i].record, batch[i].position, location)) }
                }
            }
            var order = Array(hits.indices)
            order.sort { a, b in
                let x = hits[a].location
                let y = hits[b].location
                if x.chainageMeters != y.chainageMeters { return x.chainageMeters < y.chainageMeters }
                if x.offsetMeters != y.offsetMeters { return x.offsetMeters < y.offsetMeters }
                return hits[a].record.id < hits[b].record.id
            }
            let found = order.map { i in
                CorridorMast(
                    candidate: CorridorCandidate(id: hits[i].record.id, position: hits[i].position, payload: hits[i].record),
                    location: hits[i].location)
            }
            let sink = try OutputSink(path: output)
            var out = JSONBuffer(capacity: 1 << 20)
            switch format {
            case .geojson: try writeGeoJSON(found, road: loaded, to: sink, &out)
            case .csv: try writeCSV(found, to: sink, &out)
            case .table: writeTable(found, road: loaded, &out)
            }
            try sink.drain(&out)
            try sink.finish()
            if output != "-" {
                Terminal.note("wrote \(grouped(found.count)) sites within \(within) of \(loaded.title) to \(output)")
            }
        }
    }

    /// The corridor properties appended to each site: offset, chainage, nearest road point.
    static func corridorProperties(_ location: RoadLocation) -> [(name: String, value: FieldValue)] {
        [
            ("offset_m", .real(RoadFormat.rounded(location.offsetMeters, decimals: 2))),
            ("chainage_km", .real(RoadFormat.rounded(location.chainageMeters / 1000, decimals: 5))),
            ("road_lon", .real(RoadFormat.rounded(location.point.longitude, decimals: 7))),
            ("road_lat", .real(RoadFormat.rounded(location.point.latitude, decimals: 7))),
        ]
    }

    private func writeGeoJSON(
        _ found: [CorridorMast<FeatureRecord>], road: LoadedRoad, to sink: OutputSink, _ out: inout JSONBuffer
    ) throws {
        let writer = GeoJSONWriter()
        out.raw("{\"type\":\"FeatureCollection\",\"name\":\"road_masts\",\"road\":")
        writer.json(road.json, into: &out)
        out.raw(",\"within_m\":")
        out.number(within.meters)
        out.raw(",\"features\":[\n")
        for (i, mast) in found.enumerated() {
            if i > 0 { out.raw(",\n") }
            writer.feature(mast.candidate.payload, schema: .sites, extra: Self.corridorProperties(mast.location), into: &out)
            if out.count >= 1 << 20 { try sink.drain(&out) }
        }
        out.raw(found.isEmpty ? "]}\n" : "\n]}\n")
    }

    private func writeCSV(_ found: [CorridorMast<FeatureRecord>], to sink: OutputSink, _ out: inout JSONBuffer) throws {
        let columns = LayerSchema.sites.columns.map(\.name) + ["lon", "lat", "offset_m", "chainage_km", "road_lon", "road_lat"]
        out.raw(columns.joined(separator: ","))
        out.raw("\n")
        for mast in found {
            let record = mast.candidate.payload
            for (i, value) in record.values.enumerated() {
                if i > 0 { out.raw(",") }
                Self.csvValue(value, into: &out)
            }
            out.raw(",")
            out.fixed(mast.candidate.position.longitude, decimals: 7)
            out.raw(",")
            out.fixed(mast.candidate.position.latitude, decimals: 7)
            for (_, value) in Self.corridorProperties(mast.location) {
                out.raw(",")
                Self.csvValue(value, into: &out)
            }
            out.raw("\n")
            if out.count >= 1 << 20 { try sink.drain(&out) }
        }
    }

    static func csvValue(_ value: FieldValue, into out: inout JSONBuffer) {
        switch value {
        case .null: break
        case .integer(let i): out.integer(i)
        case .real(let d): out.number(d)
        case .text(let s): out.csvField(s)
        }
    }

    private func writeTable(_ found: [CorridorMast<FeatureRecord>], road: LoadedRoad, _ out: inout JSONBuffer) {
        let schema = LayerSchema.sites
        func text(_ record: FeatureRecord, _ column: String) -> String {
            schema.columnIndex(column).flatMap { record.values[$0].text } ?? ""
        }
        var rows: [[String]] = [["km", "offset m", "id", "name", "operator", "technologies", "status"]]
        for mast in found {
            let record = mast.candidate.payload
            rows.append([
                String(format: "%.3f", mast.location.chainageMeters / 1000),
                String(format: "%.1f", mast.location.offsetMeters),
                record.id, text(record, "name"), text(record, "operator"), text(record, "technologies"), text(record, "status"),
            ])
        }
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        out.raw("\(road.title): \(grouped(found.count)) sites within \(within)\n")
        for row in rows {
            let cells = row.enumerated().map { c, cell in
                c == row.count - 1 ? cell
                    : (c < 2 ? String(repeating: " ", count: widths[c] - cell.count) + cell
                        : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0))
            }
            out.raw(cells.joined(separator: "  "))
            out.raw("\n")
        }
    }
}
