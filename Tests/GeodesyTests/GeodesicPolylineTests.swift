import Foundation
import Geodesy
import Testing
import QamtuTestSupport

@Suite("Geodesic polyline and line referencing")
struct GeodesicPolylineTests {
    static func polyline(_ text: String) throws -> GeodesicPolyline {
        try GeodesicPolyline(vertices: rows(text).map { lonLat(number($0[1]), number($0[0])) })
    }

    static func reference(_ name: String) throws -> GeodesicPolyline {
        let entry = try #require(GeodesyReferenceData.polylines.first { $0.name == name })
        return try polyline(entry.vertices)
    }

    /// Against GeographicLib 2.1 (GeodesyReferenceData.swift): three roads of 110–200 km
    /// with 50–80 segments of 0.5–5 km (near the equator in Kenya; in Chukotka across the
    /// 180° meridian; at 84.5° N), queries offset 1 m – 50 km plus one beyond each end.
    /// Offset within 1e-5 m, chainage within 1e-4 m, nearest point within 1e-4 m.
    @Test(arguments: ["equatorialAfrica", "antimeridian", "arctic"])
    func matchesGeographicLib(name: String) throws {
        let line = try Self.reference(name)
        let queries = rows(GeodesyReferenceData.polylineQueries).filter { $0[0] == name }
        #expect(queries.count == 12)
        for f in queries {
            let q = lonLat(number(f[2]), number(f[1]))
            let location = line.locate(q)
            #expect(abs(location.offsetMeters - number(f[3])) <= 1e-5, "\(f)")
            #expect(abs(location.chainageMeters - number(f[4])) <= 1e-4, "\(f)")
            let expected = lonLat(number(f[6]), number(f[5]))
            #expect(Geodesic.distanceMeters(location.point, expected) <= 1e-4, "\(f)")
            // The reported offset is the distance to the reported point.
            #expect(abs(Geodesic.distanceMeters(q, location.point) - location.offsetMeters) <= 1e-9)
            // The chainage and segment index agree with the vertices' chainages.
            let i = location.segmentIndex
            #expect(line.cumulativeLengthsMeters[i] <= location.chainageMeters + 1e-9)
            #expect(location.chainageMeters <= line.cumulativeLengthsMeters[i + 1] + 1e-9)
        }
        // The last two queries lie beyond the start and the end; where the reference says
        // the nearest point is an end (on the winding arctic road the second is nearer
        // to another part of the line), it must be exactly that end vertex.
        var ends = 0
        for f in queries.suffix(2) {
            let location = line.locate(lonLat(number(f[2]), number(f[1])))
            if number(f[4]) == 0 {
                #expect(location.chainageMeters == 0 && location.segmentIndex == 0)
                #expect(location.point == line.vertices[0])
                ends += 1
            } else if abs(number(f[4]) - line.lengthMeters) <= 1e-6 {
                #expect(location.chainageMeters == line.lengthMeters)
                #expect(location.segmentIndex == line.segmentCount - 1)
                #expect(location.point == line.vertices[line.vertices.count - 1])
                ends += 1
            }
        }
        #expect(ends >= 1)
    }

    /// Brute force: the minimum distance over samples of the line, 250 m apart
    /// everywhere and then 1 m apart within ±250 m of every coarse sample that could be
    /// near the minimum (a coarse sample within 250 m of the best one), plus every vertex
    /// in those windows (where the distance has a corner).
    static func bruteForce(_ line: GeodesicPolyline, _ q: GeoPoint) -> (offset: Double, chainage: Double) {
        func distance(at chainage: Double) -> Double {
            Geodesic.distanceMeters(q, line.point(atChainageMeters: chainage))
        }
        let coarse = stride(from: 0.0, through: line.lengthMeters, by: 250).map { ($0, distance(at: $0)) }
            + [(line.lengthMeters, distance(at: line.lengthMeters))]
        let coarseBest = coarse.map(\.1).min() ?? .infinity
        var best = (offset: Double.infinity, chainage: 0.0)
        for (c, d) in coarse where d <= coarseBest + 250 {
            let window = (c - 250)...(c + 250)
            let vertices = line.cumulativeLengthsMeters.filter { window.contains($0) }
            for chainage in (-250...250).map({ min(line.lengthMeters, max(0, c + Double($0))) }) + vertices {
                let dk = distance(at: chainage)
                if dk < best.offset { best = (dk, chainage) }
            }
        }
        return best
    }

