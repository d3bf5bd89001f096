import Foundation
import Geodesy
import Testing
import QamtuTestSupport

@Suite("Bounding box around a point")
struct BoundingBoxTests {
    static func contained(_ p: GeoPoint, _ boxes: [BoundingBox]) -> Bool {
        boxes.contains { $0.contains(p) }
    }

    /// 1 500 random centres (uniform, within 0.5° of a pole, within 0.5° of ±180°) and
    /// radii from 1 m to 3 000 km: every point on the geodesic circle (72 azimuths) and
    /// random points inside it lies in one of the boxes. Boxes stay within the valid
    /// ranges and never cross ±180°.
    @Test func containsEveryPointWithinTheRadius() {
        var rng = SplitMix64(seed: 99)
        for i in 0..<1500 {
            var center = rng.point()
            if i % 3 == 1 { center.latitude = (i % 2 == 0 ? 1 : -1) * (90 - rng.uniform(0, 0.5)) }
            if i % 3 == 2 { center.longitude = (i % 2 == 0 ? 1 : -1) * (180 - rng.uniform(0, 0.5)) }
            let radius = rng.logUniform(0, 6.5)
            let boxes = BoundingBox.around(center, radiusMeters: radius)
            #expect(boxes.count == 1 || boxes.count == 2)
            for box in boxes {
                #expect(box.minLongitude >= -180 && box.maxLongitude <= 180)
                #expect(box.minLongitude <= box.maxLongitude)
                #expect(box.minLatitude >= -90 && box.maxLatitude <= 90)
                #expect(box.minLatitude <= box.maxLatitude)
            }
            #expect(Self.contained(center, boxes))
            for k in 0..<72 {
                let azimuth = Double(k) * 5
                let edge = Geodesic.destination(from: center, azimuthDegrees: azimuth, distanceMeters: radius)
                #expect(Self.contained(edge, boxes), "\(center) r=\(radius) az=\(azimuth) \(edge) \(boxes)")
                let inside = Geodesic.destination(
                    from: center, azimuthDegrees: rng.uniform(0, 360),
                    distanceMeters: radius * rng.uniform(0, 1))
                #expect(Self.contained(inside, boxes), "\(center) r=\(radius) \(inside) \(boxes)")
            }
        }
    }

    /// The boxes are not much larger than the region: the latitude range matches the
    /// circle's north and south points to 1e-8°, and the longitude half-width exceeds
    /// the sampled extent (720 azimuths) by at most 1.5 %, away from the poles
    /// (latitudes within ±80°, radii up to 500 km).
    @Test func isReasonablyTight() throws {
        var rng = SplitMix64(seed: 5)
        for _ in 0..<200 {
            let center = lonLat(rng.uniform(-170, 170), rng.uniform(-80, 80))
            let radius = rng.logUniform(2, 5.7)
            let boxes = BoundingBox.around(center, radiusMeters: radius)
            try #require(boxes.count == 1)
            let box = boxes[0]
            var minLat = 90.0
            var maxLat = -90.0
            var maxDLon = 0.0
            for k in 0..<720 {
                let p = Geodesic.destination(
                    from: center, azimuthDegrees: Double(k) / 2, distanceMeters: radius)
                minLat = min(minLat, p.latitude)
                maxLat = max(maxLat, p.latitude)
                maxDLon = max(maxDLon, abs(remainder(p.longitude - center.longitude, 360)))
            }
            #expect(abs(box.maxLatitude - maxLat) <= 1e-8)
            #expect(abs(box.minLatitude - minLat) <= 1e-8)
            let halfWidth = (box.maxLongitude - box.minLongitude) / 2
            #expect(halfWidth >= maxDLon)
            #expect(halfWidth <= maxDLon * 1.015 + 1e-8, "\(center) \(radius)")
        }
    }

    /// Crossing the antimeridian gives two boxes meeting at ±180°.
    @Test func splitsAtTheAntimeridian() throws {
        let boxes = BoundingBox.around(lonLat(179.99, 10), radiusMeters: 5000)
        try #require(boxes.count == 2)
        #expect(boxes[0].maxLongitude == 180 && boxes[0].minLongitude > 179.9)
        #expect(boxes[1].minLongitude == -180 && boxes[1].maxLongitude < -179.9)
        #expect(boxes[0].minLatitude == boxes[1].minLatitude)
        let west = BoundingBox.around(lonLat(-179.99, -10), radiusMeters: 5000)
        try #require(west.count == 2)
        #expect(west[0].maxLongitude == 180 && west[1].minLongitude == -180)
        #expect(west[0].contains(lonLat(179.999, -10)) && west[1].contains(lonLat(-179.98, -10)))
    }

