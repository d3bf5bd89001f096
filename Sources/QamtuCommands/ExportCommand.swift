import ArgumentParser
import GeoModel
import Geodesy
import PortalCore

/// `qamtu export LAYER`: stream a layer as GeoJSON, GeoJSON text sequence or CSV.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a layer as RFC 7946 GeoJSON, GeoJSON text sequence or CSV (streamed).",
        discussion: """
            Coordinates are WGS84 lon/lat with --precision decimals (default 6, about 0.1 m), correctly \
            rounded. --bbox keeps features that intersect the box and goes through the spatial index; \
            a box with minLon > maxLon crosses the antimeridian. --where FIELD=VALUE filters on a column \
            (repeatable, all must match; FIELD= matches empty values). --sort-by orders by columns \
            (-name for descending), --limit and --offset take one page of the result.

            Examples:
              qamtu export settlements --bbox 70.9,42.7,71.6,43.1 -o taraz.geojson
              qamtu export sites --where operator=Kcell --where status=planned --format csv
              qamtu export settlements --sort-by -population --limit 10 --format csv
            """)

    @Argument(help: ArgumentHelp("The layer to export.", valueName: "layer"))
    var layer: LayerSchema

    @Option(parsing: .unconditional, help: ArgumentHelp("Only features intersecting minLon,minLat,maxLon,maxLat (degrees).", valueName: "box"))
    var bbox: String?

    @Option(name: .customLong("where"), parsing: .singleValue,
            help: ArgumentHelp("Only features whose FIELD equals VALUE (repeatable).", valueName: "field=value"))
    var filters: [String] = []

    @Option(name: .customLong("sort-by"), parsing: .unconditional,
            help: ArgumentHelp("Order by these columns: a,-b (- for descending).", valueName: "columns"))
    var sortBy: String?

    @Option(help: ArgumentHelp("At most this many features.", valueName: "n"))
    var limit: Int?

    @Option(help: ArgumentHelp("Skip this many features first.", valueName: "n"))
    var offset = 0

    @Option(help: "Output format.")
    var format: ExportFormat = .geojson

    @Option(help: ArgumentHelp("Decimals of coordinates (0–15).", valueName: "n"))
    var precision = 6

    @Option(help: ArgumentHelp("Only these columns, in this order: a,b,c (the GeoJSON feature id is always written).", valueName: "columns"))
    var properties: String?

    @Flag(help: "geojsonseq: start each record with the RFC 8142 record separator (0x1E).")
    var rs = false

    @OptionGroup var destination: OutputOptions

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (0...15).contains(precision) else { throw ValidationError("--precision must be between 0 and 15, got \(precision)") }
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more, got \(limit)") }
        guard offset >= 0 else { throw ValidationError("--offset must be 0 or more, got \(offset)") }
        do { _ = try query() } catch { throw ValidationError(error.description) }
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
    var propertyList: [String]? { properties.map(parsePropertyList) }

    /// The query of the options.
    func query() throws(GeoModelError) -> ExportQuery {
        var parsed: [ExportFilter] = []
        for filter in filters { parsed.append(try ExportFilter(parsing: filter, layer: layer)) }
        let box = try bbox.map { text throws(GeoModelError) in try BoundingBox(parsing: text) }
        let keys = try sortBy.map { text throws(GeoModelError) in try SortKey.list(parsing: text, layer: layer) } ?? []
        return ExportQuery(layer: layer, bbox: box, filters: parsed).sorted(by: keys).paged(limit: limit, offset: offset)
    }

    func run() throws {
        try ErrorReporting.run {
            let query = try query()
            let portal = try database.portal()
            let count = try portal.export(query, options: ExportOptions(format: format, precision: precision, recordSeparator: rs,
                                                                        properties: propertyList), to: try destination.sink())
            destination.noteWritten(layer.count(count), detail: format.rawValue)
        }
    }
}
