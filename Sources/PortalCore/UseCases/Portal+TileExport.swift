import Foundation
import GeoModel
import GeoStorage
import Geodesy
import VectorTiles

extension Portal {
    /// Writes the tiles of `request` to an MBTiles 1.3 file: every non-empty tile of its zooms over
    /// its box, gzip-compressed, rows in TMS order, with the `metadata` that QGIS, GDAL and tile
    /// servers read (`name`, `format` pbf, `minzoom`, `maxzoom`, `bounds`, `center`, `json` with
    /// `vector_layers`). Tiles are made by the machine's cores in parallel; the file appears only
    /// when complete.
    /// - Parameter progress: called now and then with tiles done and tiles in all.
    /// - Throws: ``PortalError`` (invalid input) for a zoom outside 0…24 or no layer; store errors.
    public func exportTiles(_ request: TileExportRequest,
                            progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) throws -> TileExportReport {
        guard request.zooms.lowerBound >= 0, request.zooms.upperBound <= TileCoordinate.maxZoom else {
            throw PortalError(.invalidInput, "zooms must be within 0…\(TileCoordinate.maxZoom), got "
                + "\(request.zooms.lowerBound)…\(request.zooms.upperBound)")
        }
        guard !request.layers.isEmpty else { throw PortalError(.invalidInput, "no layer to make tiles of") }
        for layer in request.layers where layer.geometryType == nil || layer.geometryIsDerived {
            throw PortalError(.invalidInput, "layer \(layer.name) has no geometry of its own to make tiles of")
        }
        let bbox = try request.bbox ?? extent(of: request.layers)
        if let bbox {
            let count = request.zooms.reduce(0) { $0 + TileCoordinate.count(covering: bbox, zoom: $1) }
            guard count <= Self.maximumExportTiles else {
                throw PortalError(.invalidInput, "zooms \(request.zooms.lowerBound)–\(request.zooms.upperBound) over \(bbox) are "
                    + "\(count) tiles, more than the \(Self.maximumExportTiles) an export makes; lower --max-zoom or give a smaller --bbox")
            }
        }
        let writer = try MBTilesWriter(path: request.path)
        let tiles = bbox.map { box in request.zooms.flatMap { TileCoordinate.tiles(covering: box, zoom: $0) } } ?? []
        let total = tiles.count
        let state = TileExportState()
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8, total))
        let portal = self
        let layers = request.layers
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = state.claim(total) {
                do {
                    let tile = tiles[index]
                    let bytes = try portal.tile(tile, layers: layers)
                    var data: [UInt8] = []
                    if !bytes.isEmpty {
                        guard let compressed = Gzip.compress(bytes) else {
                            throw PortalError(.internal, "zlib could not compress tile \(tile) (out of memory?)")
                        }
                        data = compressed
                    }
                    let done = try state.record(data) {
                        try writer.write(zoom: tile.z, column: tile.x, tmsRow: tile.tmsRow, data: data)
                    }
                    if let progress, index % 256 == 0 { progress(done, total) }
                } catch {
                    state.fail(error)
                    return
                }
            }
        }
        if let error = state.error {
            writer.abandon()
            throw error
        }
        let box = bbox ?? BoundingBox(minLongitude: -180, minLatitude: -85, maxLongitude: 180, maxLatitude: 85)
        let name = request.name ?? URL(fileURLWithPath: request.path).deletingPathExtension().lastPathComponent
        do {
            try writer.finish(metadata: Self.mbtilesMetadata(name: name, layers: layers, zooms: request.zooms, bbox: box))
        } catch {
            writer.abandon()
            throw error
        }
        progress?(total, total)
        return TileExportReport(tiles: state.written, tilesVisited: total, bytes: state.bytes, bbox: bbox)
    }

    /// The longitude midway between a box's west and east edges (degrees; across 180° for a box
    /// that crosses the antimeridian), for TileJSON's and MBTiles' `center`.
    public static func centerLongitude(of box: BoundingBox) -> Double {
        let center = (box.minLongitude + box.maxLongitude + (box.crossesAntimeridian ? 360 : 0)) / 2
        return center > 180 ? center - 360 : center
    }

    /// The most tiles one export makes (their coordinates are listed in memory first: 24 bytes each).
    public static let maximumExportTiles = 20_000_000

    /// The union of the layers' extents, or nil when all are empty.
    public func extent(of layers: [LayerSchema]) throws -> BoundingBox? {
        var box: BoundingBox?
        for layer in layers {
            guard let b = try store.extent(layer) else { continue }
            box = box?.union(b) ?? b
        }
        return box
    }

    /// The MBTiles 1.3 metadata rows.
    static func mbtilesMetadata(name: String, layers: [LayerSchema], zooms: ClosedRange<Int>,
                                bbox: BoundingBox) -> [(name: String, value: String)] {
        func number(_ value: Double) -> String { String(format: "%.6f", value) }
        let centerLon = centerLongitude(of: bbox)
        let json = JSONValue.object([("vector_layers", vectorLayers(layers, zooms: zooms))])
        return [
            ("name", name),
            ("format", "pbf"),
            ("type", "overlay"),
            ("version", "1"),
            ("description", "Qamtu vector tiles of " + layers.map(\.name).joined(separator: ", ")),
            ("minzoom", String(zooms.lowerBound)),
            ("maxzoom", String(zooms.upperBound)),
            ("bounds", [bbox.minLongitude, bbox.minLatitude, bbox.maxLongitude, bbox.maxLatitude].map(number).joined(separator: ",")),
            ("center", "\(number(centerLon)),\(number((bbox.minLatitude + bbox.maxLatitude) / 2)),\(zooms.lowerBound)"),
            ("json", String(decoding: json.jsonBytes, as: UTF8.self)),
        ]
    }

    /// TileJSON's and MBTiles' `vector_layers`: each layer's id, fields with their types
    /// (`String`, `Number`) and zooms.
    public static func vectorLayers(_ layers: [LayerSchema], zooms: ClosedRange<Int>) -> JSONValue {
        .array(layers.map { layer in
            .object([
                ("id", .string(layer.name)),
                ("description", .string("Qamtu layer \(layer.name) (\(layer.geometryType?.rawValue ?? "no geometry"))")),
                ("minzoom", .integer(Int64(zooms.lowerBound))),
                ("maxzoom", .integer(Int64(zooms.upperBound))),
                ("fields", .object(layer.columns.map { column in
                    switch column.type {
                    case .integer, .real: (column.name, .string("Number"))
                    case .text, .enumeration, .set: (column.name, .string("String"))
                    }
                })),
            ])
        })
    }
}

/// The shared progress of a parallel tile export.
private final class TileExportState: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private(set) var done = 0
    private(set) var written = 0
    private(set) var bytes = 0
    private(set) var error: Error?

    /// The next tile index to make, or nil when all are claimed or one failed.
    func claim(_ total: Int) -> Int? {
        lock.withLock {
            guard error == nil, next < total else { return nil }
            defer { next += 1 }
            return next
        }
    }

    /// Counts a tile and runs `store` (the file's write) for a non-empty one, one at a time;
    /// returns the tiles done so far.
    func record(_ data: [UInt8], store: () throws -> Void) throws -> Int {
        try lock.withLock {
            done += 1
            guard !data.isEmpty else { return done }
            try store()
            written += 1
            bytes += data.count
            return done
        }
    }

    func fail(_ failure: Error) {
        lock.withLock { if error == nil { error = failure } }
    }
}
