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

    /// The index of `layer` for `token`, built by `build` when missing or older.
    func index(_ layer: String, token: Int64, build: () throws -> PointTileIndex) rethrows -> PointTileIndex {
        let slot = lock.withLock {
            if let slot = slots[layer] { return slot }
            let slot = Slot()
            slots[layer] = slot
            return slot
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