    /// A radius that reaches a pole gives one box over all longitudes up to the pole.
    @Test func expandsToAllLongitudesAtThePoles() {
        // 89.99° N is 1 116.9 m from the pole along the meridian.
        let north = BoundingBox.around(lonLat(45, 89.99), radiusMeters: 1200)
        #expect(north == [BoundingBox(
            minLongitude: -180, minLatitude: north[0].minLatitude, maxLongitude: 180, maxLatitude: 90)])
        #expect(north[0].minLatitude < 89.98 && north[0].minLatitude > 89.97)
        let south = BoundingBox.around(lonLat(0, -89.5), radiusMeters: 60_000)
        #expect(south.count == 1 && south[0].minLatitude == -90 && south[0].minLongitude == -180)
        // Short of the pole: bounded longitudes.
        let near = BoundingBox.around(lonLat(45, 89.99), radiusMeters: 1000)
        #expect(near.count == 1 && near[0].maxLatitude < 90 && near[0].maxLongitude - near[0].minLongitude < 180)
    }

    @Test func zeroRadiusIsThePoint() throws {
        let p = lonLat(-45.25, 12.5)
        let boxes = BoundingBox.around(p, radiusMeters: 0)
        try #require(boxes.count == 1)
        #expect(boxes[0].contains(p))
        #expect(boxes[0].maxLongitude - boxes[0].minLongitude <= 1e-8)
        #expect(boxes[0].maxLatitude - boxes[0].minLatitude <= 1e-8)
    }

    @Test func invalidInputGivesNoBoxes() {
        #expect(BoundingBox.around(lonLat(0, 0), radiusMeters: -1).isEmpty)
        #expect(BoundingBox.around(lonLat(0, 0), radiusMeters: .nan).isEmpty)
        #expect(BoundingBox.around(lonLat(0, 0), radiusMeters: .infinity).isEmpty)
        #expect(BoundingBox.around(lonLat(0, 95), radiusMeters: 10).isEmpty)
        #expect(BoundingBox.around(lonLat(.nan, 0), radiusMeters: 10).isEmpty)
    }

    @Test func containsNormalisesLongitude() {
        let box = BoundingBox(minLongitude: -180, minLatitude: -1, maxLongitude: -179, maxLatitude: 1)
        #expect(box.contains(lonLat(180, 0)))
        #expect(box.contains(lonLat(540.5 - 360 * 2 + 360, 0)))  // 180.5 ≡ -179.5
        #expect(!box.contains(lonLat(179.5, 0)))
        #expect(!box.contains(lonLat(-179.5, 1.5)))
    }
    /// Intersections of plain boxes and of boxes across the antimeridian (degrees, lon/lat).
    @Test func intersectionsKeepTheCommonParts() {
        func box(_ w: Double, _ s: Double, _ e: Double, _ n: Double) -> BoundingBox {
            BoundingBox(minLongitude: w, minLatitude: s, maxLongitude: e, maxLatitude: n)
        }
        #expect(box(0, 0, 10, 10).intersection(box(5, -5, 20, 5)) == [box(5, 0, 10, 5)])
        #expect(box(0, 0, 10, 10).intersection(box(11, 0, 20, 10)).isEmpty)
        #expect(box(0, 0, 10, 10).intersection(box(0, 11, 10, 20)).isEmpty)
        #expect(box(0, 0, 10, 10).intersection(box(10, 10, 20, 20)) == [box(10, 10, 10, 10)])
        // Across 180°: one side, both sides, and two wide boxes that meet at both ends.
        #expect(box(170, -10, -170, 10).intersection(box(-175, 0, -160, 5)) == [box(-175, 0, -170, 5)])
        #expect(box(170, -10, -170, 10).intersection(box(-180, 0, 180, 5)) == [box(170, 0, 180, 5), box(-180, 0, -170, 5)])
        #expect(box(170, -10, -170, 10).intersection(box(175, -20, -175, 20)) == [box(175, -10, 180, 10), box(-180, -10, -175, 10)])
        #expect(box(160, 0, -160, 1).intersection(box(-170, 0, 170, 1)) == [box(160, 0, 170, 1), box(-170, 0, -160, 1)])
        #expect(box(170, -10, -170, 10).intersection(box(-10, -10, 10, 10)).isEmpty)
    }
}
