/// A property value of a vector-tile feature, typed as the tile stores it (Mapbox Vector Tile
/// 2.1 §4.1 `Value`): integers stay integers (zig-zag `sint_value`), reals are doubles.
public enum TileValue: Sendable, Hashable {
    /// UTF-8 text (`string_value`).
    case string(String)
    /// A whole number (`sint_value`, zig-zag).
    case integer(Int64)
    /// A real number (`double_value`).
    case double(Double)
    /// `bool_value`.
    case bool(Bool)

    /// The value as a layer's field 4: key, length and the `Value` message.
    func layerField() -> [UInt8] {
        var w = ProtobufWriter(capacity: 24)
        w.writeBytesField(4, encoded())
        return w.bytes
    }

    /// The encoded `Value` message.
    func encoded() -> [UInt8] {
        var w = ProtobufWriter(capacity: 16)
        switch self {
        case .string(let s): w.writeStringField(1, s)
        case .double(let d):
            w.writeKey(field: 3, wireType: ProtobufWriter.fixed64)
            let bits = d.bitPattern
            for k in 0..<8 { w.bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(k)))) }
        case .integer(let i): w.writeVarintField(6, ProtobufWriter.zigZag(i))
        case .bool(let b): w.writeVarintField(7, b ? 1 : 0)
        }
        return w.bytes
    }
}
