import ArgumentParser
import Foundation
import GeoModel
import GeoStorage

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

            Every feature is validated first. On any problem nothing is written, and \
            the first 20 problems are listed with file, line or feature, and field. \
            Settlements get their district by point-in-polygon when districts exist \
            (also when the districts are imported later).

            Examples:
              qamtu import settlements villages.csv --map lng=lon --map nazvanie=name_ru
              qamtu import districts geoBoundaries-KAZ-ADM2.geojson
              qamtu import sites cells.csv --set status=operational --dry-run
            """)

    @Argument(help: ArgumentHelp("The layer to fill.", valueName: "layer"))
    var layer: LayerSchema

    @Argument(help: ArgumentHelp("The input file ('-' for standard input).", valueName: "file"))
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
        }
        if file == "-" && format == nil {
            throw ValidationError("reading standard input needs --format (the format cannot be detected from a stream)")
        }
    }

    func run() throws {
        try reportingErrors {
            let started = Date()
            let format = try self.format ?? InputFormat.detect(path: file)
            if let expected = format.fixedLayer, expected != layer.name {
                throw StorageError.formatDoesNotFitLayer(format: format.rawValue, layer: layer.name, expected: expected)
            }
            var fieldMap: [String: String] = [:]
            for mapping in mappings {
                let parts = mapping.split(separator: "=", maxSplits: 1).map(String.init)
                fieldMap[parts[0]] = parts[1]
            }
            let portal = try database.open()
            signal(SIGINT, SIG_IGN)  // Ctrl-C: the import rolls back and throws StorageError.interrupted (exit 130)
            let ctrlC = DispatchSource.makeSignalSource(signal: SIGINT)
            ctrlC.setEventHandler { portal.interrupt() }
            ctrlC.resume()
            var constants: [String: String] = [:]
            for assignment in defaults {
                let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
                constants[parts[0]] = parts[1]
            }
            let source = try format.openSource(path: file, layer: layer, options: SourceOptions(fieldMap: fieldMap, defaults: constants))
            let report: ImportReport
            do {
                report = try portal.importFeatures(
                    from: source, into: layer, fileName: file,
                    options: ImportOptions(replace: replace, dryRun: dryRun)
                ) { progress in
                    var line = "\(layer.name): \(grouped(progress.features)) features"
                    if let total = progress.totalBytes, total > 0 {
                        line += String(format: " (%.0f%%)", 100 * Double(progress.bytesRead) / Double(total))
                    }
                    Terminal.progress(line)
                }
                Terminal.endProgress()
            } catch {
                Terminal.endProgress()
                if case StorageError.interrupted = error { Terminal.error("\(error)"); throw ExitCode(130) }
                throw error
            }
            if !dryRun { try portal.checkpoint() }
            let seconds = Date().timeIntervalSince(started)
            let verb = dryRun ? "valid: would import" : "imported"
            print("\(verb) \(grouped(report.imported)) \(layer.name) from \(file) (\(format.rawValue)) in \(String(format: "%.2f", seconds)) s")
            if report.replaced > 0 { print("  replaced \(grouped(report.replaced)) existing features") }
            if report.districtsAssigned > 0 {
                print("  \(grouped(report.districtsAssigned)) settlements got their district by point-in-polygon")
            }
            if report.unresolvedCommitments > 0 {
                print("  note: \(grouped(report.unresolvedCommitments)) commitments refer to features not (yet) in their target layer")
            }
            for (reason, count) in report.skipped.sorted(by: { $0.key < $1.key }) {
                print("  skipped \(grouped(count)) \(reason)")
            }
            if !report.ignoredFields.isEmpty {
                print("  ignored fields (not in the \(layer.name) column contract): \(report.ignoredFields.joined(separator: ", "))")
            }
        }
    }
}
