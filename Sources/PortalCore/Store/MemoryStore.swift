import Coverage
import Foundation
import GeoModel
import Geodesy

/// A ``PortalStore`` that keeps its layers in memory: for tests of the core and of front ends,
/// which run the same test bodies against it and the SpatiaLite store.
///
/// It answers queries as the SpatiaLite store does (the same order, filters, pages, and
/// exports byte for byte) with two simplifications: bounding boxes are tested exactly on every
/// geometry in the plane of degrees (SpatiaLite tests points against its R*Tree, whose boxes are
/// rounded outwards to single precision, so the two can differ for points within about 1e-5° of
/// an edge; the same holds for a condition's boxes), and imports keep features as validated,
/// without the derived data (settlements' districts by point-in-polygon, commitments' points).
/// A query's ``ExportQuery/condition`` is evaluated by ``FeatureCondition/matches(_:layer:)``.
public final class MemoryStore: PortalStore, @unchecked Sendable {
    private let lock = NSLock()
    private var layers: [String: [FeatureRecord]] = [:]
    private var version: Int64 = 0
    private var interrupted = false

    /// An empty store.
    public init() {}

    /// `memory`.
    public var location: String { "memory" }

    /// The features of `layer`, in insertion order.
    private func records(_ layer: LayerSchema) -> [FeatureRecord] {
        lock.withLock { layers[layer.name] ?? [] }
    }

    /// The features of a query, in its order, before its page.
    /// - Throws: `GeoModelError` when the query's condition does not fit its layer.
    private func matching(_ query: ExportQuery) throws -> [FeatureRecord] {
        try query.condition?.validate(for: query.layer)
        var selected = records(query.layer).filter { record in
            if let condition = query.condition, !condition.matches(record, layer: query.layer) { return false }
            if let ids = query.ids, !ids.contains(record.id) { return false }
            for filter in query.filters {
                guard let column = query.layer.columnIndex(filter.column), filter.matches(record.values[column]) else {
                    return false
                }
            }
            if let bbox = query.bbox, query.layer.geometryType != nil {
                guard let geometry = record.geometry, geometry.intersects(bbox) else { return false }
            }
            return true
        }
        let keys = query.sortBy.compactMap { key in query.layer.columnIndex(key.column).map { ($0, key.descending) } }
        if !keys.isEmpty {
            // A stable sort: insertion order breaks ties, as the SpatiaLite store's fid does.
            selected = selected.enumerated().sorted { a, b in
                for (column, descending) in keys {
                    let order = Self.compare(a.element.values[column], b.element.values[column])
                    if order != 0 { return descending ? order > 0 : order < 0 }
                }
                return a.offset < b.offset
            }.map(\.element)
        }
        return selected
    }

    /// SQLite's order of values: NULL, then numbers by value, then text by UTF-8 bytes.
    static func compare(_ a: FieldValue, _ b: FieldValue) -> Int {
        func rank(_ value: FieldValue) -> Int {
            switch value {
            case .null: 0
            case .integer, .real: 1
            case .text: 2
            }
        }
        if rank(a) != rank(b) { return rank(a) < rank(b) ? -1 : 1 }
        switch (a, b) {
        case (.text(let x), .text(let y)):
            if x == y { return 0 }
            return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1
        default:
            let x = a.number ?? 0, y = b.number ?? 0
            return x == y ? 0 : (x < y ? -1 : 1)
        }
    }

    /// The page of a query.
    private func page(_ records: [FeatureRecord], _ query: ExportQuery) -> ArraySlice<FeatureRecord> {
        let start = Swift.min(Swift.max(0, query.offset), records.count)
        let end = query.limit.map { start + Swift.min(records.count - start, Swift.max(0, $0)) } ?? records.count
        return records[start..<end]
    }

    public func count(_ query: ExportQuery) throws -> Int { try matching(query).count }

    public func features(_ query: ExportQuery) throws -> [FeatureRecord] { Array(page(try matching(query), query)) }

    public func forEachFeature(_ query: ExportQuery, columns names: [String], _ body: (FeatureRecord) throws -> Void) throws {
        let kept = try RecordStreaming.columns(names, of: query.layer)
        for record in page(try matching(query), query) {
            try body(RecordStreaming.keeping(kept, of: record))
        }
    }

