import Geodesy

/// Writes GeoJSON (RFC 7946): WGS84 lon/lat positions with a fixed number of decimals, no `crs`
/// member, an `id` on every feature.
public struct GeoJSONWriter: Sendable {
    /// Decimals of every coordinate (RFC 7946 §11.2 recommends 6: about 0.1 m).
    public var precision: Int

    public init(precision: Int = 6) { self.precision = precision }

    /// Appends a position `[lon,lat]`.
    @inline(__always)
    public func position(_ p: GeoPoint, into out: inout JSONBuffer) {
        out.append(UInt8(ascii: "["))
        out.fixed(p.longitude, decimals: precision)
        out.append(UInt8(ascii: ","))
        out.fixed(p.latitude, decimals: precision)
        out.append(UInt8(ascii: "]"))
    }

    private func positions(_ ps: [GeoPoint], into out: inout JSONBuffer) {
        out.append(UInt8(ascii: "["))
        for (i, p) in ps.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            position(p, into: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    private func nested<T>(_ items: [T], into out: inout JSONBuffer, _ body: (T, inout JSONBuffer) -> Void) {
        out.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            body(item, &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// Appends a geometry object, or `null`.
    public func geometry(_ geometry: Geometry?, into out: inout JSONBuffer) {
        guard let geometry else { out.raw("null"); return }
        out.raw("{\"type\":\"")
        out.raw(geometry.type.rawValue)
        out.raw("\",\"coordinates\":")
        switch geometry {
        case .point(let p): position(p, into: &out)
        case .lineString(let ps), .multiPoint(let ps): positions(ps, into: &out)
        case .polygon(let rings), .multiLineString(let rings):
            nested(rings, into: &out) { positions($0, into: &$1) }
        case .multiPolygon(let polys):
            nested(polys, into: &out) { poly, o in nested(poly, into: &o) { positions($0, into: &$1) } }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Appends a property value.
    @inline(__always)
    public func value(_ value: FieldValue, into out: inout JSONBuffer) {
        switch value {
        case .null: out.raw("null")
        case .integer(let i): out.integer(i)
        case .real(let d): out.number(d)
        case .text(let s): out.string(s)
        }
    }

    /// Appends a complete Feature: `{"type":"Feature","id":…,"geometry":…,"properties":{…}}`;
    /// `extra` properties follow the layer's columns.
    public func feature(_ record: FeatureRecord, schema: LayerSchema, extra: [(name: String, value: FieldValue)] = [],
                        into out: inout JSONBuffer) {
        out.raw("{\"type\":\"Feature\",\"id\":")
        out.string(record.id)
        out.raw(",\"geometry\":")
        geometry(record.geometry, into: &out)
        out.raw(",\"properties\":{")
        for (i, column) in schema.columns.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.string(column.name)
            out.append(UInt8(ascii: ":"))
            value(i < record.values.count ? record.values[i] : .null, into: &out)
        }
        for (name, v) in extra {
            out.append(UInt8(ascii: ","))
            out.string(name)
            out.append(UInt8(ascii: ":"))
            value(v, into: &out)
        }
        out.raw("}}")
    }

    /// Appends a JSON value (for collection-level members such as `name` or `qamtu`).
    public func json(_ value: JSONValue, into out: inout JSONBuffer) {
        switch value {
        case .null: out.raw("null")
        case .bool(let b): out.raw(b ? "true" : "false")
        case .integer(let i): out.integer(i)
        case .number(let d): out.number(d)
        case .string(let s): out.string(s)
        case .array(let items):
            nested(items, into: &out) { json($0, into: &$1) }
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, m) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.string(m.key)
                out.append(UInt8(ascii: ":"))
                json(m.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}

extension WKT {
    /// Writes a geometry as WKT with `decimals` digits (correctly rounded, as in GeoJSON output).
    public static func text(_ geometry: Geometry, decimals: Int = 6) -> String {
        var out = JSONBuffer(capacity: 64)
        func pos(_ p: GeoPoint) {
            out.fixed(p.longitude, decimals: decimals)
            out.append(0x20)
            out.fixed(p.latitude, decimals: decimals)
        }
        func list<T>(_ items: [T], _ body: (T) -> Void) {
            out.append(UInt8(ascii: "("))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                body(item)
            }
            out.append(UInt8(ascii: ")"))
        }
        out.raw(geometry.type.ogcName)
        out.raw(" ")
        switch geometry {
        case .point(let p): list([p], pos)
        case .lineString(let ps): list(ps, pos)
        case .multiPoint(let ps): list(ps) { p in list([p], pos) }
        case .polygon(let rings), .multiLineString(let rings): list(rings) { list($0, pos) }
        case .multiPolygon(let polys): list(polys) { list($0) { list($0, pos) } }
        }
        return String(decoding: out.bytes, as: UTF8.self)
    }
}
