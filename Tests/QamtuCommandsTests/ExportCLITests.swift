import Foundation
import GeoModel
import QamtuTestSupport
import Testing

/// `qamtu export` through the built executable.
@Suite("qamtu export (the built executable)")
struct ExportCLITests {
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
