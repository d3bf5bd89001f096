import Foundation
import GeoModel

/// Rows for `COPY … FROM STDIN` in PostgreSQL's text format, written to a temporary file while
/// an import reads its source, so that memory stays flat however large the import.
///
/// Text format (<https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9.2>): one line a
/// row, columns separated by tabs, `\N` for NULL, backslash, tab, newline and carriage return
/// escaped. Integers as decimal digits; reals as Swift's shortest round-trip decimal, which
/// PostgreSQL's `float8in` reads back to the same double; geometries as hex EWKB with SRID 4326.
final class CopyFile {
    /// The file's path.
    let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private static let hex = Array("0123456789ABCDEF".utf8)

    /// Creates an empty file in the temporary folder.
    /// - Throws: ``PostGISError/server(message:sqlState:sql:)`` when the file cannot be created.
    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qamtu-copy-\(UUID().uuidString).tsv")
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw PostGISError.server(message: "cannot create the temporary file \(url.path) for COPY", sqlState: nil, sql: nil)
        }
        path = url.path
        handle = try FileHandle(forWritingTo: url)
        buffer.reserveCapacity(1 << 20)
    }

    /// Appends one row: the record's values in column order, then its geometry when `withGeometry`.
    func append(_ record: FeatureRecord, layer: LayerSchema, withGeometry: Bool) throws {
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
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and closes the file.
    func close() throws {
        try flush()
        try handle.close()
    }

    /// Deletes the file.
    func remove() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: path)
    }
}
