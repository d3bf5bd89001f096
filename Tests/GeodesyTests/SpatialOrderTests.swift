import Geodesy
import Testing
import QamtuTestSupport

@Suite("Spatial (k-d) order of points on the ellipsoid")
struct SpatialOrderTests {
    /// The order is a permutation, and consecutive points in it are near each other: the path
    /// through 5 000 random points of a region (and around the antimeridian and a pole) in k-d
    /// order is far shorter than in input order.
    @Test(arguments: [(0.0, 40.0, 20.0), (179.0, 10.0, 4.0), (0.0, 88.0, 2.0)])
    func isAPermutationWhoseNeighboursAreNear(longitude: Double, latitude: Double, span: Double) {
        var rng = SplitMix64(seed: 7)
        let points = (0..<5_000).map { _ in
            var lon = longitude + rng.uniform(-span, span)
            if lon > 180 { lon -= 360 }
            return GeoPoint(longitude: lon, latitude: min(90, latitude + rng.uniform(-span / 2, span / 2)))
        }
        let centred = points.map(EarthCenteredPoint.init)
        let order = SpatialOrder.order(centred)
        #expect(Set(order).count == points.count && order.allSatisfy { $0 >= 0 && Int($0) < points.count })
        func pathMeters(_ indices: [Int]) -> Double {
            zip(indices, indices.dropFirst()).reduce(0) { $0 + centred[$1.0].chordMeters(to: centred[$1.1]) }
        }
        let ordered = pathMeters(order.map(Int.init)), input = pathMeters(Array(points.indices))
        #expect(ordered < input / 20, "k-d path \(ordered) m, input path \(input) m")
    }

    /// Ranks number the valid points 0..<n in order; missing and invalid points get none.
    @Test func ranksSkipMissingAndInvalidPoints() {
        var rng = SplitMix64(seed: 8)
        var points: [GeoPoint?] = (0..<300).map { _ in rng.point() }
        points[3] = nil
        points[10] = GeoPoint(longitude: 0, latitude: 91)
        points[20] = GeoPoint(longitude: .nan, latitude: 0)
        let ranks = SpatialOrder.ranks(points)
        #expect(ranks.count == 300)
        #expect(ranks[3] == nil && ranks[10] == nil && ranks[20] == nil)
        let given = ranks.compactMap { $0 }
        #expect(given.count == 297 && Set(given) == Set((0..<297).map(UInt32.init)))
        // The same as the order of the valid points.
        let valid = points.indices.filter { ranks[$0] != nil }
        let order = SpatialOrder.order(valid.compactMap { points[$0] }.map(EarthCenteredPoint.init))
        for (rank, index) in order.enumerated() { #expect(ranks[valid[Int(index)]] == UInt32(rank)) }
        #expect(SpatialOrder.ranks([]).isEmpty)
        #expect(SpatialOrder.order([]).isEmpty)
    }
}
