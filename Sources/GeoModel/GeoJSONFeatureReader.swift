import Geodesy

/// Streams the features of a GeoJSON FeatureCollection (RFC 7946) one at a time.
///
/// Only one feature is held in memory at a time, so files of any size can be read. Members of the
/// collection other than `features` (`type`, `name`, `crs`, `bbox` …) may come before or after it.
/// A `crs` member naming anything other than WGS84 lon/lat (`CRS84`, `EPSG:4326`) is refused,
/// because coordinates would be misread.
public final class GeoJSONFeatureReader {
    private let reader: ByteReader
    private var state: State = .start
    private var featureIndex = 0
    private var capture: [UInt8] = []
    /// Members of the collection read so far, other than `features` (e.g. `name`).
    public private(set) var collectionMembers: [String: JSONValue] = [:]

    private enum State { case start, inFeatures, afterFeatures, done }

    /// Bytes of the file read so far and its size, for progress (compressed bytes for a gzip file).
    public var progress: (done: Int, total: Int?) { reader.progress }

    /// The display name of the file.
    public var displayName: String { reader.displayName }

    /// Opens a GeoJSON file (`-` for standard input), decompressing it when it is gzip-compressed.
    public init(path: String, displayName: String? = nil) throws(GeoModelError) {
        reader = try ByteReader(path: path, displayName: displayName)
        try reader.refusePackedContent()
    }

    private func fail(_ message: String, line: Int? = nil) -> GeoModelError {
        .unreadable(file: reader.displayName, line: line ?? reader.line, message: message)
    }

    /// The next feature, or nil after the last one.
    ///
    /// A feature that is not valid JSON, or not a Feature object, comes back as a `SourceFeature`
    /// with a geometry error and no properties, so the caller reports it and goes on.
    /// - Throws: `GeoModelError.unreadable` when the file is not a FeatureCollection at all, or is
    ///   cut off (or its gzip data is damaged), so that no further feature can be found.
    public func next() throws(GeoModelError) -> SourceFeature? {
        while true {
            switch state {
            case .done: return nil
            case .start:
                try reader.skipByteOrderMark()
                try reader.skipWhitespace()
                let head = try reader.peekPrefix(4)
                guard try reader.next() == UInt8(ascii: "{") else {
                    // JSON starts with an object, an array, a string, a number, true, false or null.
                    if let first = head.first, !Array("[\"-0123456789tfn".utf8).contains(first) {
                        let shown = String(decoding: head, as: UTF8.self).first.map { "'\($0)'" } ?? "byte \(first)"
                        throw fail("not JSON: a GeoJSON file starts with '{', this one with \(shown)")
                    }
                    throw fail("not a GeoJSON FeatureCollection (expected '{' at the start)")
                }
                if try readMembersUntilFeatures() { state = .inFeatures } else { state = .done; return nil }
            case .inFeatures:
                try reader.skipWhitespace()
                let atClose = try reader.peek() == UInt8(ascii: "]")
                if featureIndex > 0 || atClose {
                    guard let b = try reader.next() else { throw fail("unexpected end of file in the features array") }
                    if b == UInt8(ascii: "]") {
                        state = .afterFeatures
                        continue
                    }
                    guard featureIndex > 0, b == UInt8(ascii: ",") else {
                        throw fail("expected ',' or ']' between features")
                    }
                    try reader.skipWhitespace()
                }
                let line = reader.line
                try captureValue()
                let location = SourceLocation(file: reader.displayName, line: line, featureIndex: featureIndex)
                featureIndex += 1
                return feature(from: capture, at: location)
            case .afterFeatures:
                _ = try readMembersUntilFeatures()
                state = .done
                return nil
            }
        }
    }

