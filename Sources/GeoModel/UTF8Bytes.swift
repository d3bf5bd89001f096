#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level comparison of UTF-8 text. Comparing or hashing Swift `String`s normalises non-ASCII
/// text (Kazakh names) first; where the data means "the same bytes" and runs per row over millions
/// of rows, comparing the bytes is what is wanted.
public enum UTF8Bytes {
    /// Whether `stored` holds exactly the bytes of `utf8`.
    @inline(__always)
    public static func equal(_ stored: [UInt8], _ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard stored.count == utf8.count else { return false }
        return stored.withUnsafeBufferPointer { a in
            guard let p = a.baseAddress, let q = utf8.baseAddress else { return true }
            return memcmp(p, q, utf8.count) == 0
        }
    }
}
