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
    ///
    /// Scans the reader's buffer directly: an unquoted field that lies in one buffer becomes a
    /// string without being copied first; bytes are copied only for quoted fields and fields
    /// that cross a buffer boundary.
    /// - Throws: `GeoModelError.unreadable` for a quoted field that never ends, or damaged gzip data.
    public func next() throws(GeoModelError) -> CSVRecord? {
        // Skip blank lines.
        while let b = try reader.peek(), b == 0x0A || b == 0x0D { _ = try reader.next() }
        guard try reader.peek() != nil else { return nil }
        let line = reader.line
        var fields: [String?] = []
        fields.reserveCapacity(fieldCount)
        field.removeAll(keepingCapacity: true)
        var quoted = false
        var wasQuoted = false
        let separator = separator
        let quote = UInt8(ascii: "\"")
        while true {
            let bytes = try reader.bufferedBytes()
            guard !bytes.isEmpty else {
                if quoted {
                    throw GeoModelError.unreadable(file: reader.displayName, line: line,
                                                   message: "a quoted field starts here and never ends")
                }
                fields.append(Self.string(field[...]))
                fieldCount = fields.count
                return CSVRecord(line: line, fields: fields)
            }
            var i = 0
            var spanStart = 0
            var newlines = 0
            /// Ends the field at `end`: its bytes are the copied ones, then `spanStart..<end`.
            func finishField(at end: Int) {
                if field.isEmpty {
                    fields.append(Self.string(UnsafeBufferPointer(rebasing: bytes[spanStart..<end])))
                } else {
                    field.append(contentsOf: bytes[spanStart..<end])
                    fields.append(Self.string(field[...]))
                    field.removeAll(keepingCapacity: true)
                }
                wasQuoted = false
            }
            scan: while i < bytes.count {
                let b = bytes[i]
                if quoted {
                    if b == quote {
                        field.append(contentsOf: bytes[spanStart..<i])
                        if i + 1 < bytes.count {
                            if bytes[i + 1] == quote {
                                field.append(quote)
                                i += 2
                            } else {
                                quoted = false
                                i += 1
                            }
                            spanStart = i
                            continue
                        }
                        // The quote is the buffer's last byte: what follows decides.
                        reader.consume(i + 1, newlines: newlines)
                        if try reader.peek() == quote {
                            _ = try reader.next()
                            field.append(quote)
                        } else {
                            quoted = false
                        }
                        spanStart = -1
                        break scan
                    }
                    if b == 0x0A { newlines += 1 }
                    i += 1
                    continue
                }
                switch b {
                case separator:
                    finishField(at: i)
                    i += 1
                    spanStart = i
                case quote:
                    if field.isEmpty && i == spanStart && !wasQuoted {
                        quoted = true
                        wasQuoted = true
                        spanStart = i + 1
                    }
                    i += 1
                case 0x0D:
                    if i + 1 < bytes.count {
                        if bytes[i + 1] == 0x0A {
                            // CRLF: the CR is dropped, the LF ends the record.
                            field.append(contentsOf: bytes[spanStart..<i])
                            spanStart = i + 1
                        }
                        i += 1
                        continue
                    }
                    field.append(contentsOf: bytes[spanStart..<i])
                    reader.consume(i + 1, newlines: newlines)
                    if try reader.peek() != 0x0A { field.append(0x0D) }
                    spanStart = -1
                    break scan
                case 0x0A:
                    finishField(at: i)
                    reader.consume(i + 1, newlines: newlines + 1)
                    fieldCount = fields.count
                    return CSVRecord(line: line, fields: fields)
                default:
                    i += 1
                }
            }
            // The buffer is used up (or a boundary case consumed it already): keep the open field's bytes.
            if spanStart >= 0 {
                field.append(contentsOf: bytes[spanStart..<bytes.count])
                reader.consume(bytes.count, newlines: newlines)
            }
        }
    }

    /// Fields of the previous record, to reserve room for the next one.
    private var fieldCount = 8

    /// The bytes as a string; nil when they are not valid UTF-8. ASCII text (most CSV fields)
    /// skips the UTF-8 validation.
    private static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var high: UInt8 = 0
        for b in bytes { high |= b }
        if high < 0x80 { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func string(_ bytes: ArraySlice<UInt8>) -> String? {
        bytes.withUnsafeBufferPointer { string($0) }
    }
}
