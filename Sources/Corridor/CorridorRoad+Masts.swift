import Dispatch
import Foundation
import Geodesy

/// A site that may stand near a road: an id, a position and whatever the caller wants to
/// carry along (the stored attributes, an index into its own arrays …).
public struct CorridorCandidate<Payload> {
    /// The site's identifier, reported back unchanged.
    public var id: String
    /// The site's position, EPSG:4326 degrees, longitude first.
    public var position: GeoPoint
    /// Caller data, reported back unchanged.
    public var payload: Payload

    /// Creates a candidate (position in EPSG:4326 degrees, longitude first).
    public init(id: String, position: GeoPoint, payload: Payload) {
        self.id = id
        self.position = position
        self.payload = payload
    }
}

extension CorridorCandidate: Sendable where Payload: Sendable {}

/// A site found near a road, with where it projects onto the road.
public struct CorridorMast<Payload> {
    /// The site as given.
    public var candidate: CorridorCandidate<Payload>
    /// Its nearest road point, offset (metres) and chainage (metres).
    public var location: RoadLocation

    /// Pairs a candidate with its location on the road.
    public init(candidate: CorridorCandidate<Payload>, location: RoadLocation) {
        self.candidate = candidate
        self.location = location
    }
}

extension CorridorMast: Sendable where Payload: Sendable {}

extension CorridorRoad {
    /// The candidates whose ellipsoidal distance to the road is at most `withinMeters`,
    /// each with its nearest road point, offset and chainage, sorted by chainage (then
    /// offset, then id).
    ///
    /// Candidates are screened with the lower bounds of ``lowerBoundDistanceMeters(_:)``
    /// first, and the exact (nanometre-accurate) projection runs only where a bound does
    /// not exclude the site, so the cost for far-away candidates is a few hundred
    /// nanoseconds each. Large inputs are split over the available processor cores.
    /// Candidates with an invalid position are skipped. Candidates are not de-duplicated:
    /// pass each site once.
    ///
    /// - Throws: ``CorridorError/invalidDistance(_:_:)`` for a negative or non-finite
    ///   distance.
    public func masts<Payload>(
        among candidates: [CorridorCandidate<Payload>], withinMeters: Double
    ) throws(CorridorError) -> [CorridorMast<Payload>] {
        guard withinMeters.isFinite, withinMeters >= 0 else {
            throw .invalidDistance("withinMeters", withinMeters)
        }
        let locations = locateAll(candidates.map(\.position), withinMeters: withinMeters)
        // Sort small keys, not the (possibly large) candidates.
        var keys: [(chainage: Double, offset: Double, index: Int)] = []
        for (i, location) in locations.enumerated() {
            if let location { keys.append((location.chainageMeters, location.offsetMeters, i)) }
        }
        keys.sort { a, b in
            if a.chainage != b.chainage { return a.chainage < b.chainage }
            if a.offset != b.offset { return a.offset < b.offset }
            return candidates[a.index].id < candidates[b.index].id
        }
        var result: [CorridorMast<Payload>] = []
        result.reserveCapacity(keys.count)
        for key in keys {
            if let location = locations[key.index] {
                result.append(CorridorMast(candidate: candidates[key.index], location: location))
            }
        }
        return result
    }

    /// ``locate(_:withinMeters:)`` for every point, in order; in parallel for large inputs.
    public func locateAll(_ points: [GeoPoint], withinMeters: Double) -> [RoadLocation?] {
        let count = points.count
        let workers = count >= 2_048 ? max(1, min(8, ProcessInfo.processInfo.activeProcessorCount)) : 1
        guard workers > 1 else { return points.map { locate($0, withinMeters: withinMeters) } }
        let results = ResultSlots<RoadLocation?>(count: count, initial: nil)
        let chunk = (count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let range = min(count, w * chunk)..<min(count, (w + 1) * chunk)
            for i in range { results.set(i, locate(points[i], withinMeters: withinMeters)) }
        }
        return results.values()
    }
}

/// Fixed slots that concurrent workers fill at distinct indices (each index is written by
/// exactly one worker, and read only after all have finished).
final class ResultSlots<Value>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<Value>

    init(count: Int, initial: Value) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: initial)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    func set(_ index: Int, _ value: Value) { storage[index] = value }

    func values() -> [Value] { Array(storage) }
}

extension CorridorCandidate: Sendable where Payload: Sendable {}
extension CorridorMast: Sendable where Payload: Sendable {}
