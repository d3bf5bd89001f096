import Foundation
import GeoModel

/// The features of one layer of a store, in the store's order, as an import's input: what
/// `qamtu copy` reads from its source.
///
/// A thread of its own scans the layer (``PortalStore/forEachFeature(_:columns:_:)``, every
/// column and the geometry) into a bounded buffer while the import takes features from it, so
/// that memory stays flat whatever the layer's size. Values keep their stored types (an integer
/// stays an integer, a text a text), so that validation gives back the stored values. A layer
/// whose geometry is derived (commitments) gives no geometry: the import derives it again.
///
/// Call ``stop()`` when the import ends early: the scan stops at its next feature.
final class StoreFeatureSource: FeatureSource, @unchecked Sendable {
    /// Features the buffer holds at most.
    static let capacity = 4_096

    private let layer: LayerSchema
    private let name: String
    private let total: Int
    private let condition = NSCondition()
    private var buffer: [SourceFeature] = []
    private var head = 0
    private var finished = false
    private var stopped = false
    private var failure: (any Error)?
    private var taken = 0

    /// Starts reading `layer` of `store`; `name` names the source in messages (e.g. `qamtu.sqlite: sites`).
    /// - Parameter total: the layer's feature count (for progress).
    init(store: any PortalStore, layer: LayerSchema, name: String, total: Int) {
        self.layer = layer
        self.name = name
        self.total = total
        let thread = Thread { [self] in self.produce(from: store) }
        thread.name = "qamtu-copy-read"
        thread.start()
    }

    deinit { stop() }

    /// Why the scan of the source failed, if it did: the import then reports the source as
    /// unreadable, and the copy throws this error instead (with its own category).
    var scanError: (any Error)? { condition.withLock { failure } }

    /// Stops the scan (the import ended early); the buffered features are dropped.
    func stop() {
        condition.withLock {
            stopped = true
            buffer.removeAll()
            head = 0
            condition.broadcast()
        }
    }

    private struct Stopped: Error {}

    private func produce(from store: any PortalStore) {
        let names = layer.columns.map(\.name)
        let derived = layer.geometryIsDerived
        var index = 0
        do {
            try store.forEachFeature(ExportQuery(layer: layer), columns: names) { record in
                index += 1
                let values = record.values.map { value -> RawValue in
                    switch value {
                    case .null: .null
                    case .integer(let i): .integer(i)
                    case .real(let d): .real(d)
                    case .text(let s): .string(s)
                    }
                }
                var feature = SourceFeature(location: SourceLocation(file: name, line: nil, featureIndex: index - 1),
                                            properties: [:], geometry: derived ? nil : record.geometry)
                feature.columnValues = values
                try condition.withLock {
                    while buffer.count - head >= Self.capacity && !stopped { condition.wait() }
                    if stopped { throw Stopped() }
                    buffer.append(feature)
                    condition.broadcast()
                }
            }
            condition.withLock {
                finished = true
                condition.broadcast()
            }
        } catch {
            condition.withLock {
                if !(error is Stopped) { failure = error }
                finished = true
                condition.broadcast()
            }
        }
    }

    func next() throws(GeoModelError) -> SourceFeature? {
        let result: Result<SourceFeature?, GeoModelError> = condition.withLock {
            while head == buffer.count && !finished && !stopped { condition.wait() }
            if head < buffer.count {
                let feature = buffer[head]
                head += 1
                taken += 1
                // The taken part is dropped once it is half the buffer (amortised O(1) a feature).
                if head >= Self.capacity / 2 && head * 2 >= buffer.count {
                    buffer.removeFirst(head)
                    head = 0
                }
                condition.broadcast()
                return .success(feature)
            }
            if let failure {
                return .failure(.unreadable(file: name, line: nil, message: "\(failure)"))
            }
            return .success(nil)
        }
        return try result.get()
    }

    var progress: (done: Int, total: Int?) { condition.withLock { (taken, total) } }
    var skipped: [String: Int] { [:] }
    var ignoredFields: Set<String> { [] }
    var decimalComma: Bool { false }
}
