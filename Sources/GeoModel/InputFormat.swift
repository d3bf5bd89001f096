import Foundation
import Geodesy

/// The input formats `qamtu import` reads.
public enum InputFormat: String, Sendable, CaseIterable {
    /// A GeoJSON FeatureCollection whose properties follow the column contract.
    case geojson
    /// CSV with the contract's columns and `lon`,`lat` or `wkt`.
    case csv
    /// OpenStreetMap / HOT export of populated places (GeoJSON: name, name:kk, name:ru, name:en, place, population, osm_id).
    case osmPlaces = "osm-places"
    /// geoBoundaries ADM boundaries (GeoJSON: shapeName, shapeID, shapeISO).
    case geoboundaries
    /// OpenCelliD cell export (CSV: radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal).
    case opencellid

    /// The only layer a specialised format can fill, or nil when any layer fits.
    public var fixedLayer: String? {
        switch self {
        case .geojson, .csv: nil
        case .osmPlaces: "settlements"
        case .geoboundaries: "districts"
        case .opencellid: "sites"
        }
    }

    /// Guesses the format from the first bytes of a file (`-`: cannot peek, so GeoJSON or CSV by
    /// first byte). A gzip-compressed file is judged by its decompressed bytes and by its name
    /// without `.gz` (`cell_towers.csv.gz` as OpenCelliD CSV, `sites.geojson.gz` as GeoJSON).
    public static func detect(path: String, displayName: String? = nil) throws(GeoModelError) -> InputFormat {
        let reader = try ByteReader(path: path, displayName: displayName, chunkSize: 256 * 1024)
        try reader.refusePackedContent()
        try reader.skipByteOrderMark()
        let head = try reader.peekPrefix(256 * 1024)
        return detect(head: head, name: displayName ?? path)
    }

    /// Guesses the format from the first bytes of a file (decompressed, for a gzip-compressed
    /// one). A file named `*.geojson` or `*.json` (or `*.geojson.gz`, `*.json.gz`) is read as
    /// GeoJSON whatever it holds, so that a file that is not JSON is said to be so.
    public static func detect(head: [UInt8], name: String? = nil) -> InputFormat {
        let text = String(decoding: head, as: UTF8.self)
        let firstNonSpace = text.first { !$0.isWhitespace }
        let baseName = name.map { name in
            let lower = name.lowercased()
            return lower.hasSuffix(".gz") ? String(lower.dropLast(3)) : lower
        }
        let jsonName = baseName.map { $0.hasSuffix(".geojson") || $0.hasSuffix(".json") } ?? false
        if firstNonSpace != "{" && jsonName { return .geojson }
        if firstNonSpace == "{" {
            if text.contains("\"shapeID\"") || text.contains("\"shapeName\"") { return .geoboundaries }
            if text.contains("\"place\"") && text.contains("\"osm_id\"") { return .osmPlaces }
            return .geojson
        }
        let header = text.prefix { $0 != "\n" && $0 != "\r" }.lowercased()
        let names = Set(header.split(whereSeparator: { $0 == "," || $0 == ";" }).map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        })
        if ["radio", "mcc", "net", "area", "cell"].allSatisfy(names.contains) { return .opencellid }
        return .csv
    }
}

extension InputFormat {
    /// Opens a source that reads `path` in this format for `layer`.
    public func openSource(path: String, displayName: String? = nil, layer: LayerSchema,
                           options: SourceOptions = SourceOptions()) throws(GeoModelError) -> any FeatureSource {
        switch self {
        case .geojson: return try GeoJSONSource(path: path, displayName: displayName, layer: layer, options: options, adapter: nil)
        case .osmPlaces: return try GeoJSONSource(path: path, displayName: displayName, layer: layer, options: options, adapter: OSMPlaces.adapt)
        case .geoboundaries: return try GeoBoundariesSource(path: path, displayName: displayName, layer: layer, options: options)
        case .csv: return try CSVSource(path: path, displayName: displayName, layer: layer, options: options)
        case .opencellid: return try OpenCelliDSource(path: path, displayName: displayName, defaults: options.defaults)
        }
    }
}
