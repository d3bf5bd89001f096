/// Progress of a running import.
public struct ImportProgress: Sendable {
    /// Features read so far.
    public var features: Int
    /// Bytes of the input read so far.
    public var bytesRead: Int
    /// The input's size in bytes, when known (not for standard input).
    public var totalBytes: Int?

    /// Progress after `features` features and `bytesRead` of `totalBytes` bytes.
    public init(features: Int, bytesRead: Int, totalBytes: Int?) {
        self.features = features
        self.bytesRead = bytesRead
        self.totalBytes = totalBytes
    }
}
