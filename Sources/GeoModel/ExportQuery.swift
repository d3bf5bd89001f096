import Geodesy

/// Which features of a layer to read, in which order, and which page of them: what every store
/// answers (feature scans, counts, exports).
public struct ExportQuery: Sendable, Equatable {
    /// The layer.
    public var layer: LayerSchema
    /// Features whose geometry intersects this box (EPSG:4326 degrees; may cross the antimeridian).
    public var bbox: BoundingBox?
    /// Attribute filters, all of which must match; text values match ignoring case in any script
    /// (`operator=kcell` finds `Kcell`, `name=тараз` finds `Тараз`), numbers exactly.
    public var filters: [ExportFilter]
    /// Only features with these ids, when set.
    public var ids: [String]?
    /// A typed condition (the OGC API `filter`, parsed by ``CQL2TextParser``) that features
    /// must also meet, ANDed with the box, the filters and the ids; counts honour it. Text in it
    /// compares case-sensitively, unlike ``filters`` (see ``FeatureCondition``).
    public var condition: FeatureCondition?
    /// Order of the features: these keys first, then the order of insertion (a store's internal
    /// id), so that pages never overlap. Empty: insertion order.
    public var sortBy: [SortKey] = []
    /// At most this many features (nil: all). A count ignores it.
    public var limit: Int? = nil
    /// Skip this many features first (≥ 0). A count ignores it.
    public var offset = 0

    /// A query of `layer`, optionally restricted to a box, filters, ids and a condition; in
    /// insertion order and unpaged until ``sortBy``, ``limit`` or ``offset`` are set.
    public init(layer: LayerSchema, bbox: BoundingBox? = nil, filters: [ExportFilter] = [], ids: [String]? = nil,
                condition: FeatureCondition? = nil) {
        self.layer = layer
        self.bbox = bbox
        self.filters = filters
        self.ids = ids
        self.condition = condition
    }

    /// The same query in the order of `keys` (then insertion order).
    public func sorted(by keys: [SortKey]) -> ExportQuery {
        var copy = self
        copy.sortBy = keys
        return copy
    }

    /// The same query restricted to the page of at most `limit` features after `offset`.
    public func paged(limit: Int?, offset: Int = 0) -> ExportQuery {
        var copy = self
        copy.limit = limit
        copy.offset = offset
        return copy
    }

    /// True when the query asks for a page or an order other than insertion order.
    public var isPagedOrSorted: Bool { limit != nil || offset > 0 || !sortBy.isEmpty }

    /// The same query without its page (limit and offset): what `numberMatched` counts.
    public var unpaged: ExportQuery { paged(limit: nil) }
}
