import GeoModel

/// Rows for `COPY … FROM STDIN` in PostgreSQL's text format, encoded into a buffer that an
/// import hands to the COPY in pieces of about ``pieceSize`` bytes while it reads its source
/// (``CopyFeed``), so that memory stays flat however large the import and the server parses
/// while Swift validates.
///
/// Text format (<https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9.2>): one line a
/// row, columns separated by tabs, `\N` for NULL, backslash, tab, newline and carriage return
/// escaped. Integers as decimal digits; reals as Swift's shortest round-trip decimal, which
/// PostgreSQL's `float8in` reads back to the same double; geometries as hex EWKB with SRID 4326.
struct CopyText {
    /// The size at which ``append(_:withGeometry:)`` reports a piece ready to send.
    static let pieceSize = 1 << 20
    /// The rows encoded since the last ``take()``.
    private(set) var buffer: [UInt8] = []
    private static let hex = Array("0123456789ABCDEF".utf8)

    init() { buffer.reserveCapacity(Self.pieceSize + (1 << 16)) }

    /// Appends one row: the record's values in column order, then its geometry when `withGeometry`.
    /// - Returns: whether the buffer has reached ``pieceSize`` (time to ``take()`` it).
    mutating func append(_ record: FeatureRecord, withGeometry: Bool) -> Bool {
        for (index, value) in record.values.enumerated() {
            if index > 0 { buffer.append(0x09) }
            switch value {
            case .null: buffer.append(contentsOf: [0x5C, 0x4E])
            case .integer(let n): buffer.append(contentsOf: String(n).utf8)
            case .real(let d): buffer.append(contentsOf: d.description.utf8)
            case .text(let s):
                for byte in s.utf8 {
                    switch byte {
                    case 0x5C: buffer.append(contentsOf: [0x5C, 0x5C])
                    case 0x09: buffer.append(contentsOf: [0x5C, 0x74])
                    case 0x0A: buffer.append(contentsOf: [0x5C, 0x6E])
                    case 0x0D: buffer.append(contentsOf: [0x5C, 0x72])
                    default: buffer.append(byte)
                    }
                }
            }
        }
        if withGeometry {
            buffer.append(0x09)
            if let geometry = record.geometry {
                for byte in WKB.encode(geometry) {
                    buffer.append(Self.hex[Int(byte >> 4)])
                    buffer.append(Self.hex[Int(byte & 0x0F)])
                }
            } else {
                buffer.append(contentsOf: [0x5C, 0x4E])
            }
        }
        buffer.append(0x0A)
        return buffer.count >= Self.pieceSize
    }

    /// The rows encoded so far, leaving the buffer empty (with fresh capacity).
    mutating func take() -> [UInt8] {
        var piece: [UInt8] = []
        piece.reserveCapacity(Self.pieceSize + (1 << 16))
        swap(&piece, &buffer)
        return piece
    }
}
