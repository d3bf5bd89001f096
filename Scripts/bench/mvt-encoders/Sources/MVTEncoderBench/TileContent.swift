import VectorTiles

/// A feature as a tile generator has it before encoding: tile-space geometry, typed
/// properties in order, an optional id. What both encoders start from.
struct ContentFeature {
    var id: UInt64?
    var geometry: TileGeometry
    var properties: [(String, TileValue)]
}

/// A layer of features to encode.
struct ContentLayer {
    var name: String
    var extent: Int
    var features: [ContentFeature]
}

/// A tile's layers, in order.
struct ContentTile {
    var layers: [ContentLayer]
    var featureCount: Int { layers.reduce(0) { $0 + $1.features.count } }
}

/// Why a decoded tile could not become encoder input.
struct ContentError: Error, CustomStringConvertible {
    var description: String
}

extension ContentTile {
    /// The content of a decoded tile: geometry commands back into points, lines and polygons
    /// (rings grouped by the sign of their area: exterior positive, holes negative in tile
    /// space), tags back into (key, value) pairs.
    init(_ tile: VectorTile_Tile) throws {
        layers = try tile.layers.map { layer in
            let features = try layer.features.map { feature -> ContentFeature in
                guard feature.tags.count % 2 == 0 else { throw ContentError(description: "layer \(layer.name): odd tag count") }
                var properties: [(String, TileValue)] = []
                properties.reserveCapacity(feature.tags.count / 2)
                var i = 0
                while i < feature.tags.count {
                    let k = Int(feature.tags[i]), v = Int(feature.tags[i + 1])
                    guard k < layer.keys.count, v < layer.values.count else {
                        throw ContentError(description: "layer \(layer.name): tag index out of range")
                    }
                    properties.append((layer.keys[k], try TileValue(layer.values[v])))
                    i += 2
                }
                return ContentFeature(id: feature.hasID ? feature.id : nil,
                                      geometry: try TileGeometry(type: feature.type, commands: feature.geometry),
                                      properties: properties)
            }
            return ContentLayer(name: layer.name, extent: Int(layer.extent), features: features)
        }
    }
}

extension TileValue {
    /// The value as Qamtu types it (integers of every kind as `integer`, floats as `double`).
    init(_ value: VectorTile_Tile.Value) throws {
        if value.hasStringValue { self = .string(value.stringValue) }
        else if value.hasSintValue { self = .integer(value.sintValue) }
        else if value.hasIntValue { self = .integer(value.intValue) }
        else if value.hasUintValue, let i = Int64(exactly: value.uintValue) { self = .integer(i) }
        else if value.hasDoubleValue { self = .double(value.doubleValue) }
        else if value.hasFloatValue { self = .double(Double(value.floatValue)) }
        else if value.hasBoolValue { self = .bool(value.boolValue) }
        else { throw ContentError(description: "a Value with no field Qamtu can hold") }
    }
}

extension TileGeometry {
    /// Decodes command integers (§4.3) into parts: each MoveTo starts one, LineTo extends it.
    init(type: VectorTile_Tile.GeomType, commands: [UInt32]) throws {
        var parts: [[TilePoint]] = []
        var x: Int32 = 0, y: Int32 = 0
        var i = 0
        while i < commands.count {
            let id = commands[i] & 0x7, count = Int(commands[i] >> 3)
            i += 1
            switch id {
            case 1, 2:
                guard i + 2 * count <= commands.count else { throw ContentError(description: "truncated geometry") }
                if id == 1 && type != .point { parts.append([]) }
                if parts.isEmpty { parts.append([]) }
                for _ in 0..<count {
                    x &+= Self.unzigzag(commands[i]); y &+= Self.unzigzag(commands[i + 1])
                    i += 2
                    parts[parts.count - 1].append(TilePoint(x: x, y: y))
                }
            case 7:
                guard count == 1 else { throw ContentError(description: "ClosePath with count \(count)") }
            default:
                throw ContentError(description: "unknown command \(id)")
            }
        }
        switch type {
        case .point: self = .points(parts.first ?? [])
        case .linestring: self = .lines(parts)
        case .polygon:
            var polygons: [[[TilePoint]]] = []
            for ring in parts {
                if Self.doubleArea(ring) > 0 || polygons.isEmpty { polygons.append([ring]) }
                else { polygons[polygons.count - 1].append(ring) }
            }
            self = .polygons(polygons)
        default: throw ContentError(description: "geometry type \(type)")
        }
    }

    static func unzigzag(_ v: UInt32) -> Int32 { Int32(bitPattern: (v >> 1) ^ (0 &- (v & 1))) }

    static func doubleArea(_ ring: [TilePoint]) -> Int64 {
        guard ring.count >= 3 else { return 0 }
        var sum: Int64 = 0
        var previous = ring[ring.count - 1]
        for p in ring {
            sum += Int64(previous.x) * Int64(p.y) - Int64(p.x) * Int64(previous.y)
            previous = p
        }
        return sum
    }
}