    /// Reads object members until the `features` array opens (returns true) or the object ends (false).
    private func readMembersUntilFeatures() throws(GeoModelError) -> Bool {
        var first = state == .start
        while true {
            try reader.skipWhitespace()
            guard let b = try reader.peek() else { throw fail("unexpected end of file") }
            if b == UInt8(ascii: "}") {
                _ = try reader.next()
                try checkCollectionType(sawFeatures: state == .afterFeatures)
                return false
            }
            if !first {
                guard try reader.next() == UInt8(ascii: ",") else { throw fail("expected ',' or '}' in the FeatureCollection") }
                try reader.skipWhitespace()
            }
            first = false
            guard try reader.peek() == UInt8(ascii: "\"") else { throw fail("expected a member name in quotes") }
            try captureValue()
            guard case .string(let key)? = try? JSONParser.parse(capture) else { throw fail("invalid member name") }
            try reader.skipWhitespace()
            guard try reader.next() == UInt8(ascii: ":") else { throw fail("expected ':' after \"\(key)\"") }
            try reader.skipWhitespace()
            if key == "features" {
                guard try reader.next() == UInt8(ascii: "[") else { throw fail("\"features\" is not an array") }
                try checkCollectionType(sawFeatures: true, final: false)
                return true
            }
            let line = reader.line
            try captureValue()
            let value: JSONValue
            do { value = try JSONParser.parse(capture) } catch {
                throw fail("invalid JSON in member \"\(key)\": \(error.message)", line: line)
            }
            collectionMembers[key] = value
            if key == "crs" { try checkCRS(value) }
        }
    }

    private func checkCollectionType(sawFeatures: Bool, final: Bool = true) throws(GeoModelError) {
        if let type = collectionMembers["type"], type != .string("FeatureCollection") {
            let shown = type.stringValue ?? "\(type)"
            throw fail("not a GeoJSON FeatureCollection (type is '\(shown)')")
        }
        if final, !sawFeatures, state != .afterFeatures {
            throw fail("not a GeoJSON FeatureCollection (no \"features\" array)")
        }
    }

    private func checkCRS(_ crs: JSONValue) throws(GeoModelError) {
        guard let name = crs["properties"]?["name"]?.stringValue else { return }
        let accepted = ["urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "urn:ogc:def:crs:EPSG::4326",
                        "EPSG:4326", "CRS84", "http://www.opengis.net/def/crs/OGC/1.3/CRS84"]
        if !accepted.contains(name) {
            throw fail("the file declares crs '\(name)'; Qamtu reads WGS84 lon/lat only (EPSG:4326, RFC 7946) — reproject first, e.g. ogr2ogr -t_srs EPSG:4326")
        }
    }

    /// Copies one complete JSON value (balanced brackets, strings with escapes) into `capture`.
    private func captureValue() throws(GeoModelError) {
        capture.removeAll(keepingCapacity: true)
        let startLine = reader.line
        var depth = 0
        var inString = false
        var escaped = false
        while let b = try reader.next() {
            capture.append(b)
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 0 { return }
                }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return }
                if depth < 0 { throw fail("unbalanced '\(Character(UnicodeScalar(b)))'") }
            default:
                if depth == 0 {
                    // A scalar at the top level ends before a delimiter.
                    if let n = try reader.peek(), n == UInt8(ascii: ",") || n == UInt8(ascii: "]") || n == UInt8(ascii: "}")
                        || n == 0x20 || n == 0x0A || n == 0x0D || n == 0x09 {
                        return
                    }
                }
            }
        }
        throw fail("unexpected end of file in a value that starts on line \(startLine)")
    }

    private func feature(from bytes: [UInt8], at location: SourceLocation) -> SourceFeature {
        let json: JSONValue
        do { json = try JSONParser.parse(bytes) } catch {
            var loc = location
            loc.line = (location.line ?? 1) + bytes.prefix(error.offset).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            return SourceFeature(location: loc, properties: [:], geometry: nil,
                                 unreadableReason: "invalid JSON: \(error.message)")
        }
        return GeoJSON.sourceFeature(from: json, at: location)
    }
}

