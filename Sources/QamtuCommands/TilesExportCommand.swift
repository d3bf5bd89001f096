import ArgumentParser
import Foundation
import GeoModel
import GeoStorage
import Geodesy
import PortalCore
import VectorTiles

/// `qamtu tiles export LAYER… -o FILE.mbtiles`: an MBTiles 1.3 file of vector tiles.
struct TilesExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the vector tiles of layers at a range of zooms as an MBTiles 1.3 file.",
        discussion: """
            One MVT layer per layer named, in every tile of the zooms over --bbox (default: the layers' \
            extent) that has a feature; tiles are gzip-compressed with rows in TMS order, as QGIS, GDAL, \
            tileserver-gl and martin read them. Extent 4096, a buffer of 64 units, lines and polygons \
            clipped to the buffered tile and simplified by one unit. The file appears only when complete.

            Examples:
              qamtu tiles export districts roads settlements sites --min-zoom 6 --max-zoom 12 -o zhambyl.mbtiles
              qamtu tiles export sites --max-zoom 14 --bbox 70.9,42.7,71.6,43.1 -o taraz-sites.mbtiles
            """)

    @Argument(help: ArgumentHelp("The layers (districts, roads, settlements, sites, institutions).", valueName: "layer"))
    var layers: [LayerSchema]

    @Option(name: .customLong("min-zoom"), help: ArgumentHelp("The lowest zoom (0–24).", valueName: "z"))
    var minZoom = 0

    @Option(name: .customLong("max-zoom"), help: ArgumentHelp("The highest zoom (0–24).", valueName: "z"))
    var maxZoom = 14

    @Option(parsing: .unconditional, help: ArgumentHelp("Only tiles intersecting minLon,minLat,maxLon,maxLat (degrees).", valueName: "box"))
    var bbox: String?

    @Option(help: ArgumentHelp("The tileset's name in the file (default: the file's name).", valueName: "text"))
    var name: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("The MBTiles file to write.", valueName: "file"))
    var output: String

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (0...TileCoordinate.maxZoom).contains(minZoom) else {
            throw ValidationError("--min-zoom must be between 0 and \(TileCoordinate.maxZoom), got \(minZoom)")
        }
        guard (0...TileCoordinate.maxZoom).contains(maxZoom) else {
            throw ValidationError("--max-zoom must be between 0 and \(TileCoordinate.maxZoom), got \(maxZoom)")
        }
        guard minZoom <= maxZoom else { throw ValidationError("--min-zoom \(minZoom) is above --max-zoom \(maxZoom)") }
        guard !layers.isEmpty else { throw ValidationError("name at least one layer") }
        for layer in layers where !Portal.tiledLayers.contains(where: { $0.name == layer.name }) {
            throw ValidationError("layer \(layer.name) has no geometry of its own to make tiles of; the layers with tiles are "
                + Portal.tiledLayers.map(\.name).joined(separator: ", "))
        }
        if Set(layers.map(\.name)).count != layers.count { throw ValidationError("a layer is named twice") }
        guard output != "-" else { throw ValidationError("-o: an MBTiles file is a database, not a stream; name a file") }
        if let bbox {
            do { _ = try BoundingBox(parsing: bbox) } catch { throw ValidationError("--bbox: \(error.description)") }
        }
    }

    func run() throws {
        try ErrorReporting.run {
            let box = try bbox.map { text throws(GeoModelError) in try BoundingBox(parsing: text) }
            let portal = try database.portal()
            PartialOutputCleanup.install(removing: MBTilesWriter.partialPath(for: output), output: output)
            let started = Date()
            let request = TileExportRequest(layers: layers, zooms: minZoom...maxZoom, bbox: box, path: output, name: name)
            let report = try portal.exportTiles(request) { done, total in
                let elapsed = Date().timeIntervalSince(started)
                var line = "tiles: \(NumberFormat.grouped(done)) of \(NumberFormat.grouped(total))"
                if done > 0, elapsed > 0 {
                    line += String(format: " (%.0f%%, %.0f tiles/s", 100 * Double(done) / Double(max(1, total)), Double(done) / elapsed)
                    line += String(format: ", %.0f s left)", Double(total - done) * elapsed / Double(done))
                }
                Terminal.progress(line)
            }
            Terminal.endProgress()
            let seconds = Date().timeIntervalSince(started)
            Terminal.note("wrote \(NumberFormat.grouped(report.tiles)) tiles (\(NumberFormat.grouped(report.bytes)) bytes gzip'd; "
                + "\(NumberFormat.grouped(report.tilesVisited - report.tiles)) empty left out) of zooms \(minZoom)–\(maxZoom) to "
                + "\(output) in " + String(format: "%.1f s", seconds))
        }
    }
}
