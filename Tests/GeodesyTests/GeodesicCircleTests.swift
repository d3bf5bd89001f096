import Foundation
import Geodesy
import Testing
import QamtuTestSupport

@Suite("Polygons enclosing a geodesic circle")
struct GeodesicCircleTests {
    static func inside(_ p: GeoPoint, _ ring: [GeoPoint]) -> Bool {
        planarRingsContain(x: p.longitude, y: p.latitude, rings: [ring.map { (x: $0.longitude, y: $0.latitude) }])
    }

    /// Twice the signed planar area of a closed ring (positive: counter-clockwise).
    static func signedArea2(_ ring: [GeoPoint]) -> Double {
        var sum = 0.0
        for i in 0..<(ring.count - 1) {
            sum += ring[i].longitude * ring[i + 1].latitude - ring[i + 1].longitude * ring[i].latitude
        }
        return sum
    }

    static func contained(_ p: GeoPoint, _ rings: [[GeoPoint]]) -> Bool {
        let q = p.normalized
        // A point on ±180° may be written as either; test both spellings.
        let alternatives = q.longitude == -180 ? [q, GeoPoint(longitude: 180, latitude: q.latitude)] : [q]
        return alternatives.contains { point in rings.contains { inside(point, $0) } }
    }

    /// 1 200 random circles (centres to ±85°, a third within 0.3° of ±180°; radii 1 m to 500 km;
    /// 8 to 360 segments): every sampled point at exactly the radius — at the mid-azimuth between
    /// two vertices, where an inscribed polygon would fall short most, and at random azimuths — lies
    /// strictly inside the polygons. Rings are closed, counter-clockwise, within ±180°, and a single
    /// ring is convex.
    @Test func containsEveryPointOfTheCircle() {
        var rng = SplitMix64(seed: 7)
        let segmentChoices = [8, 16, 64, 360]
        for i in 0..<1200 {
            var center = GeoPoint(longitude: rng.uniform(-180, 180), latitude: rng.uniform(-85, 85))
            if i % 3 == 2 { center.longitude = (i % 2 == 0 ? 1 : -1) * (180 - rng.uniform(0, 0.3)) }
            let radius = rng.logUniform(0, 5.7)
            let segments = segmentChoices[i % segmentChoices.count]
            let rings = GeodesicCircle.enclosingRings(center: center, radiusMeters: radius, segments: segments)
            #expect(!rings.isEmpty && rings.count <= 2)
            for ring in rings {
                #expect(ring.count >= 4 && ring.first == ring.last)
                #expect(Self.signedArea2(ring) > 0, "not counter-clockwise: \(center) r=\(radius)")
                #expect(ring.allSatisfy { (-180...180).contains($0.longitude) && (-90...90).contains($0.latitude) })
            }
            if rings.count == 1 {
                let ring = rings[0]
                var convex = true
                for k in 0..<(ring.count - 1) {
                    let a = ring[k], b = ring[k + 1], c = ring[(k + 2) % (ring.count - 1)]
                    let cross = (b.longitude - a.longitude) * (c.latitude - b.latitude)
                        - (b.latitude - a.latitude) * (c.longitude - b.longitude)
                    if cross < -1e-15 { convex = false }
                }
                #expect(convex, "\(center) r=\(radius)")
            }
            #expect(Self.contained(center, rings))
            let step = 360.0 / Double(segments)
            for k in 0..<segments {
                for azimuth in [Double(k) * step + step / 2, rng.uniform(0, 360)] {
                    let edge = Geodesic.destination(from: center, azimuthDegrees: azimuth, distanceMeters: radius)
                    #expect(Self.contained(edge, rings), "\(center) r=\(radius) n=\(segments) az=\(azimuth)")
                }
            }
        }
    }

    /// The polygon is tight: all vertices lie at one distance, between r / cos(π/n) · (1 + 10⁻⁴) + 0.5 m
    /// and r / cos(π/n) · (1 + 2·10⁻⁴) + 0.5 m for an 8 km circle at 43° N.
    @Test func verticesLieJustOutsideTheCircle() {
        let center = GeoPoint(longitude: 71.4, latitude: 42.9)
        let radius = 8_000.0
        let rings = GeodesicCircle.enclosingRings(center: center, radiusMeters: radius, segments: 64)
        #expect(rings.count == 1)
        #expect(rings[0].count == 65)
        let planar = radius / cos(Double.pi / 64)
        let distances = rings[0].map { Geodesic.distanceMeters(center, $0) }
        let first = distances[0]
        #expect(first > planar * (1 + 1e-4) + 0.5 && first < planar * (1 + 2e-4) + 0.5)
        #expect(distances.allSatisfy { abs($0 - first) < 1e-6 })
    }

    /// A circle across ±180° becomes two polygons that meet on the meridian.
    @Test func cutsAtTheAntimeridian() {
        let rings = GeodesicCircle.enclosingRings(center: GeoPoint(longitude: 179.98, latitude: -17.7),
                                                  radiusMeters: 5_000, segments: 64)
        #expect(rings.count == 2)
        #expect(rings[0].contains { $0.longitude == 180 } && rings[0].allSatisfy { $0.longitude > 179 })
        #expect(rings[1].contains { $0.longitude == -180 } && rings[1].allSatisfy { $0.longitude < -179 })
        let west = GeodesicCircle.enclosingRings(center: GeoPoint(longitude: -179.99, latitude: 65),
                                                 radiusMeters: 20_000, segments: 32)
        #expect(west.count == 2)
    }

    /// Near a pole the conservative boxes are used; one reaching the pole spans every longitude.
    @Test func usesBoxesNearAPole() {
        let rings = GeodesicCircle.enclosingRings(center: GeoPoint(longitude: 10, latitude: 89.9),
                                                  radiusMeters: 30_000)
        #expect(rings.count == 1)
        #expect(rings[0].count == 5)
        #expect(rings[0].map(\.latitude).max() == 90)
        #expect(Set(rings[0].map(\.longitude)) == [-180, 180])
        #expect(Self.contained(GeoPoint(longitude: -170, latitude: 89.95), rings))
    }

    @Test func rejectsInvalidInput() {
        #expect(GeodesicCircle.enclosingRings(center: GeoPoint(longitude: 0, latitude: 91), radiusMeters: 10).isEmpty)
        #expect(GeodesicCircle.enclosingRings(center: GeoPoint(longitude: 0, latitude: 0), radiusMeters: -1).isEmpty)
        #expect(GeodesicCircle.enclosingRings(center: GeoPoint(longitude: 0, latitude: 0), radiusMeters: .infinity).isEmpty)
        // A zero radius still gives a small polygon around the centre (the half-metre margin).
        let dot = GeodesicCircle.enclosingRings(center: GeoPoint(longitude: 0, latitude: 0), radiusMeters: 0, segments: 8)
        #expect(dot.count == 1 && dot[0].count == 9)
    }
}
