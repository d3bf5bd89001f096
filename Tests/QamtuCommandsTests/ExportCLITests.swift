import Foundation
import GeoModel
import QamtuTestSupport
import Testing

/// `qamtu export` through the built executable.
@Suite("qamtu export (the built executable)")
struct ExportCLITests {
    /// Summaries count in words: one feature is singular, thousands are grouped, skipped rows are
    /// counted as rows (issue 20, item 11: "wrote 1 roads", "skipped 1 rows").
    @Test func summariesCountInWords() throws {
        let folder = try TemporaryFolder()
        #expect(try qamtu(["init", "--db", "one.sqlite"], in: folder).status == 0)
        try folder.write("cells.csv", """
            radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal
            LTE,401,77,12001,1234567,0,71.3901,42.8995,1500,12,1,1546300800,1700000000,0
            LTE,250,1,1,1,0,37.6,55.7,1000,9,1,1262304000,1700000000,0

            """)
        let cells = try qamtu(["import", "sites", "cells.csv", "--db", "one.sqlite"], in: folder)
        #expect(cells.status == 0, "\(cells.stderr)")
        let lines = cells.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("imported 1 site from cells.csv (opencellid) in ") == true, "\(cells.stdout)")
        #expect(lines.dropFirst() == ["  skipped 1 row outside Kazakhstan (MCC ≠ 401)"])
        try folder.write("more.csv", """
            radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal
            LTE,250,1,1,1,0,37.6,55.7,1000,9,1,1262304000,1700000000,0
            LTE,250,1,1,2,0,37.6,55.7,1000,9,1,1262304000,1700000000,0

            """)
        let foreign = try qamtu(["import", "sites", "more.csv", "--db", "one.sqlite"], in: folder)
        #expect(foreign.stdout.split(separator: "\n").dropFirst() == ["  skipped 2 rows outside Kazakhstan (MCC ≠ 401)"])
        try folder.write("road.geojson", AntimeridianData.roads)
        #expect(try qamtu(["import", "roads", "road.geojson", "--db", "one.sqlite"], in: folder).stdout.hasPrefix("imported 4 roads from"))
        let one = try qamtu(["export", "roads", "--where", "id=crossing", "-o", "one.geojson", "--db", "one.sqlite"], in: folder)
        #expect(one.stderr == "wrote 1 road to one.geojson (geojson)\n")
        let sites = try qamtu(["export", "sites", "--format", "csv", "-o", "sites.csv", "--db", "one.sqlite"], in: folder)
        #expect(sites.stderr == "wrote 1 site to sites.csv (csv)\n")
    }

    /// `--bbox` with minLon > maxLon crosses 180° for every layer, in every output format
    /// (issue 20, item 17).
    @Test func bboxAcrossTheAntimeridian() throws {
        let folder = try TemporaryFolder()
        #expect(try qamtu(["init", "--db", "across.sqlite"], in: folder).status == 0)
        let layers = [("settlements", AntimeridianData.settlements), ("roads", AntimeridianData.roads),
                      ("districts", AntimeridianData.districts)]
        for (layer, text) in layers {
            try folder.write("\(layer).geojson", text)
            let imported = try qamtu(["import", layer, "\(layer).geojson", "--db", "across.sqlite"], in: folder)
            #expect(imported.status == 0, "\(imported.stderr)")
            let expected = try #require(AntimeridianData.inside[layer])
            let geojson = try qamtu(["export", layer, "--bbox", AntimeridianData.box, "--db", "across.sqlite"], in: folder)
            #expect(geojson.status == 0, "\(geojson.stderr)")
            guard case .array(let features)? = try JSONParser.parse(geojson.stdout)["features"] else {
                Issue.record("\(layer): no features in \(geojson.stdout)")
                continue
            }
            #expect(features.compactMap { $0["id"]?.stringValue } == expected, "\(layer)")
            let csv = try qamtu(["export", layer, "--bbox", AntimeridianData.box, "--format", "csv", "--properties", "name",
                                 "--db", "across.sqlite"], in: folder)
            #expect(csv.status == 0, "\(csv.stderr)")
            let names = csv.stdout.split(separator: "\n").dropFirst().map { String($0.prefix { $0 != "," }) }
            #expect(names == expected, "\(layer): \(csv.stdout)")
        }
        // The same corners the other way round make a box that does not cross 180° but spans the
        // rest of the globe: it holds the settlements outside the first box, but north-of-box.
        // (A value starting with "-" needs --bbox=.)
        let notAcross = try qamtu(["export", "settlements", "--bbox=-179.5,-17.5,179,-16", "--format", "csv",
                                   "--db", "across.sqlite"], in: folder)
        #expect(notAcross.status == 0, "\(notAcross.stderr)")
        #expect(notAcross.stdout.split(separator: "\n").dropFirst().map { String($0.prefix { $0 != "," }) } == ["east-178", "west-179"])
    }
}
