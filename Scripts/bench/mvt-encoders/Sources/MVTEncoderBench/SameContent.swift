import SwiftProtobuf

/// A decoded tile reduced to what a reader sees: per layer its version, name, extent and
/// features; per feature its id, type, geometry command integers and tags resolved to
/// (key, value) pairs. Two encodings with equal `TileMeaning` say the same thing, whatever the
/// field order, the table order or the byte layout.
struct TileMeaning: Equatable {
    struct Value: Equatable {
        var field: Int
        var bits: UInt64
        var text: String
    }

    struct Feature: Equatable {
        var id: UInt64?
        var type: Int
        var geometry: [UInt32]
        var tags: [String]
        var values: [Value]
    }

    struct Layer: Equatable {
        var version: UInt32
        var name: String
        var extent: UInt32
        var features: [Feature]
    }

    var layers: [Layer]

    init(decoding bytes: [UInt8]) throws {
        let tile = try VectorTile_Tile(serializedBytes: bytes)
        layers = try tile.layers.map { layer in
            let values = layer.values.map(Self.value)
            return Layer(version: layer.version, name: layer.name, extent: layer.extent,
                         features: try layer.features.map { f in
                var keys: [String] = [], vals: [Value] = []
                var i = 0
                while i + 1 < f.tags.count {
                    let k = Int(f.tags[i]), v = Int(f.tags[i + 1])
                    guard k < layer.keys.count, v < values.count else { throw ContentError(description: "tag out of range") }
                    keys.append(layer.keys[k])
                    vals.append(values[v])
                    i += 2
                }
                return Feature(id: f.hasID ? f.id : nil, type: f.type.rawValue, geometry: f.geometry,
                               tags: keys, values: vals)
            })
        }
    }

    /// A value by its field number and bits (doubles compared bit for bit).
    static func value(_ v: VectorTile_Tile.Value) -> Value {
        if v.hasStringValue { return Value(field: 1, bits: 0, text: v.stringValue) }
        if v.hasFloatValue { return Value(field: 2, bits: UInt64(v.floatValue.bitPattern), text: "") }
        if v.hasDoubleValue { return Value(field: 3, bits: v.doubleValue.bitPattern, text: "") }
        if v.hasIntValue { return Value(field: 4, bits: UInt64(bitPattern: v.intValue), text: "") }
        if v.hasUintValue { return Value(field: 5, bits: v.uintValue, text: "") }
        if v.hasSintValue { return Value(field: 6, bits: UInt64(bitPattern: v.sintValue), text: "") }
        if v.hasBoolValue { return Value(field: 7, bits: v.boolValue ? 1 : 0, text: "") }
        return Value(field: 0, bits: 0, text: "")
    }
}
