@testable import Corridor
import Geodesy
import Testing
import QamtuTestSupport

@Suite("Sites near a road")
struct MastsNearRoadTests {
    /// Random candidates around a road, with their ids.
    static func candidates(around road: CorridorRoad, count: Int, seed: UInt64, spreadDegrees: Double)
        -> [CorridorCandidate<Int>]
    {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { i in
            let base = road.point(atChainageMeters: Double.random(in: 0...road.lengthMeters, using: &generator))
            let position = p(
                base.longitude + Double.random(in: -spreadDegrees...spreadDegrees, using: &generator),
                base.latitude + Double.random(in: -spreadDegrees...spreadDegrees, using: &generator))
            return CorridorCandidate(id: "s\(i)", position: position, payload: i)
        }
    }

    /// The corridor search returns exactly the candidates that the exact projection puts
    /// within the distance, sorted by chainage, on every kind of road.
    @Test(arguments: ["bent", "mirrored", "antimeridian"])
    func agreesWithExactProjectionOfEveryCandidate(name: String) throws {
        let road = try referenceRoad(name)
        let candidates = Self.candidates(around: road, count: 3_000, seed: 7, spreadDegrees: 0.12)
        let found = try road.masts(among: candidates, withinMeters: 5_000)
        let expected = candidates.filter { road.locate($0.position).offsetMeters <= 5_000 }
        #expect(found.count == expected.count)
        #expect(Set(found.map(\.candidate.id)) == Set(expected.map(\.id)))
        #expect(found.count > 100 && found.count < candidates.count)
        for mast in found {
            let exact = road.locate(mast.candidate.position)
            #expect(mast.location == exact)
            #expect(mast.candidate.payload == Int(mast.candidate.id.dropFirst()))
        }
        for (a, b) in zip(found, found.dropFirst()) {
            #expect(a.location.chainageMeters <= b.location.chainageMeters)
        }
        // The bound never exceeds the offset.
        for candidate in candidates.prefix(500) {
            #expect(road.lowerBoundDistanceMeters(candidate.position) <= road.locate(candidate.position).offsetMeters)
        }
    }

    /// Large inputs are split over processor cores; the answer is the same.
    @Test func parallelAndSerialAnswersAgree() throws {
        let road = try referenceRoad("bent")
        let candidates = Self.candidates(around: road, count: 20_000, seed: 11, spreadDegrees: 0.2)
        let parallel = road.locateAll(candidates.map(\.position), withinMeters: 3_000)
        let serial = candidates.map { road.locate($0.position, withinMeters: 3_000) }
        #expect(parallel == serial)
    }

    @Test func ordersTiesByOffsetThenId() throws {
        let road = try referenceRoad("bent")
        let vertex = road.parts[0].vertices[0]
        // Beyond the start: all three map to chainage 0.
        let a = Geodesic.destination(from: vertex, azimuthDegrees: 260, distanceMeters: 900)
        let b = Geodesic.destination(from: vertex, azimuthDegrees: 250, distanceMeters: 400)
        let found = try road.masts(among: [
            CorridorCandidate(id: "z", position: a, payload: ()),
            CorridorCandidate(id: "b", position: a, payload: ()),
            CorridorCandidate(id: "c", position: b, payload: ()),
        ], withinMeters: 1_000)
        #expect(found.map(\.candidate.id) == ["c", "b", "z"])
        #expect(found.allSatisfy { $0.location.chainageMeters == 0 })
    }

    @Test func rejectsBadDistancesAndSkipsBadPositions() throws {
        let road = try referenceRoad("bent")
        #expect(throws: CorridorError.invalidDistance("withinMeters", -1)) {
            try road.masts(among: [CorridorCandidate<Void>](), withinMeters: -1)
        }
        #expect(throws: CorridorError.self) {
            try road.masts(among: [CorridorCandidate<Void>](), withinMeters: .infinity)
        }
        let found = try road.masts(among: [
            CorridorCandidate(id: "bad", position: p(71.4, 100), payload: ()),
            CorridorCandidate(id: "ok", position: p(71.42, 42.931), payload: ()),
        ], withinMeters: 1_000)
        #expect(found.map(\.candidate.id) == ["ok"])
    }

    /// Points at exactly the search distance from the road, in every direction from
    /// road points, all fall in some search box; also across 180°.
    @Test(arguments: ["bent", "mirrored", "antimeridian"])
    func searchBoxesContainTheWholeCorridor(name: String) throws {
        let road = try referenceRoad(name)
        for distance in [800.0, 5_000.0, 20_000.0] {
            let boxes = road.searchBoxes(withinMeters: distance)
            #expect(!boxes.isEmpty)
            for box in boxes {
                #expect(-180 <= box.minLongitude && box.minLongitude <= box.maxLongitude && box.maxLongitude <= 180)
                #expect(box.minLatitude <= box.maxLatitude)
            }
            var missed = 0
            for (part, chainage) in samples(road, stepMeters: 97) {
                let x = road.point(atChainageMeters: chainage, partIndex: part)
                for azimuth in stride(from: 0.0, to: 360, by: 15) {
                    let q = Geodesic.destination(from: x, azimuthDegrees: azimuth, distanceMeters: distance)
                    if !boxes.contains(where: { $0.contains(q) }) { missed += 1 }
                }
            }
            #expect(missed == 0, "\(name) at \(distance) m")
        }
        if name == "antimeridian" {
            let boxes = road.searchBoxes(withinMeters: 5_000)
            #expect(boxes.contains { $0.maxLongitude == 180 })
            #expect(boxes.contains { $0.minLongitude == -180 })
            // Not one box round the world.
            #expect(boxes.allSatisfy { $0.maxLongitude - $0.minLongitude < 1 })
        }
        #expect(road.searchBoxes(withinMeters: -1).isEmpty)
    }

    /// Bands keep the boxes small along a long diagonal road: far less area than the
    /// road's whole bounding box expanded by the distance, and no two boxes overlap.
    @Test func searchBoxesFollowALongRoadWithoutOverlapping() throws {
        let road = try straightRoad(from: p(70, 42.5), azimuth: 45, lengthMeters: 300_000)
        let boxes = road.searchBoxes(withinMeters: 5_000)
        #expect(boxes.count >= 10)
        func area(_ b: BoundingBox) -> Double { (b.maxLongitude - b.minLongitude) * (b.maxLatitude - b.minLatitude) }
        let whole = BoundingBox(
            minLongitude: boxes.map(\.minLongitude).min() ?? 0, minLatitude: boxes.map(\.minLatitude).min() ?? 0,
            maxLongitude: boxes.map(\.maxLongitude).max() ?? 0, maxLatitude: boxes.map(\.maxLatitude).max() ?? 0)
        #expect(boxes.map(area).reduce(0, +) < 0.15 * area(whole))  // the corridor itself is 6 %
        for (i, a) in boxes.enumerated() {
            for b in boxes[(i + 1)...] {
                let overlapLongitude = min(a.maxLongitude, b.maxLongitude) - max(a.minLongitude, b.minLongitude)
                let overlapLatitude = min(a.maxLatitude, b.maxLatitude) - max(a.minLatitude, b.minLatitude)
                #expect(!(overlapLongitude > 0 && overlapLatitude > 0), "\(a) and \(b) overlap")
            }
        }
    }
}
