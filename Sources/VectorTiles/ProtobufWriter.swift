/// The few Protocol Buffers encodings a vector tile needs (varints, zig-zag, length-delimited
/// fields), written into a growing byte array. Field numbers and wire types are the callers'.
struct ProtobufWriter {
    /// The bytes written so far.
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// Wire type 0 (varint).
    static let varint: UInt64 = 0
    /// Wire type 1 (fixed 64 bits).
    static let fixed64: UInt64 = 1
    /// Wire type 2 (length-delimited).
    static let lengthDelimited: UInt64 = 2

    /// Appends `value` as a base-128 varint.
    @inline(__always)
    mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    /// Appends a field key.
    @inline(__always)
    mutating func writeKey(field: Int, wireType: UInt64) {
        writeVarint(UInt64(field) << 3 | wireType)
    }

    /// Appends a varint field.
    mutating func writeVarintField(_ field: Int, _ value: UInt64) {
        writeKey(field: field, wireType: Self.varint)
        writeVarint(value)
    }

    /// Appends a length-delimited field holding `payload`.
    mutating func writeBytesField(_ field: Int, _ payload: [UInt8]) {
        writeKey(field: field, wireType: Self.lengthDelimited)
        writeVarint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }

    /// Appends a length-delimited field holding the UTF-8 bytes of `text`.
    mutating func writeStringField(_ field: Int, _ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            writeKey(field: field, wireType: Self.lengthDelimited)
            writeVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// Appends a packed repeated varint field (omitted when empty).
    mutating func writePackedField(_ field: Int, _ values: [UInt32]) {
        guard !values.isEmpty else { return }
        var length = 0
        for v in values { length += Self.varintSize(UInt64(v)) }
        writeKey(field: field, wireType: Self.lengthDelimited)
        writeVarint(UInt64(length))
        for v in values { writeVarint(UInt64(v)) }
    }

    /// The number of bytes of `value` as a varint.
    @inline(__always)
    static func varintSize(_ value: UInt64) -> Int {
        var size = 1
        var v = value >> 7
        while v != 0 {
            size += 1
            v >>= 7
        }
        return size
    }

    /// Zig-zag encoding of a signed integer (0, -1, 1, -2 … → 0, 1, 2, 3 …).
    @inline(__always)
    static func zigZag(_ value: Int64) -> UInt64 { UInt64(bitPattern: (value << 1) ^ (value >> 63)) }

    /// Zig-zag encoding of a 32-bit parameter of a geometry command.
    @inline(__always)
    static func zigZag32(_ value: Int32) -> UInt32 { UInt32(bitPattern: (value << 1) ^ (value >> 31)) }
}
