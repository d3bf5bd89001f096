@testable import Corridor
import Geodesy
import Testing
import QamtuTestSupport

@Suite("Covered and uncovered stretches of a road")
struct CoverageTests {
    /// Boundaries of the covered stretches within 10 µm of GeographicLib (distance sampled
    /// every 2 m, crossings refined by bisection; make_reference.py), including a site whose
    /// coverage dips into a segment between two ends out of range, one across a bend,
    /// one out of reach, one covering the ends of two parts, and one across 180°.
    @Test(arguments: CorridorReferenceData.coverages.indices)
    func coveredStretchesMatchGeographicLib(index: Int) throws {
        let reference = CorridorReferenceData.coverages[index]
        let road = try referenceRoad(reference.road)
        let stretches = road.coveredStretches(position: reference.position, rangeMeters: reference.range)
        try #require(stretches.count == reference.covered.count, "\(reference.site): \(stretches)")
        for (stretch, expected) in zip(stretches, reference.covered) {
            #expect(stretch.partIndex == expected.0)
            #expect(abs(stretch.fromMeters - expected.1) <= 1e-5, "\(reference.site)")
            #expect(abs(stretch.toMeters - expected.2) <= 1e-5, "\(reference.site)")
            // Reported on the covered side.
            for chainage in [stretch.fromMeters, stretch.toMeters] {
                let x = road.point(atChainageMeters: chainage, partIndex: stretch.partIndex)
                #expect(Geodesic.distanceMeters(reference.position, x) <= reference.range)
            }
        }
    }

    @Test func gapsAndTotalsOnTheBentRoad() throws {
        let road = try referenceRoad("bent")
        let sites = [
            CorridorSite(id: "dip", position: p(71.36, 42.933), rangeMeters: 3000),
            CorridorSite(id: "bend", position: p(71.555, 42.905), rangeMeters: 6000),
            CorridorSite(id: "far", position: p(71.50, 43.20), rangeMeters: 5000),
        ]
        let coverage = try road.coverage(of: sites)
        // From the GeographicLib stretches of the single sites.
        let expected: [(Double, Double)] = [
            (0, 3490.408796893338), (8148.204688026442, 15725.24171570697), (26993.137533208326, 37164.020054194174),
        ]
        try #require(coverage.gaps.count == 3)
        for (gap, (from, to)) in zip(coverage.gaps, expected) {
            #expect(gap.partIndex == 0)
            #expect(abs(gap.fromMeters - from) <= 1e-5)
            #expect(abs(gap.toMeters - to) <= 1e-5)
        }
        let covered = (8148.204688026442 - 3490.408796893338) + (26993.137533208326 - 15725.24171570697)
        #expect(abs(coverage.coveredMeters - covered) <= 1e-4)
        #expect(abs(coverage.uncoveredMeters + coverage.coveredMeters - road.lengthMeters) <= 1e-6)
        #expect(abs(coverage.coveredShare - covered / 37164.020054194174) <= 1e-9)
        #expect(coverage.covered.count == 2)
    }

    /// The space between two parts is not road: a site covering both part ends covers
    /// two stretches that meet at the same chainage, and no gap spans the space.
    @Test func gapBetweenPartsIsNotRoad() throws {
        let road = try referenceRoad("mirrored")
        let coverage = try road.coverage(of: [CorridorSite(id: "between", position: p(73.0, 43.2), rangeMeters: 9000)])
        let length0 = road.parts[0].lengthMeters
        #expect(coverage.covered.count == 2)
        #expect(coverage.gaps.count == 2)
        #expect(coverage.gaps[0].partIndex == 0 && coverage.gaps[0].fromMeters == 0)
        #expect(abs(coverage.gaps[0].toMeters - 40576.440881025876) <= 1e-5)
        #expect(coverage.gaps[1].partIndex == 1 && coverage.gaps[1].toMeters == road.lengthMeters)
        #expect(abs(coverage.gaps[1].fromMeters - 48297.748360930505) <= 1e-5)
        #expect(abs(coverage.coveredMeters - 2 * (length0 - 40576.440881025876)) <= 1e-4)
        // Gap geometry stays on its part.
        let line = road.vertices(of: coverage.gaps[1])
        #expect(line.first.map { abs($0.longitude - 73.1) < 1e-9 } == true)
        #expect(line.last == p(73.1, 42.8))
    }

