import Foundation
import GeoModel
import Geodesy

/// Reads, validates and encodes an import's features ahead of the writer, on two threads of its
/// own: one parses the input (``FeatureSource/next()``), one validates each feature against the
/// layer and encodes the row for binding (``EncodedRows``, the geometry as SpatiaLite stores it). With SQLite writing on the caller's
/// thread, an import keeps two cores busy.
///
/// The writer pulls batches in input order with ``next()``; a failure of the source (an
/// unreadable file, a cut gzip stream) comes after the features read before it, as it would from
/// the source itself. Memory is bounded: at most a few batches of `batchSize` features (or of
/// about 1 MiB of geometry) wait between the threads. ``stop()`` ends the threads early and waits
/// for them; the source may be used again only after ``stop()`` returned.
final class ImportFeatureReader: @unchecked Sendable {
    /// Parsed features of the input, in order, and where the source was after them.
    struct Batch {
        var features: [SourceFeature] = []
        /// The source's progress after the last feature of the batch.
        var progress: (done: Int, total: Int?) = (0, nil)
        /// The error the source threw after the features of this batch (the last batch).
        var failure: GeoModelError?
    }

    private let parsed = BatchQueue<Batch>(capacity: 2)
    private let validated = BatchQueue<EncodedRows>(capacity: 2)
    private let running = DispatchGroup()

    /// Starts reading `source` for `layer`.
    /// - Parameters:
    ///   - batchSize: features per batch (a batch also closes at 65,536 positions of geometry, 1 MiB).
    ///   - sitePack: a builder of the site pack from the valid sites (``SitePackBuilder``), whose
    ///     chunks come with the batches (``EncodedRows/sitePackChunks``; the last one in a batch
    ///     of no rows after all others); nil for none.
    init(source: any FeatureSource, layer: LayerSchema, batchSize: Int = 512, sitePack: SitePackBuilder? = nil) {
        let box = SourceBox(source)
        let size = max(1, batchSize)
        let decimalComma = source.decimalComma
        start("qamtu-import-parse") { [parsed] in Self.parse(box.source, into: parsed, batchSize: size) }
        start("qamtu-import-validate") { [parsed, validated] in
            Self.validate(from: parsed, into: validated, layer: layer, decimalComma: decimalComma, sitePack: sitePack)
        }
    }

    deinit { stop() }

    private func start(_ name: String, _ work: @escaping @Sendable () -> Void) {
        running.enter()
        let thread = Thread { [running] in
            work()
            running.leave()
        }
        thread.name = name
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// The next batch in input order; nil after the last.
    func next() -> EncodedRows? {
        validated.take()
    }

    /// Ends the threads early (or after their end) and waits until they have let go of the source.
    func stop() {
        validated.cancel()
        parsed.cancel()
        running.wait()
    }

    /// The parsing thread: features in batches, then the source's failure if any.
    private static func parse(_ source: any FeatureSource, into queue: BatchQueue<Batch>, batchSize: Int) {
        defer { queue.finish() }
        var batch = Batch()
        batch.features.reserveCapacity(batchSize)
        var positions = 0
        while true {
            do {
                guard let feature = try source.next() else { break }
                positions += feature.geometry.map(Self.positionCount) ?? 0
                batch.features.append(feature)
            } catch {
                batch.failure = error
                batch.progress = source.progress
                _ = queue.put(batch)
                return
            }
            if batch.features.count >= batchSize || positions >= 65_536 {
                batch.progress = source.progress
                guard queue.put(batch) else { return }
                batch = Batch()
                batch.features.reserveCapacity(batchSize)
                positions = 0
            }
        }
        if !batch.features.isEmpty {
            batch.progress = source.progress
            _ = queue.put(batch)
        }
    }

    /// The validating thread: each parsed batch validated and encoded, in order.
    private static func validate(from input: BatchQueue<Batch>, into output: BatchQueue<EncodedRows>,
                                 layer: LayerSchema, decimalComma: Bool, sitePack: SitePackBuilder?) {
        defer { output.finish() }
        let withGeometry = layer.geometryType != nil && !layer.geometryIsDerived
        var problems: [ImportProblem] = []
        var cache = ValidationCache()
        var sitePack = sitePack
        var file = ""
        while let batch = input.take() {
            file = batch.features.first?.location.file ?? file
            var rows = EncodedRows(file: file, capacity: batch.features.count)
            rows.progress = batch.progress
            rows.failure = batch.failure
            for feature in batch.features {
                problems.removeAll(keepingCapacity: true)
                if let record = layer.validate(feature, decimalComma: decimalComma, problems: &problems, cache: &cache) {
                    rows.append(record, at: feature.location, withGeometry: withGeometry)
                    if sitePack != nil, let chunk = sitePack?.add(record, point: rows.rows.last?.point) {
                        rows.sitePackChunks.append(chunk)
                    }
                } else {
                    rows.reject(feature.location, problems: problems)
                }
            }
            rows.sitePackAbandoned = sitePack?.abandoned ?? false
            guard output.put(rows) else { return }
        }
        // The last chunk, partly filled, once every site is known.
        if let chunk = sitePack?.finish() {
            var last = EncodedRows(file: file, capacity: 0)
            last.sitePackChunks = [chunk]
            _ = output.put(last)
        }
    }

    /// The positions of a geometry (what its size grows with).
    private static func positionCount(_ geometry: Geometry) -> Int {
        switch geometry {
        case .point: 1
        case .multiPoint(let points), .lineString(let points): points.count
        case .multiLineString(let lines), .polygon(let lines): lines.reduce(0) { $0 + $1.count }
        case .multiPolygon(let polygons): polygons.reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } }
        }
    }

    /// Hands the (non-Sendable) source to the parsing thread, which alone uses it until it ends.
    private final class SourceBox: @unchecked Sendable {
        let source: any FeatureSource
        init(_ source: any FeatureSource) { self.source = source }
    }
}
