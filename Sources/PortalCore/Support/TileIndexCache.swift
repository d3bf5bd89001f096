import Foundation
import GeoModel
import VectorTiles

/// The point layers' tile indexes (``PointTileIndex``) of a portal, each kept for the change
/// token it was built under: the first tile of a layer after a change builds it (other requests
/// for the layer wait for that build), later ones read it.
final class TileIndexCache: @unchecked Sendable {
    private final class Slot: @unchecked Sendable {
        let lock = NSLock()
        var token: Int64?
        var index: PointTileIndex?
    }

    private let lock = NSLock()
    private var slots: [String: Slot] = [:]
    private var latestToken: Int64?

    /// The index of `layer` for `token`, built by `build` when missing or older. The first call
    /// with a new token also lets go of the other layers' indexes of older data (a million sites
    /// take about 100 MB), unless one is being built at that moment.
    func index(_ layer: String, token: Int64, build: () throws -> PointTileIndex) rethrows -> PointTileIndex {
        let (slot, others) = lock.withLock {
            let slot = slots[layer] ?? Slot()
            slots[layer] = slot
            guard latestToken != token else { return (slot, [Slot]()) }
            latestToken = token
            return (slot, slots.values.filter { $0 !== slot })
        }
        for other in others where other.lock.try() {
            if other.token != token {
                other.index = nil
                other.token = nil
            }
            other.lock.unlock()
        }
        slot.lock.lock()
        defer { slot.lock.unlock() }
        if let index = slot.index, slot.token == token { return index }
        slot.index = nil
        let index = try build()
        slot.index = index
        slot.token = token
        return index
    }
}
