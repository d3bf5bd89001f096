@testable import Corridor
import GeoModel
import Geodesy
import Testing

@Suite("Road referencing along (Multi)LineString roads")
struct RoadReferencingTests {
    /// Part lengths against GeographicLib 2.1 (make_reference.py), within 1 µm.
    @Test(arguments: ["bent", "mirrored", "antimeridian"])
    func partLengthsMatchGeographicLib(name: String) throws {
        let road = try referenceRoad(name)
        let expected = try #require(CorridorReferenceData.partLengths[name])
        #expect(road.parts.count == expected.count)
        var start = 0.0
        for (k, length) in expected.enumerated() {
            #expect(abs(road.parts[k].lengthMeters - length) <= 1e-6)
            #expect(abs(road.partStartChainagesMeters[k] - start) <= 1e-6)
            start += length
        }
        #expect(abs(road.lengthMeters - start) <= 1e-6)
    }

    /// Offsets within 1 µm, chainages within 10 µm and nearest points within 10 µm of the
    /// GeographicLib reference (perpendicular feet found by bisection; make_reference.py).
    @Test(arguments: CorridorReferenceData.locations.indices)
    func locateMatchesGeographicLib(index: Int) throws {
        let reference = CorridorReferenceData.locations[index]
        let road = try referenceRoad(reference.road)
        let location = road.locate(reference.query)
        #expect(abs(location.offsetMeters - reference.offset) <= 1e-6, "\(reference.what)")
        #expect(abs(location.chainageMeters - reference.chainage) <= 1e-5, "\(reference.what)")
        #expect(location.partIndex == reference.part, "\(reference.what)")
        #expect(Geodesic.distanceMeters(location.point, reference.nearest) <= 1e-5, "\(reference.what)")
        // The offset is the distance to the reported point.
        #expect(abs(Geodesic.distanceMeters(reference.query, location.point) - location.offsetMeters) <= 1e-8)
        // The thresholded lookup agrees, and rejects the point just below its offset.
        #expect(road.locate(reference.query, withinMeters: location.offsetMeters + 1e-3) == location)
        #expect(road.locate(reference.query, withinMeters: location.offsetMeters - 1e-3) == nil)
        // The cheap bound never exceeds the offset.
        #expect(road.lowerBoundDistanceMeters(reference.query) <= location.offsetMeters)
    }

    @Test func siteBeyondEitherEndMapsToTheEndVertexExactly() throws {
        let road = try referenceRoad("bent")
        let vertices = road.parts[0].vertices
        let start = road.locate(p(71.25, 42.88))
        #expect(start.chainageMeters == 0)
        #expect(start.point == vertices[0])
        #expect(start.segmentIndex == 0)
        let end = road.locate(p(71.76, 43.00))
        #expect(end.chainageMeters == road.lengthMeters)
        #expect(end.point == vertices[vertices.count - 1])
        #expect(end.segmentIndex == 3)
        // GeographicLib: 4649.523167908801 m and 5017.388147509727 m.
        #expect(abs(start.offsetMeters - 4649.523167908801) <= 1e-6)
        #expect(abs(end.offsetMeters - 5017.388147509727) <= 1e-6)
    }

    @Test func siteNearestToAVertexProjectsOntoThatVertex() throws {
        let road = try referenceRoad("bent")
        let location = road.locate(p(71.555, 42.895))
        #expect(location.point == road.parts[0].vertices[2])
        // A point exactly at interior vertex k lies on the segment starting there.
        #expect(location.segmentIndex == 2)
        #expect(location.chainageMeters == road.parts[0].cumulativeLengthsMeters[2])
        #expect(abs(location.chainageMeters - 21193.784929872952) <= 1e-6)
        #expect(abs(location.offsetMeters - 1715.6669168863978) <= 1e-6)
    }

    /// Two parts mirrored about the meridian 73° E: a site on that meridian is exactly as
    /// far from both, and the part with the smaller chainage wins.
    @Test func siteEquidistantFromTwoPartsTakesTheSmallerChainage() throws {
        let road = try referenceRoad("mirrored")
        let query = p(73.0, 43.0)
        let onPart0 = road.parts[0].locate(query)
        let onPart1 = road.parts[1].locate(query)
        #expect(abs(onPart0.offsetMeters - onPart1.offsetMeters) <= 1e-9)
        let location = road.locate(query)
        #expect(location.partIndex == 0)
        #expect(location.chainageMeters == onPart0.chainageMeters)
        #expect(abs(location.chainageMeters - 22223.010609575424) <= 1e-5)
        #expect(abs(location.offsetMeters - 8154.094850194018) <= 1e-6)
        // Between the end of part 0 and the start of part 1, both at chainage len(part 0).
        let between = road.locate(p(73.0, 43.25))
        #expect(between.partIndex == 0)
        #expect(between.point == road.parts[0].vertices[1])
        #expect(between.chainageMeters == road.parts[0].lengthMeters)
    }