    /// Sampled every 25 m without the coverage code: points inside the reported covered
    /// stretches are within range of a site, points in gaps are not.
    @Test(arguments: ["bent", "mirrored", "antimeridian"])
    func stretchesAgreeWithSampledDistances(name: String) throws {
        let road = try referenceRoad(name)
        var generator = SplitMix64(seed: 3)
        let sites = (0..<12).map { i in
            let base = road.point(atChainageMeters: Double.random(in: 0...road.lengthMeters, using: &generator))
            return CorridorSite(
                id: "s\(i)",
                position: p(base.longitude + Double.random(in: -0.05...0.05, using: &generator),
                            base.latitude + Double.random(in: -0.05...0.05, using: &generator)),
                rangeMeters: Double.random(in: 500...4_000, using: &generator))
        }
        let coverage = try road.coverage(of: sites)
        for (part, chainage) in samples(road, stepMeters: 25) {
            let inGap = coverage.gaps.contains { $0.partIndex == part && $0.contains(chainage) }
            let inCovered = coverage.covered.contains { $0.partIndex == part && $0.contains(chainage) }
            let x = road.point(atChainageMeters: chainage, partIndex: part)
            let nearest = sites.map { Geodesic.distanceMeters($0.position, x) - $0.rangeMeters }.min() ?? .infinity
            if inCovered { #expect(nearest <= 1e-9, "\(name) \(chainage)") }
            // Gap ends touch covered stretches, within the 1 µm accuracy of the boundaries.
            if inGap { #expect(nearest > -1e-6, "\(name) \(chainage)") }
            if abs(nearest) > 1e-3 { #expect(inGap != inCovered, "\(name) \(chainage)") }
        }
    }

    @Test func wholeRoadCoveredAndNothingCovered() throws {
        let road = try referenceRoad("bent")
        let all = try road.coverage(of: [CorridorSite(id: "big", position: p(71.5, 42.95), rangeMeters: 50_000)])
        #expect(all.gaps.isEmpty)
        #expect(all.coveredShare == 1)
        #expect(all.covered == [RoadStretch(partIndex: 0, fromMeters: 0, toMeters: road.lengthMeters)])
        let none = try road.coverage(of: [])
        #expect(none.gaps == road.partStretches)
        #expect(none.coveredMeters == 0)
        // Range 0 on the road: a single point, no length.
        let point = road.coveredStretches(position: road.parts[0].vertices[1], rangeMeters: 0)
        #expect(point.count == 1 && point.first?.lengthMeters == 0)
    }

    @Test func rejectsBadSites() throws {
        let road = try referenceRoad("bent")
        #expect(throws: CorridorError.invalidSite(id: "x", reason: "range -5.0 m is not a finite distance of at least 0 m")) {
            try road.coverage(of: [CorridorSite(id: "x", position: p(71.4, 42.9), rangeMeters: -5)])
        }
        let error = #expect(throws: CorridorError.self) {
            try road.coverage(of: [CorridorSite(id: "y", position: p(71.4, -91), rangeMeters: 5)])
        }
        #expect(error?.description.hasPrefix("site 'y'") == true)
        #expect(road.coveredStretches(position: p(71.4, 42.9), rangeMeters: .nan).isEmpty)
    }

    @Test func stretchSetOperations() {
        func s(_ part: Int, _ a: Double, _ b: Double) -> RoadStretch { RoadStretch(partIndex: part, fromMeters: a, toMeters: b) }
        #expect(RoadStretchSet.union([s(0, 5, 8), s(0, 0, 2), s(0, 2, 3), s(1, 3, 4), s(0, 7, 9)])
            == [s(0, 0, 3), s(0, 5, 9), s(1, 3, 4)])
        #expect(RoadStretchSet.subtracting([s(0, 1, 2), s(0, 4, 4.0005), s(1, 0, 10)], from: [s(0, 0, 10), s(1, 0, 5)])
            == [s(0, 0, 1), s(0, 2, 4), s(0, 4.0005, 10)])
        // Pieces of at most 1 mm are dropped.
        #expect(RoadStretchSet.subtracting([s(0, 0, 9.9995)], from: [s(0, 0, 10)]).isEmpty)
        #expect(RoadStretchSet.intersection([s(0, 0, 5), s(1, 0, 5)], [s(0, 4, 6), s(1, 5, 7)])
            == [s(0, 4, 5), s(1, 5, 5)])
        #expect(RoadStretchSet.length([s(0, 0, 1.5), s(1, 2, 3)]) == 2.5)
    }
}
