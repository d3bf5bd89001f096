import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file (or standard input) as bytes in fixed-size chunks, counting lines.
///
/// Memory stays at one chunk whatever the file size; readers of GeoJSON and CSV are built on it.
/// Not thread-safe; one reader per file.
public final class ByteReader {
    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool
    private var buffer: [UInt8]
    private var count = 0
    private var position = 0
    private var atEnd = false
    /// The name used in messages.
    public let displayName: String
    /// 1-based number of the line the next byte is on.
    public private(set) var line = 1
    /// Bytes consumed so far.
    public private(set) var bytesConsumed = 0
    /// The file size in bytes when known (regular files), for progress reports.
    public let totalBytes: Int?

    /// Opens `path` for reading; `-` reads standard input.
    /// - Throws: `GeoModelError.unreadable` when the file cannot be opened.
    public init(path: String, displayName: String? = nil, chunkSize: Int = 1 << 20) throws(GeoModelError) {
        self.displayName = displayName ?? path
        if path == "-" {
            guard let f = fdopen(0, "rb") else {
                throw .unreadable(file: "standard input", line: nil, message: "cannot read standard input")
            }
            file = f
            ownsFile = false
            totalBytes = nil
        } else {
            guard let f = fopen(path, "rb") else {
                let reason = String(cString: strerror(errno))
                throw .unreadable(file: displayName ?? path, line: nil, message: "cannot open: \(reason)")
            }
            var st = stat()
            if fstat(fileno(f), &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
                fclose(f)
                throw .unreadable(file: displayName ?? path, line: nil, message: "is a directory, not a file")
            }
            file = f
            ownsFile = true
            totalBytes = (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : nil
        }
        buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    deinit {
        if ownsFile { fclose(file) }
    }

    private func refill() -> Bool {
        if atEnd { return false }
        let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        count = n
        position = 0
        if n == 0 { atEnd = true }
        return n > 0
    }

    /// The next byte without consuming it, or nil at the end.
    @inline(__always)
    public func peek() -> UInt8? {
        if position < count { return buffer[position] }
        return refill() ? buffer[position] : nil
    }

    /// Consumes and returns the next byte, or nil at the end.
    @inline(__always)
    public func next() -> UInt8? {
        if position >= count, !refill() { return nil }
        let b = buffer[position]
        position += 1
        bytesConsumed += 1
        if b == 0x0A { line += 1 }
        return b
    }

    /// Skips JSON whitespace (space, tab, CR, LF).
    public func skipWhitespace() {
        while let b = peek(), b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { _ = next() }
    }

    /// Skips a UTF-8 byte order mark at the current position, if any.
    public func skipByteOrderMark() {
        guard peek() == 0xEF else { return }
        // A BOM is only ever at the very start; the first chunk holds all three bytes.
        if count - position >= 3, buffer[position + 1] == 0xBB, buffer[position + 2] == 0xBF {
            position += 3
            bytesConsumed += 3
        }
    }

    /// Compressed files and archives by their first bytes ("magic numbers"): what the file is, and
    /// the command that unpacks it (`{}` stands for the file name).
    private static let packedFormats: [(magic: [UInt8], what: String, unpack: String, result: String)] = [
        ([0x1F, 0x8B], "gzip-compressed", "decompress it first (gunzip -k {})", "the result"),
        ([0x50, 0x4B, 0x03, 0x04], "a zip archive", "extract it first (unzip {})", "the file inside"),
        ([0x42, 0x5A, 0x68], "bzip2-compressed", "decompress it first (bunzip2 -k {})", "the result"),
        ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz-compressed", "decompress it first (unxz -k {})", "the result"),
        ([0x28, 0xB5, 0x2F, 0xFD], "zstd-compressed", "decompress it first (unzstd {})", "the result"),
    ]

    /// Refuses a compressed file or an archive (gzip, zip, bzip2, xz, zstd) with what it is and
    /// how to unpack it, before a text reader misreads its bytes. Consumes nothing.
    /// - Throws: `GeoModelError.unreadable`, e.g. "cells.csv.gz: gzip-compressed: decompress it
    ///   first (gunzip -k cells.csv.gz) and import the result".
    public func refusePackedContent() throws(GeoModelError) {
        let head = peekPrefix(6)
        guard let packed = Self.packedFormats.first(where: { head.starts(with: $0.magic) }) else { return }
        let name = displayName == "-" || displayName == "standard input" ? "FILE" : displayName
        throw .unreadable(file: displayName, line: nil,
                          message: "\(packed.what): \(packed.unpack.replacingOccurrences(of: "{}", with: name)) and import \(packed.result)")
    }

    /// Up to `n` bytes from the current position without consuming them (for format detection).
    public func peekPrefix(_ n: Int) -> [UInt8] {
        if position >= count { _ = refill() }
        return Array(buffer[position..<min(count, position + n)])
    }
}
