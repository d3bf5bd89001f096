import GeoModel
import Geodesy

/// A batch of validated features encoded for binding, packed into one byte buffer: the import's
/// validating thread builds it, the writing thread binds its values straight from the buffer.
/// One buffer per batch instead of an object per value keeps the writer (the thread every row
/// passes through) free of allocation and reference counting.
///
/// Each row's values are stored back to back in column order, then the geometry: a tag byte,
/// then for an integer or a real 8 bytes (little-endian; a real as its IEEE bit pattern), for a
/// text or a blob a 4-byte little-endian length and the bytes; nothing for null.
struct EncodedRows {
    /// What a row's tag says its value is.
    enum Tag: UInt8 {
        case null = 0, integer, real, text, blob
    }

    /// One feature of the batch: a row to insert, or the problems that reject it.
    struct Row: BitwiseCopyable {
        /// Offset of the row's first value in ``EncodedRows/bytes``.
        var start: Int
        /// Values of the row (the columns, and the geometry when the layer stores one).
        var count: Int
        /// Where the feature is in the input (for a duplicate id's message).
        var line: Int?
        var featureIndex: Int?
        /// Whether the feature was rejected (its problems are in ``EncodedRows/problems(of:)``).
        /// A row holds no reference, so that the writer copies rows without reference counting.
        var isRejected = false
        /// The geometry's box as the R*Tree stores it, with its Hilbert key (no box: nil).
        var keyed: PackedRTree.Keyed?
        /// The point of a Point geometry (for the site pack).
        var point: GeoPoint?
    }

    /// The file the features come from, as messages name it.
    var file: String
    /// Every row's values.
    var bytes: [UInt8] = []
    /// The features, in input order.
    var rows: [Row] = []
    /// The source's progress after the last feature.
    var progress: (done: Int, total: Int?) = (0, nil)
    /// The error the source threw after these features (the last batch).
    var failure: GeoModelError?
    /// The site-pack chunks completed by this batch's sites (``SitePackBuilder``), in order.
    var sitePackChunks: [SitePackBuilder.Chunk] = []
    /// Set when the site pack's builder gave up at or before this batch.
    var sitePackAbandoned = false
    /// How many of the rows are rejected features.
    var rejected: Int { rejections.count }
    /// The problems of each rejected feature, by its index in ``rows``.
    private var rejections: [Int: [ImportProblem]] = [:]

    init(file: String, capacity: Int) {
        self.file = file
        rows.reserveCapacity(capacity)
        bytes.reserveCapacity(capacity * 256)
    }

    /// Appends a rejected feature.
    mutating func reject(_ location: SourceLocation, problems: [ImportProblem]) {
        rejections[rows.count] = problems
        rows.append(Row(start: bytes.count, count: 0, line: location.line, featureIndex: location.featureIndex, isRejected: true))
    }

    /// Appends a valid record; `withGeometry` adds its geometry blob (or null) after the values.
    mutating func append(_ record: FeatureRecord, at location: SourceLocation, withGeometry: Bool) {
        let start = bytes.count
        for value in record.values {
            switch value {
            case .null: bytes.append(Tag.null.rawValue)
            case .integer(let i): put(.integer, UInt64(bitPattern: i))
            case .real(let d): put(.real, d.bitPattern)
            case .text(let s):
                var text = s
                text.withUTF8 { put(.text, $0) }
            }
        }
        var keyed: PackedRTree.Keyed?
        var point: GeoPoint?
        if withGeometry {
            if let geometry = record.geometry {
                // The blob straight into the buffer, its length filled in after.
                bytes.append(Tag.blob.rawValue)
                let lengthAt = bytes.count
                append(0, bytes: 4)
                SpatiaLiteBlob.encode(geometry, into: &bytes)
                let length = UInt32(bytes.count - lengthAt - 4)
                for i in 0..<4 { bytes[lengthAt + i] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(i))) }
                if let box = geometry.boundingBox { keyed = PackedRTree.Keyed(PackedRTree.Entry(id: 0, box: RTreeBox(box))) }
                if case .point(let p) = geometry { point = p }
            } else {
                bytes.append(Tag.null.rawValue)
            }
        }
        rows.append(Row(start: start, count: record.values.count + (withGeometry ? 1 : 0), line: location.line,
                        featureIndex: location.featureIndex, keyed: keyed, point: point))
    }

    private mutating func put(_ tag: Tag, _ value: UInt64) {
        bytes.append(tag.rawValue)
        append(value, bytes: 8)
    }

    private mutating func put(_ tag: Tag, _ data: UnsafeBufferPointer<UInt8>) {
        bytes.append(tag.rawValue)
        append(UInt64(data.count), bytes: 4)
        bytes.append(contentsOf: data)
    }

    /// Appends the low `count` bytes of `value`, little-endian.
    @inline(__always)
    private mutating func append(_ value: UInt64, bytes count: Int) {
        var v = value
        for _ in 0..<count {
            bytes.append(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
    }

    /// Where a row came from, for messages.
    func location(of row: Row) -> SourceLocation {
        SourceLocation(file: file, line: row.line, featureIndex: row.featureIndex)
    }

    /// One value of a row, read in place.
    struct Value {
        var tag: Tag
        /// The 8 bytes of an integer or real (as a bit pattern); 0 otherwise.
        var number: UInt64
        /// The bytes of a text or blob; empty otherwise.
        var bytes: UnsafeRawBufferPointer
    }

    /// The values of one row, in order, read from the batch's buffer.
    struct Values: Sequence, IteratorProtocol {
        let buffer: UnsafeRawBufferPointer
        var offset: Int
        var remaining: Int

        mutating func next() -> Value? {
            guard remaining > 0 else { return nil }
            remaining -= 1
            let tag = Tag(rawValue: buffer[offset]) ?? .null
            offset += 1
            switch tag {
            case .null:
                return Value(tag: tag, number: 0, bytes: UnsafeRawBufferPointer(start: nil, count: 0))
            case .integer, .real:
                defer { offset += 8 }
                return Value(tag: tag, number: UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)),
                             bytes: UnsafeRawBufferPointer(start: nil, count: 0))
            case .text, .blob:
                let length = Int(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                offset += 4
                defer { offset += length }
                return Value(tag: tag, number: 0, bytes: UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + length]))
            }
        }
    }

    /// Calls `body` with a function that gives the values of any row of the batch, valid during
    /// the call (binding several rows before one step).
    func withValues<T>(_ body: ((Row) -> Values) throws -> T) rethrows -> T {
        try bytes.withUnsafeBytes { buffer in
            try body { row in Values(buffer: buffer, offset: row.start, remaining: row.count) }
        }
    }

    /// Why the row at `index` of ``rows`` was rejected; empty for a row to insert.
    func problems(of index: Int) -> [ImportProblem] {
        rejections[index] ?? []
    }

    /// The row's id: its first value, as text.
    func id(of row: Row) -> String {
        withValues { valuesOf in
            var values = valuesOf(row)
            guard let first = values.next(), first.tag == .text else { return "" }
            return String(decoding: first.bytes, as: UTF8.self)
        }
    }
}
