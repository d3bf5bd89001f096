/// One layer of a Mapbox Vector Tile (2.1) being built: its features with their geometries and
/// typed properties, keys and values deduplicated as the specification asks.
public struct VectorTileLayer: Sendable {
    /// The layer's name (a collection id).
    public let name: String
    /// Units per tile side.
    public let extent: Int
    /// The features added so far.
    public private(set) var featureCount = 0

    private var keys: [String] = []
    private var keyIndex: [String: UInt32] = [:]
    private var values = ProtobufWriter()
    private var valueIndex: [TileValue: UInt32] = [:]
    private var valueCount = 0
    private var features = ProtobufWriter()
    private var feature = ProtobufWriter()
    private var commands: [UInt32] = []
    private var tags: [UInt32] = []

    /// An empty layer named `name` with `extent` units per tile side.
    public init(name: String, extent: Int = TileProjection.defaultExtent) {
        self.name = name
        self.extent = extent
    }

    /// The index of key `name` (added on first use).
    public mutating func key(_ name: String) -> UInt32 {
        if let k = keyIndex[name] { return k }
        let k = UInt32(keys.count)
        keys.append(name)
        keyIndex[name] = k
        return k
    }

    /// The index of `value` (added on first use).
    public mutating func value(_ value: TileValue) -> UInt32 {
        if let v = valueIndex[value] { return v }
        let v = appendValue(value)
        valueIndex[value] = v
        return v
    }

    /// Adds `value` to the value table without looking for an equal one (the caller keeps
    /// values distinct, as ``PointTileIndex`` does with its own numbering); returns its index.
    mutating func appendValue(_ value: TileValue) -> UInt32 {
        value.layerField().withUnsafeBufferPointer { appendEncodedValue($0) }
    }

    /// Reserves room for about this many bytes of encoded features and values.
    mutating func reserve(features featureBytes: Int, values valueBytes: Int) {
        features.bytes.reserveCapacity(featureBytes)
        values.bytes.reserveCapacity(valueBytes)
    }

    /// Adds a value already encoded as the layer's field 4 (key, length and `Value` message:
    /// what ``TileValue/layerField()`` gives) without looking for an equal one; returns its index.
    mutating func appendEncodedValue(_ field: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let v = UInt32(valueCount)
        valueCount += 1
        values.bytes.append(contentsOf: field)
        return v
    }

    /// Adds a point feature without an id: the bytes ``add(_:tags:id:)`` writes for
    /// `.points([point])`, written in place.
    mutating func addPoint(_ point: TilePoint, tags tagList: [UInt32]) {
        var tagBytes = 0
        for t in tagList { tagBytes += ProtobufWriter.varintSize(UInt64(t)) }
        let zx = ProtobufWriter.zigZag32(point.x)
        let zy = ProtobufWriter.zigZag32(point.y)
        let geometryBytes = 1 + ProtobufWriter.varintSize(UInt64(zx)) + ProtobufWriter.varintSize(UInt64(zy))
        var length = 2 + 1 + ProtobufWriter.varintSize(UInt64(geometryBytes)) + geometryBytes
        if !tagList.isEmpty { length += 1 + ProtobufWriter.varintSize(UInt64(tagBytes)) + tagBytes }
        features.writeKey(field: 2, wireType: ProtobufWriter.lengthDelimited)
        features.writeVarint(UInt64(length))
        if !tagList.isEmpty {
            features.writeKey(field: 2, wireType: ProtobufWriter.lengthDelimited)
            features.writeVarint(UInt64(tagBytes))
            for t in tagList { features.writeVarint(UInt64(t)) }
        }
        features.writeVarintField(3, 1)
        features.writeKey(field: 4, wireType: ProtobufWriter.lengthDelimited)
        features.writeVarint(UInt64(geometryBytes))
        features.writeVarint(1 | 1 << 3)
        features.writeVarint(UInt64(zx))
        features.writeVarint(UInt64(zy))
        featureCount += 1
    }

    /// Adds a feature with `properties` (names and values, in order; a name twice keeps both,
    /// so callers pass each once) and an optional numeric `id`.
    public mutating func add(_ geometry: TileGeometry, properties: [(String, TileValue)], id: UInt64? = nil) {
        tags.removeAll(keepingCapacity: true)
        for (name, v) in properties {
            tags.append(key(name))
            tags.append(value(v))
        }
        addTagged(geometry, id: id)
    }

    /// Adds a feature whose tags (key index, value index pairs from ``key(_:)`` and
    /// ``value(_:)``) are already in `tagList`.
    public mutating func add(_ geometry: TileGeometry, tags tagList: [UInt32], id: UInt64? = nil) {
        tags.removeAll(keepingCapacity: true)
        tags.append(contentsOf: tagList)
        addTagged(geometry, id: id)
    }

    private mutating func addTagged(_ geometry: TileGeometry, id: UInt64?) {
        geometry.commands(into: &commands)
        feature.bytes.removeAll(keepingCapacity: true)
        if let id { feature.writeVarintField(1, id) }
        feature.writePackedField(2, tags)
        feature.writeVarintField(3, geometry.typeCode)
        feature.writePackedField(4, commands)
        features.writeBytesField(2, feature.bytes)
        featureCount += 1
    }

    /// The encoded `Layer` message (version 2).
    func encoded() -> [UInt8] {
        var w = ProtobufWriter(capacity: encodedLength)
        write(into: &w)
        return w.bytes
    }

    /// The length of the encoded `Layer` message.
    var encodedLength: Int {
        func stringField(_ text: String) -> Int { 1 + ProtobufWriter.varintSize(UInt64(text.utf8.count)) + text.utf8.count }
        return 2 + stringField(name) + features.bytes.count + keys.reduce(0) { $0 + stringField($1) } + values.bytes.count
            + 1 + ProtobufWriter.varintSize(UInt64(extent))
    }

    /// Writes the `Layer` message (without a key or length of its own) to `w`.
    func write(into w: inout ProtobufWriter) {
        w.writeVarintField(15, 2)
        w.writeStringField(1, name)
        w.bytes.append(contentsOf: features.bytes)
        for k in keys { w.writeStringField(3, k) }
        w.bytes.append(contentsOf: values.bytes)
        w.writeVarintField(5, UInt64(extent))
    }
}
