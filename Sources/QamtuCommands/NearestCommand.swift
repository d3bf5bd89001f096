import ArgumentParser
import Coverage
import Foundation
import GeoModel
import GeoStorage

/// `qamtu nearest LAYER --to LAYER`: exact k nearest neighbours on the WGS84 ellipsoid.
struct NearestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nearest",
        abstract: "For each feature of a point layer, the k nearest features of another, by geodesic distance.",
        discussion: """
            Distances are geodesic on the WGS84 ellipsoid (Karney), in metres; neighbours come in exact \
            order, equal distances in the target layer's order. Within one layer a feature is not its own \
            neighbour. Point layers: settlements, sites, institutions. GeoJSON output has one LineString \
            per pair (drawn straight in lon/lat, for display); CSV has from_id,from_name,rank,to_id,to_name,distance_m.

            Example:
              qamtu nearest settlements --to sites --k 3 --format csv -o nearest.csv
            """)

    @Argument(help: ArgumentHelp("The layer whose features get neighbours.", valueName: "layer"))
    var layer: LayerSchema

    @Option(help: ArgumentHelp("The layer the neighbours come from.", valueName: "layer"))
    var to: LayerSchema

    @Option(help: ArgumentHelp("Neighbours per feature.", valueName: "n"))
    var k = 1

    @Option(help: "Output format.")
    var format: CoverageOutputFormat = .geojson

    @Option(help: ArgumentHelp("Decimals of coordinates (0–15).", valueName: "n"))
    var precision = 6

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Output file, '-' for standard output.", valueName: "file"))
    var output = "-"

    @OptionGroup var database: DatabaseOptions

    static let pointLayers = [LayerSchema.settlements.name, LayerSchema.sites.name, LayerSchema.institutions.name]

    func validate() throws {
        for l in [layer, to] where !Self.pointLayers.contains(l.name) {
            throw ValidationError("nearest works on point layers (\(Self.pointLayers.joined(separator: ", "))), not \(l.name)")
        }
        guard (1...1000).contains(k) else { throw ValidationError("--k must be between 1 and 1000, got \(k)") }
        guard (0...15).contains(precision) else { throw ValidationError("--precision must be between 0 and 15, got \(precision)") }
    }

    func run() throws {
        try reportingAnalysisErrors {
            // Plain columns and geometry blobs decoded here: no SpatiaLite needed.
            let portal = try database.open(readOnly: true, spatialSQL: false)
            func points(_ layer: LayerSchema) throws -> [PointFeature] {
                var out: [PointFeature] = []
                try portal.scanPointAttributes(layer) { row in
                    // Features without a point keep their place (so indices match) at an invalid position: no neighbours.
                    out.append(PointFeature(id: row.id, name: row.name,
                                            position: row.position ?? .init(longitude: .nan, latitude: .nan)))
                }
                return out
            }
            let sources = try points(layer)
            let targets = layer.name == to.name ? sources : try points(to)
            let index = NearestNeighbours(targets: targets)
            let neighbours = index.join(sources, k: k, excludeSameIndex: layer.name == to.name)
            let sink = try OutputSink(path: output)
            let count = try NearestWriter(format: format, precision: precision).write(
                sources: sources, targets: targets, neighbours: neighbours, fromLayer: layer.name, toLayer: to.name,
                k: k, to: sink)
            if output != "-" { Terminal.note("wrote \(grouped(count)) pairs to \(output)") }
        }
    }
}
