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

    /// Up to `n` bytes from the current position without consuming them (for format detection).
    public func peekPrefix(_ n: Int) -> [UInt8] {
        if position >= count { _ = refill() }
        return Array(buffer[position..<min(count, position + n)])
    }
}
