/// A feature source that passes on only the features of another that lie in an
/// ``ImportRegion``; the others are counted as skipped (`outside REGION`). Features without a
/// readable geometry pass, so that validation reports them.
public final class RegionFilteredSource: FeatureSource {
    private let base: any FeatureSource
    private let region: ImportRegion
    private let isInside: @Sendable (Geometry) -> Bool
    private var outside = 0

    /// The features of `base` that lie in `region`.
    public init(_ base: any FeatureSource, region: ImportRegion) {
        self.base = base
        self.region = region
        isInside = region.membershipTest()
    }

    public func next() throws(GeoModelError) -> SourceFeature? {
        while let feature = try base.next() {
            guard let geometry = feature.geometry, !feature.isUnreadable else { return feature }
            if isInside(geometry) { return feature }
            outside += 1
        }
        return nil
    }

    public var progress: (done: Int, total: Int?) { base.progress }

    public var skipped: [String: Int] {
        var skipped = base.skipped
        if outside > 0 { skipped["outside \(region.label)", default: 0] += outside }
        return skipped
    }

    public var ignoredFields: Set<String> { base.ignoredFields }
    public var decimalComma: Bool { base.decimalComma }
}
