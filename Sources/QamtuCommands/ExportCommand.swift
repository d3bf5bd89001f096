import ArgumentParser
import GeoModel
import GeoStorage

/// `qamtu export LAYER`: stream a layer as GeoJSON, GeoJSON text sequence or CSV.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a layer as RFC 7946 GeoJSON, GeoJSON text sequence or CSV (streamed).",
        discussion: """
            Coordinates are WGS84 lon/lat with --precision decimals (default 6, about 0.1 m), correctly \
            rounded. --bbox keeps features that intersect the box and goes through the spatial index; \
            a box with minLon > maxLon crosses the antimeridian. --where FIELD=VALUE filters on a column \
            (repeatable, all must match; FIELD= matches empty values).

            Examples:
              qamtu export settlements --bbox 70.9,42.7,71.6,43.1 -o taraz.geojson
              qamtu export sites --where operator=Kcell --where status=planned --format csv
            """)

    @Argument(help: ArgumentHelp("The layer to export.", valueName: "layer"))
    var layer: LayerSchema

    @Option(help: ArgumentHelp("Only features intersecting minLon,minLat,maxLon,maxLat (degrees).", valueName: "box"))
    var bbox: String?

    @Option(name: .customLong("where"), parsing: .singleValue,
            help: ArgumentHelp("Only features whose FIELD equals VALUE (repeatable).", valueName: "field=value"))
    var filters: [String] = []

    @Option(help: "Output format.")
    var format: ExportFormat = .geojson

    @Option(help: ArgumentHelp("Decimals of coordinates (0–15).", valueName: "n"))
    var precision = 6

    @Option(help: ArgumentHelp("Only these columns, in this order: a,b,c (the GeoJSON feature id is always written).", valueName: "columns"))
    var properties: String?

    @Flag(help: "geojsonseq: start each record with the RFC 8142 record separator (0x1E).")
    var rs = false

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Output file, '-' for standard output.", valueName: "file"))
    var output = "-"

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (0...15).contains(precision) else { throw ValidationError("--precision must be between 0 and 15, got \(precision)") }
        if let bbox {
            do { _ = try BoundingBox(parsing: bbox) } catch { throw ValidationError(error.description) }
        }
        for filter in filters {
            do { _ = try ExportFilter(parsing: filter, layer: layer) } catch { throw ValidationError(error.description) }
        }
        if propertyList?.isEmpty == true { throw ValidationError("--properties: no property names given") }
        var seen = Set<String>()
        for name in propertyList ?? [] {
            if layer.columnIndex(name) == nil {
                throw ValidationError(GeoModelError.unknownField(layer: layer.name, field: name).description)
            }
            if !seen.insert(name).inserted { throw ValidationError("--properties: '\(name)' is listed twice") }
        }
    }

    /// `--properties` as a list.
    var propertyList: [String]? {
        properties.map(parsePropertyList)
    }

    func run() throws {
        try reportingErrors {
            let box = try bbox.map { text throws(GeoModelError) in try BoundingBox(parsing: text) }
            var parsed: [ExportFilter] = []
            for filter in filters { parsed.append(try ExportFilter(parsing: filter, layer: layer)) }
            let portal = try database.open(readOnly: true)
            let sink = try OutputSink(path: output)
            let count = try portal.export(
                ExportQuery(layer: layer, bbox: box, filters: parsed),
                options: ExportOptions(format: format, precision: precision, recordSeparator: rs, properties: propertyList), to: sink)
            if output != "-" { Terminal.note("wrote \(grouped(count)) \(layer.name) to \(output) (\(format.rawValue))") }
        }
    }
}
