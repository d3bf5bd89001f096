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

    /// Guesses the format from the first bytes of a file (`-`: cannot peek, so GeoJSON or CSV by first byte).
    public static func detect(path: String, displayName: String? = nil) throws(GeoModelError) -> InputFormat {
        let reader = try ByteReader(path: path, displayName: displayName, chunkSize: 256 * 1024)
        try reader.refusePackedContent()
        reader.skipByteOrderMark()
        let head = reader.peekPrefix(256 * 1024)
        return detect(head: head, name: displayName ?? path)
    }

    /// Guesses the format from the first bytes of a file. A file named `*.geojson` or `*.json` is
    /// read as GeoJSON whatever it holds, so that a file that is not JSON is said to be so.
    public static func detect(head: [UInt8], name: String? = nil) -> InputFormat {
        let text = String(decoding: head, as: UTF8.self)
        let firstNonSpace = text.first { !$0.isWhitespace }
        let jsonName = name.map { $0.lowercased().hasSuffix(".geojson") || $0.lowercased().hasSuffix(".json") } ?? false
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

/// A stream of input features with canonical (column-contract) property names.
public protocol FeatureSource: AnyObject {
    /// The next feature, or nil at the end.
    func next() throws(GeoModelError) -> SourceFeature?
    /// Bytes read so far and the total when known.
    var progress: (done: Int, total: Int?) { get }
    /// Rows deliberately skipped, by reason (e.g. OpenCelliD rows of other countries).
    var skipped: [String: Int] { get }
    /// Input names that are not columns of the layer and were ignored.
    var ignoredFields: Set<String> { get }
    /// Whether numbers may use a decimal comma (`;`-separated CSV).
    var decimalComma: Bool { get }
}

/// Options that shape how a file is read.
public struct SourceOptions: Sendable {
    /// Renames of input fields: source name → column name (`--map SOURCE=TARGET`).
    public var fieldMap: [String: String] = [:]
    /// Values for columns that a feature leaves empty (`--set FIELD=VALUE`), validated like input.
    public var defaults: [String: String] = [:]

    public init(fieldMap: [String: String] = [:], defaults: [String: String] = [:]) {
        self.fieldMap = fieldMap
        self.defaults = defaults
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

/// GeoJSON features, optionally passed through an adapter that maps a foreign schema to the contract.
final class GeoJSONSource: FeatureSource {
    private let reader: GeoJSONFeatureReader
    private let layer: LayerSchema
    private let fieldMap: [String: String]
    private let defaults: [String: String]
    private let adapter: ((inout SourceFeature) -> Void)?
    private(set) var ignoredFields: Set<String> = []
    let skipped: [String: Int] = [:]
    var decimalComma: Bool { false }
    var progress: (done: Int, total: Int?) { reader.progress }

    init(path: String, displayName: String?, layer: LayerSchema, options: SourceOptions,
         adapter: ((inout SourceFeature) -> Void)?) throws(GeoModelError) {
        reader = try GeoJSONFeatureReader(path: path, displayName: displayName)
        self.layer = layer
        fieldMap = options.fieldMap
        defaults = options.defaults
        self.adapter = adapter
    }

    func next() throws(GeoModelError) -> SourceFeature? {
        guard var feature = try reader.next() else { return nil }
        if feature.isUnreadable { return feature }
        if !fieldMap.isEmpty {
            var renamed: [String: RawValue] = [:]
            for (key, value) in feature.properties { renamed[fieldMap[key] ?? key] = value }
            feature.properties = renamed
        }
        adapter?(&feature)
        feature.applyDefaults(defaults)
        for key in feature.properties.keys where layer.columnIndex(key) == nil { ignoredFields.insert(key) }
        return feature
    }
}

/// OpenStreetMap / HOT export of populated places → settlements.
enum OSMPlaces {
    /// Maps `name:kk` … to the contract; the id is `osm-node-<osm_id>` (or way/relation).
    static func adapt(_ feature: inout SourceFeature) {
        let p = feature.properties
        var out: [String: RawValue] = [:]
        out["name"] = p["name"] ?? .null
        out["name_kk"] = p["name:kk"] ?? .null
        out["name_ru"] = p["name:ru"] ?? .null
        out["name_en"] = p["name:en"] ?? .null
        out["kind"] = p["place"] ?? .null
        out["osm_id"] = p["osm_id"] ?? .null
        out["population"] = populationValue(p["population"] ?? .null)
        if let id = p["osm_id"], id != .null {
            let type: String
            switch p["osm_type"] {
            case .string(let t) where t.hasPrefix("way"): type = "way"
            case .string(let t) where t.hasPrefix("relation"): type = "relation"
            default: type = "node"
            }
            let idText: String
            switch id {
            case .integer(let i): idText = String(i)
            case .string(let s): idText = s
            default: idText = id.display
            }
            out["id"] = .string("osm-\(type)-\(idText)")
        } else {
            out["id"] = p["id"] ?? .null
        }
        feature.properties = out
    }

    /// OSM population tags are free text: accept `1234`, `1 234`, `1,234`; keep anything else for
    /// validation to report.
    static func populationValue(_ raw: RawValue) -> RawValue {
        guard case .string(let s) = raw else { return raw }
        let digits = s.filter { $0 != " " && $0 != "," && $0 != "\u{00A0}" && $0 != "'" }
        if let n = Int64(digits) { return .integer(n) }
        return raw
    }
}

/// geoBoundaries ADM GeoJSON → districts.
enum GeoBoundaries {
    static func adapt(_ feature: inout SourceFeature) {
        let p = feature.properties
        var out: [String: RawValue] = [:]
        out["id"] = p["shapeID"] ?? p["id"] ?? .null
        out["name"] = p["shapeName"] ?? .null
        if case .string(let iso)? = p["shapeISO"], !iso.isEmpty { out["code"] = .string(iso) }
        feature.properties = out
    }
}

/// CSV rows → features (`lon`,`lat` or `wkt` for the geometry).
final class CSVSource: FeatureSource {
    private let reader: CSVReader
    private let layer: LayerSchema
    private var header: [String] = []
    private var lonIndex: Int?
    private var latIndex: Int?
    private var wktIndex: Int?
    private let defaults: [String: String]
    private(set) var ignoredFields: Set<String> = []
    let skipped: [String: Int] = [:]
    var progress: (done: Int, total: Int?) { reader.progress }
    var decimalComma: Bool { reader.separator == UInt8(ascii: ";") }

    static let longitudeNames: Set<String> = ["lon", "lng", "long", "longitude"]
    static let latitudeNames: Set<String> = ["lat", "latitude"]
    static let wktNames: Set<String> = ["wkt", "geometry", "geom", "the_geom"]

    init(path: String, displayName: String?, layer: LayerSchema, options: SourceOptions) throws(GeoModelError) {
        reader = try CSVReader(path: path, displayName: displayName)
        self.layer = layer
        defaults = options.defaults
        guard let first = try reader.next() else {
            throw .unreadable(file: reader.displayName, line: 1, message: "the file is empty (no header line)")
        }
        // Column names are never numbers: a first line with numbers is a data row.
        let values = first.fields.compactMap { $0?.trimmingCharacters(in: .whitespaces) }.filter { field in
            options.fieldMap[field] == nil && field.contains(where: \.isNumber)
                && Double(reader.separator == UInt8(ascii: ";") ? field.replacingOccurrences(of: ",", with: ".") : field) != nil
        }
        if !values.isEmpty {
            throw .unreadable(file: reader.displayName, line: first.line,
                              message: "no header line: the first line holds values (\(values.joined(separator: ", "))), not column names; "
                                + "the first line must name the columns (e.g. id,name,lon,lat)")
        }
        for (i, field) in first.fields.enumerated() {
            guard let name = field?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
                throw .unreadable(file: reader.displayName, line: first.line, message: "header column \(i + 1) is empty or not valid UTF-8")
            }
            let mapped = options.fieldMap[name] ?? name
            if header.contains(mapped) {
                throw .unreadable(file: reader.displayName, line: first.line, message: "header names column '\(mapped)' twice")
            }
            header.append(mapped)
        }
        let lower = header.map { $0.lowercased() }
        lonIndex = lower.firstIndex { Self.longitudeNames.contains($0) }
        latIndex = lower.firstIndex { Self.latitudeNames.contains($0) }
        wktIndex = lower.firstIndex { Self.wktNames.contains($0) }
        if layer.geometryType != nil, !layer.geometryIsDerived, wktIndex == nil, lonIndex == nil || latIndex == nil {
            throw .unreadable(file: reader.displayName, line: first.line,
                              message: "no geometry columns: layer \(layer.name) needs 'lon' and 'lat' (or 'wkt'); header has \(header.joined(separator: ", "))")
        }
        for (i, name) in header.enumerated() where layer.columnIndex(name) == nil && i != lonIndex && i != latIndex && i != wktIndex {
            ignoredFields.insert(name)
        }
    }

    func next() throws(GeoModelError) -> SourceFeature? {
        guard let record = try reader.next() else { return nil }
        let location = SourceLocation(file: reader.displayName, line: record.line)
        var feature = SourceFeature(location: location, properties: [:], geometry: nil)
        if record.fields.count != header.count {
            feature.isUnreadable = true
            feature.unreadableReason = "the record has \(record.fields.count) fields, the header has \(header.count)"
            return feature
        }
        for (i, field) in record.fields.enumerated() {
            guard let field else {
                feature.readProblems.append((header[i], "text is not valid UTF-8"))
                continue
            }
            if i == lonIndex || i == latIndex || i == wktIndex { continue }
            feature.properties[header[i]] = field.isEmpty ? .null : .string(field)
        }
        feature.applyDefaults(defaults)
        if let wktIndex, let text = record.fields[wktIndex], !text.isEmpty {
            switch WKT.parse(text) {
            case .success(let g): feature.geometry = g
            case .failure(let f): feature.geometryError = f.message
            }
        } else if let lonIndex, let latIndex {
            let lonText = record.fields[lonIndex] ?? ""
            let latText = record.fields[latIndex] ?? ""
            if lonText.isEmpty && latText.isEmpty {
                // No geometry; validation reports it when the layer needs one.
            } else if let lon = number(lonText), let lat = number(latText) {
                feature.geometry = .point(GeoPoint(longitude: lon, latitude: lat))
            } else {
                let field = number(lonText) == nil ? header[lonIndex] : header[latIndex]
                let text = number(lonText) == nil ? lonText : latText
                feature.readProblems.append((field, "expected a number, got '\(text)'"))
                feature.geometryError = nil
            }
        }
        return feature
    }

    private func number(_ text: String) -> Double? {
        var t = text.trimmedOfSpaces
        if decimalComma { t = t.replacingOccurrences(of: ",", with: ".") }
        guard let d = Double(t), d.isFinite else { return nil }
        return d
    }
}