    /// The 16 km between the parts is not road: chainage runs on from the end of part 0
    /// to the start of part 1, and positions jump.
    @Test func multiLineStringWithAGapBetweenItsParts() throws {
        let road = try referenceRoad("mirrored")
        let length0 = road.parts[0].lengthMeters
        #expect(road.partStartChainagesMeters == [0, length0])
        #expect(road.lengthMeters == length0 + road.parts[1].lengthMeters)
        // ~88.9 km of road, not 88.9 + 16.
        #expect(abs(road.lengthMeters - (44437.09462097701 + 44437.094620977026)) <= 1e-6)
        #expect(road.point(atChainageMeters: length0) == p(72.9, 43.2))
        #expect(road.point(atChainageMeters: length0, partIndex: 1) == p(73.1, 43.2))
        #expect(road.partIndex(atChainageMeters: length0) == 0)
        #expect(road.partIndex(atChainageMeters: length0 + 1e-6) == 1)
        #expect(road.point(atChainageMeters: road.lengthMeters) == p(73.1, 42.8))
        let near1 = road.locate(p(73.12, 42.9))
        #expect(near1.partIndex == 1)
        #expect(abs(near1.chainageMeters - 77765.01373764512) <= 1e-5)
        // Chainage on part 1 is len(part 0) plus the distance along part 1.
        #expect(abs(near1.chainageMeters - (length0 + road.parts[1].locate(p(73.12, 42.9)).chainageMeters)) <= 1e-9)
        #expect(road.partStretches == [
            RoadStretch(partIndex: 0, fromMeters: 0, toMeters: length0),
            RoadStretch(partIndex: 1, fromMeters: length0, toMeters: road.lengthMeters),
        ])
    }

    @Test func roadCrossingTheAntimeridian() throws {
        let road = try referenceRoad("antimeridian")
        // 13.1 km, not the 359.75° the other way round.
        #expect(abs(road.lengthMeters - 13130.333058421398) <= 1e-6)
        let north = road.locate(p(179.99, 65.06))
        #expect(north.point.longitude < -179.98 && north.point.longitude > -180)
        #expect(abs(north.offsetMeters - 4008.5055870441424) <= 1e-6)
        // A query given as 180.01 is the same place as -179.99.
        let wrapped = road.locate(p(180.01, 64.99))
        let plain = road.locate(p(-179.99, 64.99))
        #expect(abs(wrapped.chainageMeters - plain.chainageMeters) <= 1e-6)
        #expect(abs(wrapped.offsetMeters - 3742.748054227935) <= 1e-6)
        // The road point at a chainage just past 180° is east of it.
        let east = road.point(atChainageMeters: 6200)
        #expect(east.longitude > -180 && east.longitude < -179.9)
    }

    @Test func geometryInitializer() throws {
        let line: [GeoPoint] = [p(71.3, 42.9), p(71.42, 42.93)]
        let fromLine = try CorridorRoad(geometry: .lineString(line))
        let fromMulti = try CorridorRoad(geometry: .multiLineString([line]))
        #expect(fromLine.lengthMeters == fromMulti.lengthMeters)
        #expect(throws: CorridorError.notALine(geometryType: "Polygon")) {
            try CorridorRoad(geometry: .polygon([[p(0, 0), p(1, 0), p(1, 1), p(0, 0)]]))
        }
        #expect(throws: CorridorError.notALine(geometryType: "Point")) {
            try CorridorRoad(geometry: .point(p(0, 0)))
        }
    }

    @Test func badRoadsAreRejectedWithTheirPosition() throws {
        #expect(throws: CorridorError.emptyRoad) { try CorridorRoad(parts: []) }
        #expect(throws: CorridorError.emptyPart(1)) { try CorridorRoad(parts: [[p(71, 43)], []]) }
        let bad = p(71.5, 95)
        do {
            _ = try CorridorRoad(parts: [[p(71, 43), p(71.1, 43)], [p(71.2, 43), bad]])
            Issue.record("accepted a latitude of 95°")
        } catch {
            #expect(error == .invalidVertex(part: 1, index: 1, point: bad))
            #expect(error.partIndex == 1)
            #expect(error.vertexIndex == 1)
            #expect(error.description.contains("vertex 1 of part 1"))
        }
        let nan = #expect(throws: CorridorError.self) { try CorridorRoad(parts: [[p(.nan, 43)]]) }
        #expect(nan?.partIndex == 0 && nan?.vertexIndex == 0)
    }

    @Test func onePointPartAndInvalidQueries() throws {
        let road = try CorridorRoad(parts: [[p(71.0, 43.0)], [p(71.1, 43.0), p(71.2, 43.0)]])
        #expect(road.parts[0].lengthMeters == 0)
        #expect(road.partStartChainagesMeters == [0, 0])
        let near0 = road.locate(p(70.99, 43.0))
        #expect(near0.partIndex == 0)
        #expect(near0.chainageMeters == 0)
        let invalid = road.locate(p(71, 91))
        #expect(invalid.offsetMeters.isNaN && invalid.chainageMeters.isNaN)
        #expect(road.locate(p(71, 91), withinMeters: 1e9) == nil)
        #expect(road.lowerBoundDistanceMeters(p(.infinity, 0)).isNaN)
    }
}
