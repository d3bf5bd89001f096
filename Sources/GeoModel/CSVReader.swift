import Foundation
/// One CSV record: its fields and the line it starts on.
public struct CSVRecord: Sendable {
    /// 1-based line number where the record starts.
    public var line: Int
    /// The fields; nil where the bytes are not valid UTF-8.
    public var fields: [String?]
}

/// Streams records of a CSV file (RFC 4180 quoting; `,` or `;` separated; UTF-8 with or without BOM;
/// LF or CRLF line ends). One record is held in memory at a time.
public final class CSVReader {
    private let reader: ByteReader
    /// The field separator in use: `,` or `;` (detected from the header line when not given).
    public let separator: UInt8
    private var field: [UInt8] = []

    /// Bytes of the file read so far and its size, for progress (compressed bytes for a gzip file).
    public var progress: (done: Int, total: Int?) { reader.progress }
    /// The display name of the file.
    public var displayName: String { reader.displayName }

    /// Opens a CSV file (`-` for standard input), decompressing it when it is gzip-compressed.
    /// With no `separator`, the header line decides: `;` when it has more semicolons than commas
    /// outside quotes, else `,`.
    public init(path: String, displayName: String? = nil, separator: UInt8? = nil) throws(GeoModelError) {
        reader = try ByteReader(path: path, displayName: displayName)
        try reader.refusePackedContent()
        try reader.skipByteOrderMark()
        if let separator {
            self.separator = separator
        } else {
            let head = try reader.peekPrefix(64 * 1024)
            var commas = 0, semicolons = 0, quoted = false
            for b in head {
                if b == UInt8(ascii: "\"") { quoted.toggle() }
                if quoted { continue }
                if b == 0x0A { break }
                if b == UInt8(ascii: ",") { commas += 1 }
                if b == UInt8(ascii: ";") { semicolons += 1 }
            }
            self.separator = semicolons > commas ? UInt8(ascii: ";") : UInt8(ascii: ",")
        }
    }

    /// The next record, or nil at the end of the file. Blank lines are skipped.
    /// - Throws: `GeoModelError.unreadable` for a quoted field that never ends, or damaged gzip data.
    public func next() throws(GeoModelError) -> CSVRecord? {
        // Skip blank lines.
        while let b = try reader.peek(), b == 0x0A || b == 0x0D { _ = try reader.next() }
        guard try reader.peek() != nil else { return nil }
        let line = reader.line
        var fields: [String?] = []
        field.removeAll(keepingCapacity: true)
        var quoted = false
        var wasQuoted = false
        func finishField() {
            fields.append(String(validating: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        while true {
            guard let b = try reader.next() else {
                if quoted {
                    throw GeoModelError.unreadable(file: reader.displayName, line: line,
                                                   message: "a quoted field starts here and never ends")
                }
                finishField()
                return CSVRecord(line: line, fields: fields)
            }
            if quoted {
                if b == UInt8(ascii: "\"") {
                    if try reader.peek() == UInt8(ascii: "\"") {
                        _ = try reader.next()
                        field.append(b)
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(b)
                }
                continue
            }
            switch b {
            case separator:
                finishField()
            case UInt8(ascii: "\""):
                if field.isEmpty && !wasQuoted { quoted = true; wasQuoted = true } else { field.append(b) }
            case 0x0D:
                if try reader.peek() == 0x0A { continue }
                field.append(b)
            case 0x0A:
                finishField()
                return CSVRecord(line: line, fields: fields)
            default:
                field.append(b)
            }
        }
    }
}
