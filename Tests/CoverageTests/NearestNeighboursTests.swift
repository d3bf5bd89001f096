import Coverage
import Geodesy
import Testing
import QamtuTestSupport

@Suite("Exact k nearest neighbours")
struct NearestNeighboursTests {
    /// Every source's k nearest targets, in exact order, equal a sort of all pairs by
    /// (distance, target index) — including exact ties from duplicated target points.
    @Test(arguments: [(Region.zhambyl, UInt64(11)), (Region.antimeridian, UInt64(12)), (Region.highLatitude, UInt64(13))])
    func matchesBruteForce(region: Region, seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var targets = (0..<900).map { PointFeature(id: "t\($0)", position: region.point(&rng)) }
        // Exact ties: copies of earlier targets.
        for i in 0..<60 { targets.append(PointFeature(id: "dup\(i)", position: targets[i * 7].position)) }
        // An invalid target is never reported.
        targets.append(PointFeature(id: "bad", position: GeoPoint(longitude: 10, latitude: 95)))
        let sources = (0..<300).map { PointFeature(id: "s\($0)", position: region.point(&rng)) }
            + targets.prefix(40).map { PointFeature(id: "on-\($0.id)", position: $0.position) }
        let index = NearestNeighbours(targets: targets)
        for k in [1, 3, 8] {
            let found = index.join(sources, k: k)
            for (i, source) in sources.enumerated() {
                let expected = targets.indices.filter { targets[$0].position.isValid }
                    .map { Neighbour(target: $0, distanceMeters: Geodesic.distanceMeters(source.position, targets[$0].position)) }
                    .sorted { ($0.distanceMeters, $0.target) < ($1.distanceMeters, $1.target) }
                    .prefix(k)
                #expect(found[i] == Array(expected), "\(region) k=\(k) source \(i)")
            }
        }
    }

    @Test func selfJoinSkipsTheFeatureItself() {
        var rng = SplitMix64(seed: 5)
        let points = (0..<200).map { PointFeature(id: "p\($0)", position: Region.zhambyl.point(&rng)) }
        let found = NearestNeighbours(targets: points).join(points, k: 2, excludeSameIndex: true)
        for (i, list) in found.enumerated() {
            #expect(list.count == 2)
            #expect(!list.contains { $0.target == i })
            #expect(list[0].distanceMeters > 0)
        }
    }

    @Test func edgeCases() {
        let empty = NearestNeighbours(targets: [])
        #expect(empty.nearest(to: GeoPoint(longitude: 0, latitude: 0), k: 3).isEmpty)
        let one = NearestNeighbours(targets: [PointFeature(id: "a", position: GeoPoint(longitude: 179.9, latitude: 0))])
        let across = one.nearest(to: GeoPoint(longitude: -179.9, latitude: 0), k: 3)
        #expect(across.count == 1)
        #expect(abs(across[0].distanceMeters - 22_263.898) < 0.01)  // 0.2° of the equator: a · 0.2 · π / 180
        #expect(one.nearest(to: GeoPoint(longitude: .nan, latitude: 0), k: 1).isEmpty)
        #expect(one.nearest(to: GeoPoint(longitude: 0, latitude: 0), k: 0).isEmpty)
        #expect(one.join([], k: 1).isEmpty)
    }
}