    public func export(_ query: ExportQuery, options: ExportOptions, to sink: OutputSink) throws -> Int {
        let included = try RecordStreaming.exported(options, of: query.layer)
        let records = page(try matching(query), query)
        return try RecordStreaming.export(query.layer, included: included, options: options, to: sink) { write in
            for record in records { try write(record) }
        }
    }

    public func features(_ layer: LayerSchema, ids: [String]) throws -> [FeatureRecord] {
        var byID: [String: FeatureRecord] = [:]
        for record in records(layer) where byID[record.id] == nil { byID[record.id] = record }
        return ids.compactMap { byID[$0] }
    }

    public func nameCandidates(_ layer: LayerSchema) throws -> [NameMatcher.Candidate] {
        let columns = layer.nameColumns.compactMap(layer.columnIndex)
        let isSettlements = layer.name == LayerSchema.settlements.name
        let districts = Set(records(.districts).map(\.id))
        let schema = LayerSchema.settlements
        return records(layer).map { record in
            var prominence = 0.0
            if isSettlements {
                func value(_ name: String) -> FieldValue { schema.columnIndex(name).map { record.values[$0] } ?? .null }
                let population: Int64? = if case .integer(let n) = value("population") { n } else { nil }
                prominence = NameMatcher.settlementProminence(population: population, kind: value("kind").text,
                                                              inRegion: value("district").text.map(districts.contains) ?? false)
            }
            return NameMatcher.Candidate(id: record.id, names: columns.map { record.values[$0].text }, prominence: prominence)
        }
    }

    public func points(_ layer: LayerSchema) throws -> [PointFeature] {
        let name = layer.columnIndex("name")
        return records(layer).map { record in
            var position = GeoPoint(longitude: .nan, latitude: .nan)
            if case .point(let p)? = record.geometry { position = p }
            return PointFeature(id: record.id, name: name.flatMap { record.values[$0].text }, position: position)
        }
    }

    public func coverageSource() -> any StoreCoverageSource { MemoryCoverageSource(store: self) }

    public func importFeatures(from source: any FeatureSource, into layer: LayerSchema, fileName: String,
                               options: ImportOptions, progress: ((ImportProgress) -> Void)?) throws -> ImportReport {
        var report = ImportReport(layer: layer.name)
        report.dryRun = options.dryRun
        var added: [FeatureRecord] = []
        var existing = options.replace ? [] : records(layer)
        var updated = 0
        defer { lock.withLock { interrupted = false } }
        report.read = try RecordValidation.run(
            source, layer: layer, fileName: fileName, options: options, existingIDs: Set(existing.map(\.id)),
            interrupted: { lock.withLock { interrupted } }, progress: progress,
            add: { added.append($0) },
            update: { record in
                // The first feature with the id (ids are unique in the layer).
                if let index = existing.firstIndex(where: { $0.id == record.id }) {
                    existing[index] = record
                    updated += 1
                }
            })
        report.imported = added.count
        report.updated = updated
        if options.replace { report.replaced = records(layer).count }
        report.skipped = source.skipped
        report.ignoredFields = source.ignoredFields.sorted()
        guard !options.dryRun else { return report }
        lock.withLock {
            layers[layer.name] = existing + added
            version += 1
        }
        return report
    }

    /// Replaces a layer's features (already valid records), for tests that build data in code.
    public func put(_ records: [FeatureRecord], into layer: LayerSchema) {
        lock.withLock {
            layers[layer.name] = records
            version += 1
        }
    }

    /// Stops the running import before its next feature (nothing is kept), or the next import
    /// when none runs; the import that honours it clears it.
    public func interrupt() {
        lock.withLock { interrupted = true }
    }

    public func extent(_ layer: LayerSchema) throws -> BoundingBox? {
        var box: BoundingBox?
        for record in records(layer) {
            guard let b = record.geometry?.boundingBox else { continue }
            box = box?.union(b) ?? b
        }
        return box
    }

    public func status() throws -> StoreStatus {
        StoreStatus(location: location, schema: nil,
                    layerCounts: LayerSchema.all.map { .init(layer: $0.name, count: records($0).count) },
                    sitePackCurrent: nil)
    }

    public func changeToken() throws -> Int64 { lock.withLock { version } }
}