/// Conversions between GeoJSON objects and the model.
public enum GeoJSON {
    /// Reads a GeoJSON Feature object into a `SourceFeature` (properties as raw values, geometry parsed).
    ///
    /// A top-level Feature `id` is used as the `id` property when the properties have none.
    /// Arrays of scalars become `;`-separated text (e.g. `["2G","4G"]` → `2G;4G`).
    public static func sourceFeature(from json: JSONValue, at location: SourceLocation) -> SourceFeature {
        guard json["type"] == .string("Feature") else {
            return SourceFeature(location: location, properties: [:], geometry: nil,
                                 unreadableReason: "not a GeoJSON Feature (its \"type\" must be \"Feature\")")
        }
        var properties: [String: RawValue] = [:]
        if case .object(let members)? = json["properties"] {
            for (key, value) in members { properties[key] = rawValue(value) }
        }
        if properties["id"] == nil || properties["id"] == .null, let id = json["id"] {
            properties["id"] = rawValue(id)
        }
        var geometry: Geometry?
        var geometryError: String?
        if let g = json["geometry"], g != .null {
            switch parseGeometry(g) {
            case .success(let value): geometry = value
            case .failure(let failure): geometryError = failure.message
            }
        }
        return SourceFeature(location: location, properties: properties, geometry: geometry, geometryError: geometryError)
    }

    /// A JSON value as a raw attribute value.
    public static func rawValue(_ value: JSONValue) -> RawValue {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .integer(let i): return .integer(i)
        case .number(let d): return .real(d)
        case .string(let s): return .string(s)
        case .array(let items):
            var parts: [String] = []
            for item in items {
                switch item {
                case .string(let s): parts.append(s)
                case .integer(let i): parts.append(String(i))
                default: return .composite("[…]")
                }
            }
            return .string(parts.joined(separator: ";"))
        case .object: return .composite("{…}")
        }
    }

    /// Parses a GeoJSON geometry object (RFC 7946 §3.1); positions are `[longitude, latitude(, altitude)]`.
    public static func parseGeometry(_ json: JSONValue) -> Result<Geometry, ConversionFailure> {
        guard let type = json["type"]?.stringValue else {
            return .failure(ConversionFailure("geometry has no \"type\""))
        }
        guard let coordinates = json["coordinates"] else {
            if type == "GeometryCollection" { return .failure(ConversionFailure("GeometryCollection is not supported")) }
            return .failure(ConversionFailure("\(type) has no \"coordinates\""))
        }
        do throws(ConversionFailure) {
            switch type {
            case "Point": return .success(.point(try position(coordinates)))
            case "MultiPoint": return .success(.multiPoint(try positions(coordinates)))
            case "LineString": return .success(.lineString(try positions(coordinates)))
            case "MultiLineString": return .success(.multiLineString(try list(coordinates, positions)))
            case "Polygon": return .success(.polygon(try list(coordinates, positions)))
            case "MultiPolygon": return .success(.multiPolygon(try list(coordinates) { (rings: JSONValue) throws(ConversionFailure) in try list(rings, positions) }))
            default: return .failure(ConversionFailure("unknown geometry type '\(type)'"))
            }
        } catch {
            return .failure(error)
        }
    }

    private static func position(_ json: JSONValue) throws(ConversionFailure) -> GeoPoint {
        guard case .array(let items) = json, items.count >= 2, items.count <= 3 else {
            throw ConversionFailure("a position must be an array [longitude, latitude] (optionally with altitude)")
        }
        guard let lon = items[0].doubleValue, let lat = items[1].doubleValue else {
            throw ConversionFailure("a position holds something other than numbers")
        }
        return GeoPoint(longitude: lon, latitude: lat)
    }

    private static func positions(_ json: JSONValue) throws(ConversionFailure) -> [GeoPoint] {
        try list(json, position)
    }

    private static func list<T>(_ json: JSONValue, _ body: (JSONValue) throws(ConversionFailure) -> T) throws(ConversionFailure) -> [T] {
        guard case .array(let items) = json else { throw ConversionFailure("coordinates are not nested arrays as the geometry type requires") }
        var out: [T] = []
        out.reserveCapacity(items.count)
        for item in items { out.append(try body(item)) }
        return out
    }
}
