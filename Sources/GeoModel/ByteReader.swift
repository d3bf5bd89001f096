import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file (or standard input) as bytes in fixed-size chunks, counting lines.
///
/// Memory stays at one chunk whatever the file size; readers of GeoJSON and CSV are built on it.
/// A gzip-compressed input (one that starts with the gzip magic bytes `1f 8b`, whatever its
/// name, standard input included) is decompressed as it is read, through a ``GzipReader``: the
/// readers see the decompressed bytes, and ``progress`` counts compressed bytes of the file.
/// Not thread-safe; one reader per file.
public final class ByteReader {
    private let file: UnsafeMutablePointer<FILE>
    private let ownsFile: Bool
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var count = 0
    private var position = 0
    private var atEnd = false
    private var gzip: GzipReader?
    /// The name used in messages.
    public let displayName: String
    /// 1-based number of the line the next byte is on.
    public private(set) var line = 1
    /// Bytes consumed so far (decompressed bytes for a gzip input).
    public private(set) var bytesConsumed = 0
    /// The file size in bytes when known (regular files), for progress reports; for a gzip
    /// input, the size of the compressed file.
    public let totalBytes: Int?

    /// Whether the input is gzip-compressed and decompressed as it is read.
    public var isGzipCompressed: Bool { gzip != nil }

    /// Bytes of the file read so far and its size when known, for progress: compressed bytes for
    /// a gzip input (the decompressed size is not known before the end), so `done / total` is
    /// the fraction of the file read either way.
    public var progress: (done: Int, total: Int?) {
        guard gzip != nil else { return (bytesConsumed, totalBytes) }
        // Compressed bytes of the chunk in the buffer, shared out over its bytes (a chunk of
        // 1 MiB decompressed may be several percent of the file).
        let compressed = compressedRange.upperBound - compressedRange.lowerBound
        let share = count > 0 ? compressed * position / count : compressed
        return (compressedRange.lowerBound + share, totalBytes)
    }
    /// The compressed bytes the chunk in the buffer was decompressed from (gzip inputs).
    private var compressedRange = 0..<0