    /// Brute-force check on two synthetic roads: one across the antimeridian at 66° N
    /// and one through the pole region (passing within 2 km of the north pole), with
    /// queries up to 50 km off the line. The located offset is never larger than any
    /// sample's distance (within 1e-6 m) and smaller than the best sample's by no more
    /// than the sampling allows (`√(d² + 0.5²) − d` for samples 1 m apart); the chainage
    /// is within 1 m of the best sample's.
    @Test(arguments: ["antimeridian", "polar"])
    func agreesWithBruteForce(road: String) throws {
        let vertices: [GeoPoint]
        if road == "antimeridian" {
            var rng = SplitMix64(seed: 42)
            var v = [lonLat(178.6, 66.2)]
            var azimuth = 80.0
            for _ in 0..<40 {
                let last = v[v.count - 1]
                let line = GeodesicLine(start: last, azimuthDegrees: azimuth)
                let (next, arriving) = line.positionAndAzimuth(atDistanceMeters: rng.uniform(500, 5000))
                v.append(next)
                azimuth = arriving + rng.uniform(-30, 30)
            }
            vertices = v
        } else {
            vertices = [
                lonLat(0, 89.70), lonLat(20, 89.85), lonLat(60, 89.95), lonLat(170, 89.99),
                lonLat(-100, 89.96), lonLat(-60, 89.88), lonLat(-40, 89.75),
            ]
        }
        let line = try GeodesicPolyline(vertices: vertices)
        var rng = SplitMix64(seed: road == "polar" ? 8 : 9)
        for _ in 0..<8 {
            let along = line.point(atChainageMeters: rng.uniform(0, line.lengthMeters))
            let q = Geodesic.destination(
                from: along, azimuthDegrees: rng.uniform(0, 360), distanceMeters: rng.logUniform(0, 4.7))
            let location = line.locate(q)
            let brute = Self.bruteForce(line, q)
            #expect(location.offsetMeters <= brute.offset + 1e-6, "\(q)")
            let sampling = (brute.offset * brute.offset + 0.25).squareRoot() - brute.offset
            #expect(location.offsetMeters >= brute.offset - sampling - 1e-6, "\(q)")
            #expect(abs(location.chainageMeters - brute.chainage) <= 1, "\(q)")
        }
    }

    /// A right-angle corner: a point outside it, on the bisector, is nearest to the
    /// corner vertex itself, reported on the segment that starts there.
    @Test func nearestToAVertex() throws {
        let a = lonLat(20, -10)
        let b = Geodesic.destination(from: a, azimuthDegrees: 0, distanceMeters: 3000)
        let turn = Geodesic.inverse(a, b).finalAzimuthDegrees + 90
        let c = Geodesic.destination(from: b, azimuthDegrees: turn, distanceMeters: 3000)
        let line = try GeodesicPolyline(vertices: [a, b, c])
        // Outside the corner: away from both segments.
        let q = Geodesic.destination(from: b, azimuthDegrees: turn - 135, distanceMeters: 700)
        let location = line.locate(q)
        #expect(location.point == b)
        #expect(location.segmentIndex == 1)
        #expect(location.chainageMeters == line.cumulativeLengthsMeters[1])
        #expect(abs(location.offsetMeters - 700) <= 1e-6)
    }

    /// On the line: offset 0 (within 1e-6 m) and the chainage it was placed at (within
    /// 1e-6 m), at 200 random chainages.
    @Test func pointsOnTheLine() throws {
        let line = try Self.reference("antimeridian")
        var rng = SplitMix64(seed: 1)
        for _ in 0..<200 {
            let chainage = rng.uniform(0, line.lengthMeters)
            let location = line.locate(line.point(atChainageMeters: chainage))
            #expect(location.offsetMeters <= 1e-6)
            #expect(abs(location.chainageMeters - chainage) <= 1e-6)
        }
        for (i, v) in line.vertices.enumerated() {
            let location = line.locate(v)
            #expect(location.offsetMeters == 0)
            #expect(location.chainageMeters == line.cumulativeLengthsMeters[i])
        }
    }

