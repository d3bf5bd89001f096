import Geodesy

/// Well-known text (OGC Simple Features) for the geometry types Qamtu stores, lon/lat order.
///
/// Reads `POINT (lon lat)`, `LINESTRING`, `POLYGON`, `MULTIPOINT`, `MULTILINESTRING`,
/// `MULTIPOLYGON`; `Z`/`M` ordinates are dropped; an EWKT `SRID=4326;` prefix is accepted.
public enum WKT {
    /// Parses WKT into a geometry; `.failure` says what is wrong.
    public static func parse(_ text: String) -> Result<Geometry, ConversionFailure> {
        var scanner = Scanner(text: Array(text.utf8))
        do throws(ConversionFailure) {
            let g = try scanner.geometry()
            scanner.skipSpaces()
            if !scanner.atEnd { throw ConversionFailure("unexpected text after the geometry") }
            return .success(g)
        } catch {
            return .failure(error)
        }
    }

    private struct Scanner {
        let text: [UInt8]
        var i = 0
        var dimensions = 2
        var atEnd: Bool { i >= text.count }

        init(text: [UInt8]) { self.text = text }

        mutating func skipSpaces() {
            while i < text.count, text[i] == 0x20 || text[i] == 0x09 || text[i] == 0x0A || text[i] == 0x0D { i += 1 }
        }

        mutating func word() -> String {
            skipSpaces()
            let start = i
            while i < text.count, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(text[i] & 0xDF) || text[i] == UInt8(ascii: "=") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[i]) {
                i += 1
            }
            return String(decoding: text[start..<i], as: UTF8.self).uppercased()
        }

        mutating func expect(_ c: Character) throws(ConversionFailure) {
            skipSpaces()
            guard i < text.count, text[i] == c.asciiValue else { throw ConversionFailure("expected '\(c)' in WKT at character \(i + 1)") }
            i += 1
        }

        mutating func peek(_ c: Character) -> Bool {
            skipSpaces()
            return i < text.count && text[i] == c.asciiValue
        }

        mutating func geometry() throws(ConversionFailure) -> Geometry {
            var name = word()
            if name.hasPrefix("SRID=") {
                guard name == "SRID=4326", peek(";") else { throw ConversionFailure("only SRID=4326 (WGS84 lon/lat) is accepted") }
                i += 1
                name = word()
            }
            let save = i
            let modifier = word()
            switch modifier {
            case "Z", "M": dimensions = 3
            case "ZM": dimensions = 4
            case "": i = save
            default: throw ConversionFailure("unexpected '\(modifier)' after \(name)")
            }
            if word() == "EMPTY" { throw ConversionFailure("\(name) EMPTY has no position") }
            switch name {
            case "POINT":
                try expect("("); let p = try position(); try expect(")"); return .point(p)
            case "LINESTRING": return .lineString(try positions())
            case "POLYGON": return .polygon(try list { (s: inout Scanner) throws(ConversionFailure) in try s.positions() })
            case "MULTIPOINT":
                return .multiPoint(try list { (s: inout Scanner) throws(ConversionFailure) in
                    if s.peek("(") { try s.expect("("); let p = try s.position(); try s.expect(")"); return p }
                    return try s.position()
                })
            case "MULTILINESTRING": return .multiLineString(try list { (s: inout Scanner) throws(ConversionFailure) in try s.positions() })
            case "MULTIPOLYGON":
                return .multiPolygon(try list { (s: inout Scanner) throws(ConversionFailure) in
                    try s.list { (t: inout Scanner) throws(ConversionFailure) in try t.positions() }
                })
            case "": throw ConversionFailure("no geometry type in WKT")
            default: throw ConversionFailure("unsupported WKT geometry type '\(name)'")
            }
        }

        mutating func number() throws(ConversionFailure) -> Double {
            skipSpaces()
            let start = i
            while i < text.count, text[i] != 0x20, text[i] != UInt8(ascii: ","), text[i] != UInt8(ascii: ")"), text[i] != 0x09 { i += 1 }
            let s = String(decoding: text[start..<i], as: UTF8.self)
            guard let d = Double(s) else { throw ConversionFailure("'\(s)' is not a number in WKT") }
            return d
        }

        mutating func position() throws(ConversionFailure) -> GeoPoint {
            let lon = try number()
            let lat = try number()
            for _ in 2..<dimensions { _ = try number() }
            return GeoPoint(longitude: lon, latitude: lat)
        }

        mutating func positions() throws(ConversionFailure) -> [GeoPoint] {
            try list { (s: inout Scanner) throws(ConversionFailure) in try s.position() }
        }

        mutating func list<T>(_ item: (inout Scanner) throws(ConversionFailure) -> T) throws(ConversionFailure) -> [T] {
            try expect("(")
            var out: [T] = [try item(&self)]
            while peek(",") {
                i += 1
                out.append(try item(&self))
            }
            try expect(")")
            return out
        }
    }
}
