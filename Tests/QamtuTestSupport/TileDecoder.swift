import VectorTiles

/// A small reader of encoded vector tiles for the tests: layers with their features' tags,
/// types and geometry commands decoded back to tile-space points.
public struct TileDecoder {
    public struct Feature {
        public var id: UInt64?
        public var type: UInt64
        public var properties: [String: TileValue]
        /// Parts (points, lines or rings) in tile units; rings without the closing point.
        public var parts: [[TilePoint]]
    }

    public struct Layer {
        public var name = ""
        public var version: UInt64 = 0
        public var extent: UInt64 = 4096
        public var features: [Feature] = []
    }

    public enum Failure: Error { case truncated, unexpected(String) }

    private var bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    public static func layers(_ bytes: [UInt8]) throws -> [Layer] {
        var reader = TileDecoder(bytes)
        var layers: [Layer] = []
        while !reader.atEnd {
            let (field, wire) = try reader.key()
            guard field == 3, wire == 2 else { throw Failure.unexpected("tile field \(field)") }
            layers.append(try layer(reader.lengthDelimited()))
        }
        return layers
    }

    var atEnd: Bool { position >= bytes.count }

    mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count else { throw Failure.truncated }
            let b = bytes[position]
            position += 1
            value |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return value }
            shift += 7
        }
    }

    mutating func key() throws -> (Int, UInt64) {
        let k = try varint()
        return (Int(k >> 3), k & 7)
    }

    mutating func lengthDelimited() throws -> [UInt8] {
        let n = Int(try varint())
        guard position + n <= bytes.count else { throw Failure.truncated }
        defer { position += n }
        return Array(bytes[position..<(position + n)])
    }

    mutating func packed() throws -> [UInt32] {
        var inner = TileDecoder(try lengthDelimited())
        var out: [UInt32] = []
        while !inner.atEnd { out.append(UInt32(try inner.varint())) }
        return out
    }

    static func layer(_ bytes: [UInt8]) throws -> Layer {
        var reader = TileDecoder(bytes)
        var layer = Layer()
        var keys: [String] = []
        var values: [TileValue] = []
        var raw: [(UInt64?, UInt64, [UInt32], [UInt32])] = []
        while !reader.atEnd {
            let (field, wire) = try reader.key()
            switch (field, wire) {
            case (15, 0): layer.version = try reader.varint()
            case (1, 2): layer.name = String(decoding: try reader.lengthDelimited(), as: UTF8.self)
            case (3, 2): keys.append(String(decoding: try reader.lengthDelimited(), as: UTF8.self))
            case (4, 2): values.append(try value(reader.lengthDelimited()))
            case (5, 0): layer.extent = try reader.varint()
            case (2, 2):
                var f = TileDecoder(try reader.lengthDelimited())
                var id: UInt64?
                var type: UInt64 = 0
                var tags: [UInt32] = []
                var geometry: [UInt32] = []
                while !f.atEnd {
                    let (ff, fw) = try f.key()
                    switch (ff, fw) {
                    case (1, 0): id = try f.varint()
                    case (2, 2): tags = try f.packed()
                    case (3, 0): type = try f.varint()
                    case (4, 2): geometry = try f.packed()
                    default: throw Failure.unexpected("feature field \(ff)")
                    }
                }
                raw.append((id, type, tags, geometry))
            default: throw Failure.unexpected("layer field \(field)")
            }
        }
        for (id, type, tags, geometry) in raw {
            var properties: [String: TileValue] = [:]
            for k in stride(from: 0, to: tags.count, by: 2) { properties[keys[Int(tags[k])]] = values[Int(tags[k + 1])] }
            layer.features.append(Feature(id: id, type: type, properties: properties, parts: try parts(geometry)))
        }
        return layer
    }

    static func value(_ bytes: [UInt8]) throws -> TileValue {
        var r = TileDecoder(bytes)
        let (field, _) = try r.key()
        switch field {
        case 1: return .string(String(decoding: try r.lengthDelimited(), as: UTF8.self))
        case 3:
            var bits: UInt64 = 0
            for k in 0..<8 { bits |= UInt64(r.bytes[r.position + k]) << (8 * UInt64(k)) }
            return .double(Double(bitPattern: bits))
        case 6:
            let z = try r.varint()
            return .integer(Int64(bitPattern: z >> 1) ^ -Int64(bitPattern: z & 1))
        case 7: return .bool(try r.varint() != 0)
        default: throw Failure.unexpected("value field \(field)")
        }
    }

    static func parts(_ commands: [UInt32]) throws -> [[TilePoint]] {
        var parts: [[TilePoint]] = []
        var x: Int32 = 0, y: Int32 = 0
        var i = 0
        func zag(_ v: UInt32) -> Int32 { Int32(bitPattern: v >> 1) ^ -Int32(bitPattern: v & 1) }
        while i < commands.count {
            let id = commands[i] & 7
            let count = Int(commands[i] >> 3)
            i += 1
            switch id {
            case 1, 2:
                for _ in 0..<count {
                    x += zag(commands[i])
                    y += zag(commands[i + 1])
                    i += 2
                    if id == 1 { parts.append([]) }
                    parts[parts.count - 1].append(TilePoint(x: x, y: y))
                }
            case 7: break
            default: throw Failure.unexpected("command \(id)")
            }
        }
        return parts
    }
}
