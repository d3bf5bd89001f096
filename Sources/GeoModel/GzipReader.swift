import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decompresses a gzip stream (RFC 1952) from an open file as it is read, through zlib's
/// `inflate`: the only zlib code of the model.
///
/// ``ByteReader`` puts one in front of its file when the file starts with the gzip magic bytes
/// `1f 8b`, so every reader of GeoJSON and CSV takes `cell_towers.csv.gz` as OpenCelliD ships
/// it, or `gzip -c sites.csv | qamtu import sites - --format csv`, without unpacking it first.
///
/// - Memory is one input buffer of compressed bytes (its size is fixed at creation) and zlib's
///   state with its 32 KiB window, whatever the size of the file; the decompressed bytes go
///   straight into the caller's buffer.
/// - Several gzip members one after the other (`cat a.gz b.gz > ab.gz`; RFC 1952 §2.2) are one
///   stream: their contents are read in order, as `gunzip` does.
/// - Anything wrong with the compressed data throws `GeoModelError.unreadable` naming the file
///   and the offset in the compressed file where it was found: a stream that ends before its
///   last member does (a truncated download), data zlib refuses (a damaged block, a CRC-32 or
///   length that does not match the content: "incorrect data check"), or bytes after a member
///   that do not start another one.
///
/// See zlib's manual, <https://zlib.net/manual.html> (`inflateInit2`, `inflate`, `inflateReset`).
/// Not thread-safe; owned by one ``ByteReader``. Never closes the file (its owner does).
final class GzipReader {
    /// The first two bytes of every gzip member (RFC 1952 §2.3.1: ID1, ID2).
    static let magic: [UInt8] = [0x1F, 0x8B]

    private let file: UnsafeMutablePointer<FILE>
    /// zlib keeps a pointer back to its `z_stream` and checks it on every call, so the stream
    /// lives at a fixed address of its own rather than in a Swift property.
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableBufferPointer<UInt8>
    private let displayName: String
    /// Compressed bytes taken from the file (and handed in at creation) so far.
    private var compressedBytesRead = 0
    /// Whether `inflate` is inside a member (between its header and its trailer).
    private var inMember = true
    /// Whether the last member has ended and nothing follows it.
    private var finished = false
    /// The error that stopped decompression, thrown again by every later read.
    private var failure: GeoModelError?

    /// Compressed bytes decompressed so far (at most the file's size): progress through the file.
    var compressedBytesConsumed: Int { compressedBytesRead - Int(stream.pointee.avail_in) }

    /// Starts decompressing `file`, whose first bytes, `initialInput`, have already been read
    /// from it (they start with ``magic``).
    /// - Parameters:
    ///   - displayName: the file's name in messages.
    ///   - bufferSize: bytes of compressed input read from the file at a time (at least as many
    ///     as `initialInput` holds).
    /// - Throws: `GeoModelError.unreadable` when zlib cannot set up its state (no memory).
    init(file: UnsafeMutablePointer<FILE>, initialInput: UnsafeBufferPointer<UInt8>, displayName: String,
         bufferSize: Int = 1 << 18) throws(GeoModelError) {
        self.file = file
        self.displayName = displayName
        input = .allocate(capacity: max(bufferSize, initialInput.count, 1))
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // windowBits 16 + MAX_WBITS: a gzip header and trailer (not zlib's), the largest window.
        let status = inflateInit2_(stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            input.deallocate()
            throw .unreadable(file: displayName, line: nil, message: "cannot start gzip decompression (zlib error \(status))")
        }
        _ = input.initialize(fromContentsOf: initialInput)
        stream.pointee.next_in = input.baseAddress
        stream.pointee.avail_in = UInt32(initialInput.count)
        compressedBytesRead = initialInput.count
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    /// Decompresses into `output` until it is full or the stream ends.
    /// - Returns: the number of bytes written; 0 only at the end of the stream.
    /// - Throws: `GeoModelError.unreadable` for a truncated or damaged stream, data after a
    ///   member that is not another member, or a failed read.
    ///   The same error again on every later call.
    func read(into output: UnsafeMutableBufferPointer<UInt8>) throws(GeoModelError) -> Int {
        if let failure { throw failure }
        do {
            return try decompress(into: output)
        } catch {
            failure = error
            throw error
        }
    }

    private func decompress(into output: UnsafeMutableBufferPointer<UInt8>) throws(GeoModelError) -> Int {
        guard !finished, let base = output.baseAddress, !output.isEmpty else { return 0 }
        stream.pointee.next_out = base
        stream.pointee.avail_out = UInt32(clamping: output.count)
        while stream.pointee.avail_out > 0 {
            if stream.pointee.avail_in == 0, try !fillInput() {
                if inMember {
                    throw fail("the gzip data is cut off at byte \(compressedBytesConsumed) "
                               + "(the file is incomplete; download or copy it again)")
                }
                finished = true
                break
            }
            if !inMember {
                // Another member follows the one that ended, or the data is not gzip.
                guard stream.pointee.next_in.pointee == Self.magic[0] else {
                    throw fail("bytes after the end of the gzip data, at byte \(compressedBytesConsumed), do not start another gzip member")
                }
                guard inflateReset(stream) == Z_OK else { throw fail("cannot restart gzip decompression") }
                inMember = true
            }
            switch inflate(stream, Z_NO_FLUSH) {
            case Z_OK:
                continue
            case Z_STREAM_END:
                inMember = false
            case Z_BUF_ERROR where stream.pointee.avail_in == 0:
                // No progress possible without more input, which the loop reads.
                continue
            case Z_MEM_ERROR:
                throw fail("out of memory while decompressing")
            default:
                // Z_DATA_ERROR (damaged data, wrong check value), Z_NEED_DICT, Z_STREAM_ERROR.
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "invalid data"
                throw fail("damaged gzip data at byte \(compressedBytesConsumed): \(reason)")
            }
        }
        return output.count - Int(stream.pointee.avail_out)
    }

    /// Reads the next bufferful of compressed bytes; false at the end of the file.
    private func fillInput() throws(GeoModelError) -> Bool {
        guard let base = input.baseAddress else { return false }
        let n = fread(base, 1, input.count, file)
        if n == 0 {
            if ferror(file) != 0 {
                throw fail("cannot read: \(String(cString: strerror(errno)))")
            }
            return false
        }
        stream.pointee.next_in = base
        stream.pointee.avail_in = UInt32(n)
        compressedBytesRead += n
        return true
    }

    private func fail(_ message: String) -> GeoModelError {
        .unreadable(file: displayName, line: nil, message: message)
    }
}
