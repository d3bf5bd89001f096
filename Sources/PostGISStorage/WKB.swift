import GeoModel
import Geodesy

/// Well-Known Binary (OGC Simple Features, ISO 19125-1 §8.2) for the geometries Qamtu stores:
/// read from `ST_AsBinary(geom)` and written as EWKB (PostGIS's extension with an SRID, here
/// always 4326) for COPY. Coordinates are EPSG:4326 longitude then latitude, in degrees, as
/// IEEE 754 doubles: nothing is rounded either way.
enum WKB {
    /// Why bytes are not a geometry Qamtu reads.
    struct DecodingError: Error {
        let reason: String
    }

    /// Reads a 2D geometry (either byte order; an EWKB SRID is skipped).
    /// - Throws: ``DecodingError`` for truncated bytes, a Z or M geometry, or a type Qamtu does not store.
    static func decode(_ bytes: some Collection<UInt8>) throws(DecodingError) -> Geometry {
        var reader = Reader(bytes: Array(bytes))
        let geometry = try reader.geometry()
        guard reader.offset == reader.bytes.count else { throw DecodingError(reason: "\(reader.bytes.count - reader.offset) bytes after the geometry") }
        return geometry
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0
        var littleEndian = true

        mutating func byte() throws(DecodingError) -> UInt8 {
            guard offset < bytes.count else { throw DecodingError(reason: "truncated") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func uint32() throws(DecodingError) -> UInt32 { try unsigned(UInt32.self) }

        mutating func double() throws(DecodingError) -> Double { Double(bitPattern: try unsigned(UInt64.self)) }

        /// The next `T` in the geometry's byte order.
        private mutating func unsigned<T: FixedWidthInteger & UnsignedInteger>(_: T.Type) throws(DecodingError) -> T {
            let size = MemoryLayout<T>.size
            guard offset + size <= bytes.count else { throw DecodingError(reason: "truncated") }
            var value: T = 0
            for i in 0..<size {
                value |= T(bytes[offset + i]) << (8 * (littleEndian ? i : size - 1 - i))
            }
            offset += size
            return value
        }

        mutating func point() throws(DecodingError) -> GeoPoint {
            let longitude = try double()
            return GeoPoint(longitude: longitude, latitude: try double())
        }

        mutating func points() throws(DecodingError) -> [GeoPoint] {
            let count = Int(try uint32())
            guard count <= (bytes.count - offset) / 16 else { throw DecodingError(reason: "truncated") }
            var out: [GeoPoint] = []
            out.reserveCapacity(count)
            for _ in 0..<count { out.append(try point()) }
            return out
        }

        mutating func rings() throws(DecodingError) -> [[GeoPoint]] {
            let count = Int(try uint32())
            guard count <= bytes.count - offset else { throw DecodingError(reason: "truncated") }
            var out: [[GeoPoint]] = []
            for _ in 0..<count { out.append(try points()) }
            return out
        }

        /// The header (byte order, type, optional SRID) of a geometry; returns the OGC type number.
        mutating func header() throws(DecodingError) -> UInt32 {
            littleEndian = try byte() == 1
            var type = try uint32()
            if type & 0xC000_0000 != 0 { throw DecodingError(reason: "Z or M coordinates") }
            if type & 0x2000_0000 != 0 {
                _ = try uint32()
                type &= ~0x2000_0000
            }
            if type > 1000 { throw DecodingError(reason: "Z or M coordinates") }
            return type
        }

        /// The parts of a multi geometry, each a geometry of type `part`.
        mutating func parts<T>(_ part: UInt32, _ read: (inout Reader) throws(DecodingError) -> T) throws(DecodingError) -> [T] {
            let count = Int(try uint32())
            guard count <= bytes.count - offset else { throw DecodingError(reason: "truncated") }
            var out: [T] = []
            for _ in 0..<count {
                guard try header() == part else { throw DecodingError(reason: "a part of another type") }
                out.append(try read(&self))
            }
            return out
        }

        mutating func geometry() throws(DecodingError) -> Geometry {
            switch try header() {
            case 1: return .point(try point())
            case 2: return .lineString(try points())
            case 3: return .polygon(try rings())
            case 4: return .multiPoint(try parts(1) { (r: inout Reader) throws(DecodingError) in try r.point() })
            case 5: return .multiLineString(try parts(2) { (r: inout Reader) throws(DecodingError) in try r.points() })
            case 6: return .multiPolygon(try parts(3) { (r: inout Reader) throws(DecodingError) in try r.rings() })
            case let type: throw DecodingError(reason: "geometry type \(type) is not stored by Qamtu")
            }
        }
    }

    /// `geometry` as little-endian EWKB with SRID 4326.
    static func encode(_ geometry: Geometry) -> [UInt8] {
        var out: [UInt8] = []
        write(geometry, srid: true, into: &out)
        return out
    }

    private static func uint32(_ value: UInt32, into out: inout [UInt8]) {
        for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt32(i)))) }
    }

    private static func point(_ p: GeoPoint, into out: inout [UInt8]) {
        for value in [p.longitude, p.latitude] {
            let bits = value.bitPattern
            for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i)))) }
        }
    }

    private static func points(_ ps: [GeoPoint], into out: inout [UInt8]) {
        uint32(UInt32(ps.count), into: &out)
        for p in ps { point(p, into: &out) }
    }

    private static func rings(_ rings: [[GeoPoint]], into out: inout [UInt8]) {
        uint32(UInt32(rings.count), into: &out)
        for ring in rings { points(ring, into: &out) }
    }

    private static func header(_ type: UInt32, srid: Bool, into out: inout [UInt8]) {
        out.append(1)
        uint32(srid ? type | 0x2000_0000 : type, into: &out)
        if srid { uint32(4326, into: &out) }
    }

    private static func write(_ geometry: Geometry, srid: Bool, into out: inout [UInt8]) {
        switch geometry {
        case .point(let p):
            header(1, srid: srid, into: &out)
            point(p, into: &out)
        case .lineString(let ps):
            header(2, srid: srid, into: &out)
            points(ps, into: &out)
        case .polygon(let rs):
            header(3, srid: srid, into: &out)
            rings(rs, into: &out)
        case .multiPoint(let ps):
            header(4, srid: srid, into: &out)
            uint32(UInt32(ps.count), into: &out)
            for p in ps { write(.point(p), srid: false, into: &out) }
        case .multiLineString(let lines):
            header(5, srid: srid, into: &out)
            uint32(UInt32(lines.count), into: &out)
            for line in lines { write(.lineString(line), srid: false, into: &out) }
        case .multiPolygon(let polygons):
            header(6, srid: srid, into: &out)
            uint32(UInt32(polygons.count), into: &out)
            for polygon in polygons { write(.polygon(polygon), srid: false, into: &out) }
        }
    }
}
