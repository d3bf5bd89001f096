import SwiftProtobuf
import VectorTiles

/// (a) Qamtu's hand-written writer, through its public API: one `VectorTileLayer` per layer
/// (keys and values deduplicated by the layer), `VectorTile(layers:).encoded()`.
@inline(never)
func encodeHandWritten(_ tile: ContentTile) -> [UInt8] {
    var layers: [VectorTileLayer] = []
    layers.reserveCapacity(tile.layers.count)
    for content in tile.layers {
        var layer = VectorTileLayer(name: content.name, extent: content.extent)
        for f in content.features {
            layer.add(f.geometry, properties: f.properties, id: f.id)
        }
        layers.append(layer)
    }
    return VectorTile(layers: layers).encoded()
}

/// (b) swift-protobuf with the generated `VectorTile_Tile`: the same work from the same input —
/// keys and values deduplicated with dictionaries (as `VectorTileLayer` does), geometry
/// commands from `TileGeometry` (the same algorithm as `TileGeometry.commands(into:)`, which is
/// internal to VectorTiles), layers without features left out, then `serializedBytes()`.
/// `partial: true` skips the check of the schema's `required` fields (version, name).
@inline(never)
func encodeSwiftProtobuf(_ tile: ContentTile, partial: Bool = false) throws -> [UInt8] {
    var message = VectorTile_Tile()
    message.layers.reserveCapacity(tile.layers.count)
    for content in tile.layers where !content.features.isEmpty {
        var layer = VectorTile_Tile.Layer()
        layer.version = 2
        layer.name = content.name
        layer.extent = UInt32(content.extent)
        var keys: [String] = []
        var keyIndex: [String: UInt32] = [:]
        var values: [VectorTile_Tile.Value] = []
        var valueIndex: [TileValue: UInt32] = [:]
        var features: [VectorTile_Tile.Feature] = []
        features.reserveCapacity(content.features.count)
        for f in content.features {
            var feature = VectorTile_Tile.Feature()
            if let id = f.id { feature.id = id }
            var tags: [UInt32] = []
            tags.reserveCapacity(2 * f.properties.count)
            for (name, value) in f.properties {
                if let k = keyIndex[name] {
                    tags.append(k)
                } else {
                    let k = UInt32(keys.count)
                    keys.append(name)
                    keyIndex[name] = k
                    tags.append(k)
                }
                if let v = valueIndex[value] {
                    tags.append(v)
                } else {
                    let v = UInt32(values.count)
                    values.append(VectorTile_Tile.Value(value))
                    valueIndex[value] = v
                    tags.append(v)
                }
            }
            feature.tags = tags
            feature.type = f.geometry.geomType
            feature.geometry = f.geometry.commandIntegers()
            features.append(feature)
        }
        layer.features = features
        layer.keys = keys
        layer.values = values
        message.layers.append(layer)
    }
    return try message.serializedBytes(partial: partial)
}

extension VectorTile_Tile.Value {
    /// The value as the hand-written writer stores it: strings, doubles, sint64, bools.
    init(_ value: TileValue) {
        self.init()
        switch value {
        case .string(let s): stringValue = s
        case .double(let d): doubleValue = d
        case .integer(let i): sintValue = i
        case .bool(let b): boolValue = b
        }
    }
}

extension TileGeometry {
    var geomType: VectorTile_Tile.GeomType {
        switch self {
        case .points: .point
        case .lines: .linestring
        case .polygons: .polygon
        }
    }

    /// The command integers of §4.3, as `TileGeometry.commands(into:)` writes them.
    func commandIntegers() -> [UInt32] {
        var out: [UInt32] = []
        var cx: Int32 = 0
        var cy: Int32 = 0
        @inline(__always) func command(_ id: UInt32, _ count: Int) { out.append(id & 0x7 | UInt32(count) << 3) }
        @inline(__always) func zigZag(_ v: Int32) -> UInt32 { UInt32(bitPattern: (v << 1) ^ (v >> 31)) }
        @inline(__always) func parameter(_ p: TilePoint) {
            out.append(zigZag(p.x &- cx))
            out.append(zigZag(p.y &- cy))
            cx = p.x
            cy = p.y
        }
        switch self {
        case .points(let points):
            out.reserveCapacity(1 + 2 * points.count)
            command(1, points.count)
            for p in points { parameter(p) }
        case .lines(let lines):
            for line in lines {
                command(1, 1)
                parameter(line[0])
                command(2, line.count - 1)
                for p in line.dropFirst() { parameter(p) }
            }
        case .polygons(let polygons):
            for polygon in polygons {
                for ring in polygon {
                    command(1, 1)
                    parameter(ring[0])
                    command(2, ring.count - 1)
                    for p in ring.dropFirst() { parameter(p) }
                    command(7, 1)
                }
            }
        }
        return out
    }
}

/// The part of the work that neither encoder can avoid, for scale: keys and values
/// deduplicated into tables and tag lists, geometry commands made, but nothing encoded.
/// Returns the number of table entries and integers made (so that nothing is optimised away).
@inline(never)
func sharedWorkOnly(_ tile: ContentTile) -> Int {
    var made = 0
    for content in tile.layers {
        var keys: [String] = []
        var keyIndex: [String: UInt32] = [:]
        var values: [TileValue] = []
        var valueIndex: [TileValue: UInt32] = [:]
        for f in content.features {
            var tags: [UInt32] = []
            tags.reserveCapacity(2 * f.properties.count)
            for (name, value) in f.properties {
                if let k = keyIndex[name] {
                    tags.append(k)
                } else {
                    let k = UInt32(keys.count)
                    keys.append(name)
                    keyIndex[name] = k
                    tags.append(k)
                }
                if let v = valueIndex[value] {
                    tags.append(v)
                } else {
                    let v = UInt32(values.count)
                    values.append(value)
                    valueIndex[value] = v
                    tags.append(v)
                }
            }
            made &+= tags.count &+ f.geometry.commandIntegers().count
        }
        made &+= keys.count &+ values.count
    }
    return made
}