    /// Opens `path` for reading; `-` reads standard input. A gzip-compressed input is
    /// decompressed from here on.
    /// - Throws: `GeoModelError.unreadable` when the file cannot be opened, or its gzip data is
    ///   damaged in the first chunk.
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
        buffer = .allocate(capacity: max(chunkSize, 16))
        buffer.initialize(repeating: 0)
        try startDecompressingIfCompressed()
    }

    deinit {
        if ownsFile { fclose(file) }
        buffer.deallocate()
    }

    /// Reads the first chunk; when it starts with the gzip magic bytes, hands it to a
    /// ``GzipReader`` and refills the buffer with decompressed bytes.
    private func startDecompressingIfCompressed() throws(GeoModelError) {
        guard try refill(), count >= GzipReader.magic.count,
              buffer[0] == GzipReader.magic[0], buffer[1] == GzipReader.magic[1] else { return }
        let name = displayName == "-" ? "standard input" : displayName
        gzip = try GzipReader(file: file, initialInput: UnsafeBufferPointer(rebasing: buffer[0..<count]), displayName: name,
                              bufferSize: buffer.count)
        count = 0
        position = 0
        _ = try refill()
    }

    private func refill() throws(GeoModelError) -> Bool {
        if atEnd { return false }
        let n: Int
        if let gzip {
            let start = gzip.compressedBytesConsumed
            n = try gzip.read(into: buffer)
            compressedRange = start..<gzip.compressedBytesConsumed
        } else {
            n = fread(buffer.baseAddress, 1, buffer.count, file)
        }
        count = n
        position = 0
        if n == 0 { atEnd = true }
        return n > 0
    }

    /// The next byte without consuming it, or nil at the end.
    /// - Throws: `GeoModelError.unreadable` when the gzip data of a compressed input is damaged.
    @inline(__always)
    public func peek() throws(GeoModelError) -> UInt8? {
        if position < count { return buffer[position] }
        return try refill() ? buffer[position] : nil
    }

    /// Consumes and returns the next byte, or nil at the end.
    /// - Throws: `GeoModelError.unreadable` when the gzip data of a compressed input is damaged.
    @inline(__always)
    public func next() throws(GeoModelError) -> UInt8? {
        if position >= count, try !refill() { return nil }
        let b = buffer[position]
        position += 1
        bytesConsumed += 1
        if b == 0x0A { line += 1 }
        return b
    }

    /// The unread bytes in the buffer, refilled first when it is used up; empty at the end of
    /// the input. Valid until the next call that reads or consumes; ``consume(_:newlines:)``
    /// says how many of them were used. For readers that scan many bytes at once.
    /// - Throws: `GeoModelError.unreadable` when the gzip data of a compressed input is damaged.
    public func bufferedBytes() throws(GeoModelError) -> UnsafeBufferPointer<UInt8> {
        if position >= count, try !refill() { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(rebasing: buffer[position..<count])
    }

    /// Consumes the first `n` bytes of what ``bufferedBytes()`` returned, `newlines` of which
    /// are line feeds (for the line count).
    public func consume(_ n: Int, newlines: Int) {
        position += n
        bytesConsumed += n
        line += newlines
    }

    /// Skips JSON whitespace (space, tab, CR, LF).
    public func skipWhitespace() throws(GeoModelError) {
        while let b = try peek(), b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { _ = try next() }
    }

    /// Skips a UTF-8 byte order mark at the current position, if any.
    public func skipByteOrderMark() throws(GeoModelError) {
        guard try peek() == 0xEF else { return }
        // A BOM is only ever at the very start; the first chunk holds all three bytes.
        if count - position >= 3, buffer[position + 1] == 0xBB, buffer[position + 2] == 0xBF {
            position += 3
            bytesConsumed += 3
        }
    }

    /// Compressed files and archives by their first bytes ("magic numbers", at `offset`): what
    /// the file is, and the command that unpacks it (`{}` stands for the file name) when it is a
    /// file of its own and when it is the content of a gzip-compressed file.
    private static let packedFormats: [(offset: Int, magic: [UInt8], what: String, unpack: String, unpackGzipped: String,
                                        result: String)] = [
        (0, [0x1F, 0x8B], "gzip-compressed", "decompress it first (gunzip -k {})", "decompress it twice (gunzip -c {} | gunzip -c)",
         "the result"),
        (0, [0x50, 0x4B, 0x03, 0x04], "a zip archive", "extract it first (unzip {})", "unpack it first (gunzip -k {}, then unzip)",
         "the file inside"),
        (0, [0x42, 0x5A, 0x68], "bzip2-compressed", "decompress it first (bunzip2 -k {})", "decompress it first (gunzip -c {} | bunzip2 -c)",
         "the result"),
        (0, [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz-compressed", "decompress it first (unxz -k {})", "decompress it first (gunzip -c {} | unxz -c)",
         "the result"),
        (0, [0x28, 0xB5, 0x2F, 0xFD], "zstd-compressed", "decompress it first (unzstd {})", "decompress it first (gunzip -c {} | unzstd -c)",
         "the result"),
        // tar: "ustar" at byte 257 of the first header, whose name field is padded with NUL bytes
        // (a .tar.gz is a tar archive once decompressed).
        (257, Array("ustar".utf8), "a tar archive", "extract it first (tar -xf {})", "extract it first (tar -xzf {})", "the file inside"),
    ]

    /// Refuses a compressed file or an archive (gzip, zip, bzip2, xz, zstd, tar) with what it is
    /// and how to unpack it, before a text reader misreads its bytes. Consumes nothing. For a
    /// gzip-compressed input the decompressed content is checked (a `.tar.gz`, a file compressed
    /// twice).
    /// - Throws: `GeoModelError.unreadable`, e.g. "cells.zip: a zip archive: extract it first
    ///   (unzip cells.zip) and import the file inside", or "roads.tar.gz: decompressed, it is a tar
    ///   archive: extract it first (tar -xzf roads.tar.gz) and import the file inside".
    public func refusePackedContent() throws(GeoModelError) {
        let head = try peekPrefix(262)
        guard let packed = Self.packedFormats.first(where: { format in
            head.dropFirst(format.offset).starts(with: format.magic) && (format.offset == 0 || head.prefix(format.offset).contains(0))
        }) else { return }
        let name = displayName == "-" || displayName == "standard input" ? "FILE" : displayName
        let what = isGzipCompressed ? "decompressed, it is \(packed.what)" : packed.what
        let unpack = (isGzipCompressed ? packed.unpackGzipped : packed.unpack).replacingOccurrences(of: "{}", with: name)
        throw .unreadable(file: displayName, line: nil, message: "\(what): \(unpack) and import \(packed.result)")
    }

    /// Up to `n` bytes from the current position without consuming them (for format detection).
    public func peekPrefix(_ n: Int) throws(GeoModelError) -> [UInt8] {
        if position >= count { _ = try refill() }
        return Array(buffer[position..<min(count, position + n)])
    }
}
