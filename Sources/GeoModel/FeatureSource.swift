import Foundation
import Geodesy

/// A stream of input features with canonical (column-contract) property names.
public protocol FeatureSource: AnyObject {
    /// The next feature, or nil at the end.
    func next() throws(GeoModelError) -> SourceFeature?
    /// Bytes of the file read so far and its size when known (compressed bytes for a
    /// gzip-compressed file).
    var progress: (done: Int, total: Int?) { get }
    /// Rows deliberately skipped, by reason: a phrase that reads after "skipped 3 rows" (e.g.
    /// OpenCelliD's `outside Kazakhstan (MCC ≠ 401)`).
    var skipped: [String: Int] { get }
    /// Input names that are not columns of the layer and were ignored.
    var ignoredFields: Set<String> { get }
    /// Whether numbers may use a decimal comma (`;`-separated CSV).
    var decimalComma: Bool { get }
}
