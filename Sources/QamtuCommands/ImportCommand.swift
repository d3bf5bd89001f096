import ArgumentParser
import Foundation
import GeoModel
import Geodesy
import PortalCore

/// `qamtu import LAYER FILE`: validate and load a file into a layer, all or nothing.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a GeoJSON, CSV, OSM places, geoBoundaries or OpenCelliD file into a layer (all or nothing).",
        discussion: """
            The format is detected from the content unless --format is given:
              geojson        FeatureCollection, properties as in the column contract
              csv            contract columns + lon,lat or wkt; ',' or ';'; UTF-8
              osm-places     OpenStreetMap / HOT populated places  -> settlements
              geoboundaries  geoBoundaries ADM2 boundaries         -> districts
              opencellid     OpenCelliD cells (MCC 401 only)       -> sites
            A gzip-compressed file (cell_towers.csv.gz, sites.geojson.gz; also on standard \
            input) is decompressed as it is read, its format detected from the content and \
            the name without .gz.

            Every feature is validated first. On any problem nothing is written, and \
            the first 20 problems are listed with file, line or feature, and field. \
            Settlements get their district by point-in-polygon when districts exist \
            (also when the districts are imported later).

            Examples:
              qamtu import settlements villages.csv --map lng=lon --map nazvanie=name_ru
              qamtu import districts geoBoundaries-KAZ-ADM2.geojson
              qamtu import sites cells.csv --set status=operational --dry-run
              qamtu import sites cell_towers.csv.gz --upsert --within-district Жуалы
              qamtu import settlements kazakhstan-places.geojson --bbox 69,42.3,76,46.5
            """)

    @Argument(help: ArgumentHelp("The layer to fill.", valueName: "layer"))
    var layer: LayerSchema

    @Argument(help: ArgumentHelp("The input file, gzip-compressed or not ('-' for standard input).", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("Input format (default: detected from the content).", valueName: "format"))
    var format: InputFormat?

    @Option(name: .customLong("map"), parsing: .singleValue,
            help: ArgumentHelp("Rename an input field to a column: SOURCE=TARGET (repeatable).", valueName: "source=target"))
    var mappings: [String] = []

    @Option(name: .customLong("set"), parsing: .singleValue,
            help: ArgumentHelp("Value for a column that a feature leaves empty: FIELD=VALUE (repeatable).", valueName: "field=value"))
    var defaults: [String] = []

    @Flag(help: "Replace the layer's features instead of adding to them.")
    var replace = false

    @Flag(help: "Update the features whose id is already in the layer, add the others (refreshing a cell list).")
    var upsert = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Only features intersecting minLon,minLat,maxLon,maxLat (degrees); the others are skipped.",
                               valueName: "box"))
    var bbox: String?

    @Option(name: .customLong("within-district"),
            help: ArgumentHelp("Only features in this district of the database (name in any script, or id); the others are skipped.",
                               valueName: "name"))
    var withinDistrict: String?

    @Flag(help: "Validate only; write nothing.")
    var dryRun = false

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        for mapping in mappings {
            let parts = mapping.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--map expects SOURCE=TARGET, got '\(mapping)'")
            }
            guard layer.columnIndex(String(parts[1])) != nil || ["lon", "lat", "wkt"].contains(String(parts[1])) else {
                throw ValidationError("--map \(mapping): layer \(layer.name) has no column '\(parts[1])' (columns: \(layer.columns.map(\.name).joined(separator: ", ")), lon, lat, wkt)")
            }
        }
        for assignment in defaults {
            let parts = assignment.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("--set expects FIELD=VALUE, got '\(assignment)'")
            }
            guard layer.columnIndex(String(parts[0])) != nil else {
                throw ValidationError("--set \(assignment): layer \(layer.name) has no column '\(parts[0])' (columns: \(layer.columns.map(\.name).joined(separator: ", ")))")
            }
            if parts.count == 2, let problem = layer.problem(withValue: String(parts[1]), ofColumn: String(parts[0])) {
                throw ValidationError("--set \(assignment): \(problem)")
            }
        }
        if replace && upsert { throw ValidationError("--replace and --upsert exclude each other: --replace empties the layer first") }
        if bbox != nil && withinDistrict != nil { throw ValidationError("give --bbox or --within-district, not both") }
        if let bbox {
            do { _ = try BoundingBox(parsing: bbox) } catch { throw ValidationError(error.description) }
        }
        if file == "-" && format == nil {
            throw ValidationError("reading standard input needs --format (the format cannot be detected from a stream)")
        }
    }

    /// `SOURCE=TARGET` or `FIELD=VALUE` options as a dictionary (validated in `validate()`).
    private static func assignments(_ list: [String]) -> [String: String] {
        var out: [String: String] = [:]
        for item in list {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            if parts.count == 2 { out[parts[0]] = parts[1] }
        }
        return out
    }

    func run() throws {
        try ErrorReporting.run {
            let started = Date()
            let request = ImportRequest(
                layer: layer, path: file, format: format,
                source: SourceOptions(fieldMap: Self.assignments(mappings), defaults: Self.assignments(defaults)),
                options: ImportOptions(replace: replace, dryRun: dryRun, upsert: upsert)
            ).limited(to: try bbox.map { .bbox(try BoundingBox(parsing: $0)) } ?? withinDistrict.map { .district($0) })
            let portal = try database.portal(readOnly: false)
            // Ctrl-C: the import stops at its next feature and rolls back (exit 130, nothing written).
            signal(SIGINT, SIG_IGN)
            let ctrlC = DispatchSource.makeSignalSource(signal: SIGINT)
            ctrlC.setEventHandler { portal.store.interrupt() }
            ctrlC.resume()
            defer { ctrlC.cancel() }
            let (report, format): (ImportReport, InputFormat)
            do {
                // Rows, rows per second and time left, on a terminal only (a few times a second).
                var line = ImportProgressLine(layer: layer.name)
                (report, format) = try portal.importFeatures(request, progress: Terminal.stderrIsTerminal ? { progress in
                    if let text = line.update(progress) { Terminal.progress(text) }
                } : nil)
                Terminal.endProgress()
            } catch {
                Terminal.endProgress()
                throw error
            }
            let seconds = Date().timeIntervalSince(started)
            let verb = dryRun ? "valid: would import" : "imported"
            print("\(verb) \(layer.count(report.imported)) from \(file) (\(format.rawValue)) in \(String(format: "%.2f", seconds)) s")
            if report.replaced > 0 { print("  replaced \(NumberFormat.count(report.replaced, "existing feature"))") }
            if report.updated > 0 { print("  updated \(NumberFormat.count(report.updated, "existing feature")) by id") }
            if report.districtsAssigned > 0 {
                print("  \(NumberFormat.count(report.districtsAssigned, "settlement")) got \(report.districtsAssigned == 1 ? "its" : "their") district by point-in-polygon")
            }
            if report.districtsCleared > 0 {
                print("  \(NumberFormat.count(report.districtsCleared, "settlement")) lost \(report.districtsCleared == 1 ? "its" : "their") district: "
                    + "it left the layer and no new district contains \(report.districtsCleared == 1 ? "it" : "them")")
            }
            if report.unresolvedCommitments > 0 {
                print("  note: \(NumberFormat.count(report.unresolvedCommitments, "commitment")) \(report.unresolvedCommitments == 1 ? "refers" : "refer") to features not (yet) in their target layer")
            }
            for (reason, count) in report.skipped.sorted(by: { $0.key < $1.key }) {
                print("  skipped \(NumberFormat.count(count, "row")) \(reason)")
            }
            if !report.ignoredFields.isEmpty {
                print("  ignored fields (not in the \(layer.name) column contract): \(report.ignoredFields.joined(separator: ", "))")
            }
        }
    }
}
