/// Progress of a running import.
public struct ImportProgress: Sendable {
    /// Features read so far.
    public var features: Int
    /// Bytes of the input file read so far (compressed bytes for a gzip-compressed file).
    public var bytesRead: Int
    /// The input file's size in bytes, when known (not for standard input); for a
    /// gzip-compressed file, its compressed size, so that `bytesRead / totalBytes` is the share
    /// of the file read either way.
    public var totalBytes: Int?

    /// Progress after `features` features and `bytesRead` of `totalBytes` bytes.
    public init(features: Int, bytesRead: Int, totalBytes: Int?) {
        self.features = features
        self.bytesRead = bytesRead
        self.totalBytes = totalBytes
    }
}