    /// A segment across 180° along the equator: 1° of longitude is a·π/180 metres.
    @Test func acrossTheAntimeridian() throws {
        let line = try GeodesicPolyline(vertices: [lonLat(179.5, 0), lonLat(-179.5, 0)])
        #expect(abs(line.lengthMeters - 6_378_137 * .pi / 180) <= 1e-8)
        let location = line.locate(lonLat(180, 0.01))
        #expect(abs(location.chainageMeters - line.lengthMeters / 2) <= 1e-6)
        #expect(abs(abs(location.point.longitude) - 180) <= 1e-11)
        #expect(abs(location.point.latitude) <= 1e-12)
        // Meridional distance of 0.01° at the equator (GeographicLib 2.1: 1105.7427582 m).
        #expect(abs(location.offsetMeters - 1105.742_758_2) <= 1e-6)
        let middle = line.point(atChainageMeters: line.lengthMeters / 2)
        #expect(abs(abs(middle.longitude) - 180) <= 1e-12)
    }

    @Test func chainageToPointAndSubline() throws {
        let line = try Self.reference("equatorialAfrica")
        #expect(line.point(atChainageMeters: -5) == line.vertices[0])
        #expect(line.point(atChainageMeters: 1e9) == line.vertices[line.vertices.count - 1])
        #expect(line.point(atChainageMeters: line.cumulativeLengthsMeters[7]) == line.vertices[7])
        #expect(line.point(atChainageMeters: .nan).latitude.isNaN)
        let part = line.subline(fromMeters: 10_000, toMeters: 30_000)
        #expect(part.first == line.point(atChainageMeters: 10_000))
        #expect(part.last == line.point(atChainageMeters: 30_000))
        let inner = line.cumulativeLengthsMeters.filter { $0 > 10_000 && $0 < 30_000 }.count
        #expect(part.count == inner + 2)
        let partLine = try GeodesicPolyline(vertices: part)
        #expect(abs(partLine.lengthMeters - 20_000) <= 1e-6)
        #expect(line.subline(fromMeters: 30_000, toMeters: 10_000) == part.reversed())
        #expect(line.subline(fromMeters: 5000, toMeters: 5000).count == 2)
        #expect(line.subline(fromMeters: -10, toMeters: 1e12).count == line.vertices.count)
        #expect(line.subline(fromMeters: .nan, toMeters: 1).isEmpty)
    }

    @Test func degeneratePolylines() throws {
        let single = try GeodesicPolyline(vertices: [lonLat(5, 5)])
        #expect(single.lengthMeters == 0 && single.segmentCount == 0)
        let location = single.locate(lonLat(6, 5))
        #expect(location.point == lonLat(5, 5) && location.segmentIndex == 0 && location.chainageMeters == 0)
        #expect(abs(location.offsetMeters - Geodesic.distanceMeters(lonLat(6, 5), lonLat(5, 5))) <= 1e-9)
        #expect(single.point(atChainageMeters: 100) == lonLat(5, 5))
        #expect(single.subline(fromMeters: 0, toMeters: 10) == [lonLat(5, 5), lonLat(5, 5)])
        // Repeated vertices make zero-length segments and change nothing else.
        let repeated = try GeodesicPolyline(vertices: [lonLat(0, 0), lonLat(0, 0), lonLat(1, 0), lonLat(1, 0)])
        #expect(abs(repeated.lengthMeters - 6_378_137 * .pi / 180) <= 1e-8)
        let r = repeated.locate(lonLat(0.5, 0.001))
        #expect(abs(r.chainageMeters - repeated.lengthMeters / 2) <= 1e-6)
        #expect(r.segmentIndex == 1)
    }

    @Test func invalidInput() throws {
        #expect(throws: GeodesyError.emptyPolyline) { try GeodesicPolyline(vertices: []) }
        let bad = lonLat(0, 91)
        do {
            _ = try GeodesicPolyline(vertices: [lonLat(0, 0), lonLat(1, 1), bad])
            Issue.record("expected an error")
        } catch {
            #expect(error == .invalidCoordinate(index: 2, point: bad))
            #expect(error.index == 2)
            #expect(error.description.contains("vertex 2"))
        }
        let line = try GeodesicPolyline(vertices: [lonLat(0, 0), lonLat(1, 1)])
        let location = line.locate(lonLat(0, .nan))
        #expect(location.offsetMeters.isNaN && location.chainageMeters.isNaN)
    }
}
