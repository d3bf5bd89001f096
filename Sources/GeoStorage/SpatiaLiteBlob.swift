import Foundation
import GeoModel
import Geodesy

/// SpatiaLite's internal BLOB geometry format ("BLOB-Geometry", SpatiaLite documentation), written
/// and read in Swift so that imports and exports need no SQL function call per feature.
///
/// Layout (little-endian as written here): `0x00`, endian `0x01`, SRID int32, MBR as four doubles
/// (minX minY maxX maxY), `0x7C`, class type int32, the geometry, `0xFE`. Multi-part entities are
/// each prefixed by `0x69` and their class type. X is longitude and Y latitude (EPSG:4326).
enum SpatiaLiteBlob {
    static let srid: Int32 = 4326

    // Class types of 2-D geometries.
    static func classType(_ type: GeometryType) -> Int32 {
        switch type {
        case .point: 1
        case .lineString: 2
        case .polygon: 3
        case .multiPoint: 4
        case .multiLineString: 5
        case .multiPolygon: 6
        }
    }

    /// Encodes a geometry (XY, SRID 4326).
    static func encode(_ geometry: Geometry) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(60)
        encode(geometry, into: &out)
        return out
    }

    /// Appends the encoding of a geometry (XY, SRID 4326) to `out`.
    static func encode(_ geometry: Geometry, into out: inout [UInt8]) {
        let box = geometry.boundingBox ?? BoundingBox(minLongitude: 0, minLatitude: 0, maxLongitude: 0, maxLatitude: 0)
        out.append(0x00)
        out.append(0x01)
        append(srid, to: &out)
        append(box.minLongitude, to: &out)
        append(box.minLatitude, to: &out)
        append(box.maxLongitude, to: &out)
        append(box.maxLatitude, to: &out)
        out.append(0x7C)
        append(classType(geometry.type), to: &out)
        func points(_ ps: [GeoPoint]) {
            append(Int32(ps.count), to: &out)
            for p in ps { append(p.longitude, to: &out); append(p.latitude, to: &out) }
        }
        func rings(_ rs: [[GeoPoint]]) {
            append(Int32(rs.count), to: &out)
            rs.forEach(points)
        }
        switch geometry {
        case .point(let p):
            append(p.longitude, to: &out)
            append(p.latitude, to: &out)
        case .lineString(let ps): points(ps)
        case .polygon(let rs): rings(rs)
        case .multiPoint(let ps):
            append(Int32(ps.count), to: &out)
            for p in ps {
                out.append(0x69)
                append(Int32(1), to: &out)
                append(p.longitude, to: &out)
                append(p.latitude, to: &out)
            }
        case .multiLineString(let ls):
            append(Int32(ls.count), to: &out)
            for l in ls { out.append(0x69); append(Int32(2), to: &out); points(l) }
        case .multiPolygon(let polys):
            append(Int32(polys.count), to: &out)
            for poly in polys { out.append(0x69); append(Int32(3), to: &out); rings(poly) }
        }
        out.append(0xFE)
    }

    @inline(__always)
    private static func append(_ v: Int32, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    @inline(__always)
    private static func append(_ v: Double, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) }
    }

    /// Why a blob could not be decoded.
    struct DecodeError: Error { let reason: String }

    /// Decodes a blob (XY, XYZ, XYM, XYZM; extra ordinates dropped). Compressed geometries are refused.
    static func decode(_ bytes: UnsafeRawBufferPointer) throws(DecodeError) -> Geometry {
        var reader = Reader(bytes: bytes)
        guard bytes.count >= 44, bytes[0] == 0x00, bytes[38] == 0x7C, bytes[bytes.count - 1] == 0xFE else {
            throw DecodeError(reason: "not a SpatiaLite geometry blob")
        }
        reader.littleEndian = bytes[1] == 0x01
        reader.offset = 39
        let type = try reader.int32()
        return try reader.geometry(classType: type)
    }

    /// Reads the point of a 2-D Point blob without building a geometry, or nil for any other blob.
    @inline(__always)
    static func point(_ bytes: UnsafeRawBufferPointer) -> GeoPoint? {
        guard bytes.count == 60, bytes[1] == 0x01, bytes[39] == 1, bytes[40] == 0, bytes[41] == 0, bytes[42] == 0 else {
            return nil
        }
        let x = Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 43, as: UInt64.self)))
        let y = Double(bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 51, as: UInt64.self)))
        return GeoPoint(longitude: x, latitude: y)
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0
        var littleEndian = true

        mutating func int32() throws(DecodeError) -> Int32 {
            guard offset + 4 <= bytes.count else { throw DecodeError(reason: "truncated") }
            let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            offset += 4
            return Int32(bitPattern: littleEndian ? UInt32(littleEndian: raw) : UInt32(bigEndian: raw))
        }

        mutating func double() throws(DecodeError) -> Double {
            guard offset + 8 <= bytes.count else { throw DecodeError(reason: "truncated") }
            let raw = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
            return Double(bitPattern: littleEndian ? UInt64(littleEndian: raw) : UInt64(bigEndian: raw))
        }

        mutating func count() throws(DecodeError) -> Int {
            let n = Int(try int32())
            guard n >= 0, n <= (bytes.count - offset) else { throw DecodeError(reason: "bad count \(n)") }
            return n
        }

        mutating func point(dims: Int) throws(DecodeError) -> GeoPoint {
            let x = try double()
            let y = try double()
            for _ in 2..<dims { _ = try double() }
            return GeoPoint(longitude: x, latitude: y)
        }

        mutating func points(dims: Int) throws(DecodeError) -> [GeoPoint] {
            let n = try count()
            var out: [GeoPoint] = []
            out.reserveCapacity(n)
            for _ in 0..<n { out.append(try point(dims: dims)) }
            return out
        }

        mutating func rings(dims: Int) throws(DecodeError) -> [[GeoPoint]] {
            let n = try count()
            var out: [[GeoPoint]] = []
            for _ in 0..<n { out.append(try points(dims: dims)) }
            return out
        }

        mutating func entity(expected base: Int32) throws(DecodeError) -> Int {
            guard offset < bytes.count, bytes[offset] == 0x69 else { throw DecodeError(reason: "missing entity marker") }
            offset += 1
            let type = try int32()
            guard type % 1000 == base, type < 1_000_000 else { throw DecodeError(reason: "unexpected entity class \(type)") }
            return Self.dimensions(type)
        }

        static func dimensions(_ type: Int32) -> Int {
            switch type / 1000 {
            case 1, 2: 3
            case 3: 4
            default: 2
            }
        }

        mutating func geometry(classType: Int32) throws(DecodeError) -> Geometry {
            guard classType < 1_000_000 else { throw DecodeError(reason: "compressed geometries are not supported") }
            let dims = Self.dimensions(classType)
            switch classType % 1000 {
            case 1: return .point(try point(dims: dims))
            case 2: return .lineString(try points(dims: dims))
            case 3: return .polygon(try rings(dims: dims))
            case 4:
                let n = try count()
                var ps: [GeoPoint] = []
                for _ in 0..<n { let d = try entity(expected: 1); ps.append(try point(dims: d)) }
                return .multiPoint(ps)
            case 5:
                let n = try count()
                var ls: [[GeoPoint]] = []
                for _ in 0..<n { let d = try entity(expected: 2); ls.append(try points(dims: d)) }
                return .multiLineString(ls)
            case 6:
                let n = try count()
                var polys: [[[GeoPoint]]] = []
                for _ in 0..<n { let d = try entity(expected: 3); polys.append(try rings(dims: d)) }
                return .multiPolygon(polys)
            default: throw DecodeError(reason: "unsupported class type \(classType)")
            }
        }
    }
}
