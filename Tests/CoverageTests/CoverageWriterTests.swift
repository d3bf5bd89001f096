import Coverage
import Foundation
import GeoModel
import Geodesy
import Testing

/// Writes through an OutputSink into a temporary file and returns the text.
func written(_ body: (OutputSink) throws -> Void) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("qamtu-coverage-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    try body(try FileSink(path: path))
    return try String(contentsOfFile: path, encoding: .utf8)
}

@Suite("Coverage output")
struct CoverageWriterTests {
    func result() throws -> CoverageResult {
        try SmallRegion.analysis().run(asOf: 2025, scenario: .planned, profile: .standard)
    }

    @Test func geoJSONStatesYearScenarioAndProfile() throws {
        let result = try result()
        let text = try written { try CoverageWriter(format: .geojson).write(result, to: $0) }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(json["type"] as? String == "FeatureCollection")
        let qamtu = try #require(json["qamtu"] as? [String: Any])
        #expect(qamtu["as_of"] as? Int == 2025)
        #expect(qamtu["scenario"] as? String == "planned")
        #expect(qamtu["profile"] as? String == "default")
        #expect(qamtu["counts"] as? [String: Int] == ["served": 3, "underserved": 1, "unserved": 1])
        let features = try #require(json["features"] as? [[String: Any]])
        #expect(features.count == 5)
        let beta = try #require(features.first { $0["id"] as? String == "beta" })
        let geometry = try #require(beta["geometry"] as? [String: Any])
        #expect(geometry["coordinates"] as? [Double] == [72.5, 43.5])
        let properties = try #require(beta["properties"] as? [String: Any])
        #expect(Set(properties.keys) == Set(LayerSchema.settlements.columns.map(\.name) + CoverageWriter.coverageFields))
        #expect(properties["name"] as? String == "Бета")
        #expect(properties["class"] as? String == "served")
        #expect(properties["best_fixed"] as? String == "fibre")
        #expect(properties["best_mobile"] as? String == "4G")
        #expect(properties["satellite"] as? Bool == false)
        // bl-2 covers with 4G (4 km of 8 km); bl-1, nearer, with 2G only (3 km of 10 km): both are
        // listed with their technology, the best first; Beeline once, with its best technology.
        #expect(properties["covering_sites"] as? String == "bl-2:4G;bl-1:2G")
        #expect(properties["covering_operators"] as? String == "Beeline:4G")
        #expect(properties["nearest_site_id"] as? String == "bl-1")
        #expect(properties["nearest_site_m"] as? Double == 3000.0)
        let reason = try #require(properties["reason"] as? String)
        #expect(reason.hasPrefix("served by profile default (served = fibre or 4G/5G): fibre planned 2025"))
        #expect(reason.contains("4G from 1 site (Beeline), nearest bl-2 at 4000 m") && reason.contains("; also 2G from 1 site (Beeline)"),
                "\(reason)")
        let eps = try #require(features.first { $0["id"] as? String == "eps" }?["properties"] as? [String: Any])
        #expect(eps["best_mobile"] is NSNull)
        #expect(eps["covering_sites"] is NSNull)
    }

    @Test func csvAndSequenceCarryTheSameRows() throws {
        let result = try result().filtered(to: .served)
        let csv = try written { try CoverageWriter(format: .csv, precision: 3).write(result, to: $0) }
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == Substring((LayerSchema.settlements.columns.map(\.name) + CoverageWriter.coverageFields + ["lon", "lat"])
            .joined(separator: ",")))
        #expect(lines.count == 5)  // header, 3 rows, final empty
        #expect(lines[1].hasPrefix("alpha,Альфа,,,,,1000,bayzak,connected,2015,,served,fibre,3G,false,kc-1:3G,Kcell:3G,kc-1,2000.0,"))
        #expect(lines[1].hasSuffix(",71.5,43.0"))
        let sequence = try written { try CoverageWriter(format: .geojsonseq).write(result, to: $0) }
        let records = sequence.split(separator: "\n")
        #expect(records.count == 3)
        for record in records {
            let feature = try #require(try JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any])
            #expect(feature["type"] as? String == "Feature")
        }
    }

    /// `properties` selects and orders the output; the evaluation detail follows from it.
    @Test func selectedPropertiesInTheirOrder() throws {
        let properties = ["best_mobile", "id", "class", "population"]
        #expect(CoverageWriter.detail(forProperties: properties) == [])
        #expect(CoverageWriter.detail(forProperties: ["covering_operators"]) == [.coveringSites])
        #expect(CoverageWriter.detail(forProperties: ["nearest_site_m", "class"]) == [.nearestSite])
        #expect(CoverageWriter.detail(forProperties: ["reason"]) == .all)
        #expect(CoverageWriter.detail(forProperties: nil) == .all)
        let lean = try SmallRegion.analysis().run(asOf: 2025, scenario: .planned, profile: .standard, detail: [])
        let writer = CoverageWriter(format: .csv, precision: 3, properties: properties)
        let csv = try written { try writer.write(lean.filtered(to: .served), to: $0) }
        #expect(csv == """
            best_mobile,id,class,population,lon,lat
            3G,alpha,served,1000,71.5,43.0
            4G,beta,served,500,72.5,43.5
            4G,gamma,served,200,74.5,43.2

            """)
        let geojson = try written { try CoverageWriter(format: .geojson, properties: ["class"]).write(lean, to: $0) }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(geojson.utf8)) as? [String: Any])
        let features = try #require(json["features"] as? [[String: Any]])
        #expect(features.count == 5)
        for feature in features {
            #expect(feature["id"] is String)
            #expect((feature["properties"] as? [String: Any])?.keys.sorted() == ["class"])
        }
        // The full result written with the same properties gives the same text.
        let full = try result()
        #expect(try written { try writer.write(full.filtered(to: .served), to: $0) } == csv)
        // A lean result asked for every column is completed entry by entry: the same output, reasons too.
        for format in ExportFormat.allCases {
            let fromLean = try written { try CoverageWriter(format: format).write(lean, to: $0) }
            #expect(try fromLean == written { try CoverageWriter(format: format).write(full, to: $0) })
        }
        for (a, b) in zip(lean.entries, full.entries) {
            #expect(lean.reason(a) == full.reason(b) && lean.coveringOperators(a) == full.coveringOperators(b))
            #expect(lean.complete(a) == b)
        }
    }

    @Test func unknownPropertiesAreNamed() {
        #expect(throws: CoverageError.unknownProperty("colour", known: CoverageWriter.resultProperties)) {
            try CoverageWriter.validate(resultProperties: ["id", "colour"])
        }
        #expect(throws: CoverageError.unknownProperty("reason_x", known: CoverageWriter.diffProperties)) {
            try CoverageWriter.validate(diffProperties: ["reason_x"])
        }
        #expect(throws: Never.self) { try CoverageWriter.validate(diffProperties: ["class_from", "name"]) }
        #expect(throws: CoverageError.invalidSetting("--properties", reason: "'class' is listed twice")) {
            try CoverageWriter.validate(resultProperties: ["class", "id", "class"])
        }
    }

    @Test func diffOutputHasBothYears() throws {
        let diff = try SmallRegion.analysis().diff(from: 2023, to: 2025, scenario: .planned, profile: .standard)
        let csv = try written { try CoverageWriter(format: .csv).write(diff, to: $0) }
        let lines = csv.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasSuffix("year_from,year_to,class_from,class_to,best_fixed_from,best_fixed_to,best_mobile_from,best_mobile_to,reason,lon,lat"))
        #expect(lines[2].contains(",2023,2025,underserved,served,,,,4G,"))
        let selected = try written { try CoverageWriter(format: .csv, properties: ["id", "class_to"]).write(diff, to: $0) }
        #expect(selected == "id,class_to,lon,lat\nbeta,served,72.5,43.5\ngamma,served,74.5,43.2\n")
    }

    @Test func nearestPairsAsCSVAndGeoJSON() throws {
        let targets = [PointFeature(id: "t1", name: "One", position: GeoPoint(longitude: 71, latitude: 43)),
                       PointFeature(id: "t2", name: nil, position: GeoPoint(longitude: 71.01, latitude: 43))]
        let sources = [PointFeature(id: "s", name: "Эс, \"quoted\"", position: GeoPoint(longitude: 71.004, latitude: 43))]
        let neighbours = NearestNeighbours(targets: targets).join(sources, k: 2)
        let csv = try written {
            try NearestWriter(format: .csv).write(sources: sources, targets: targets, neighbours: neighbours,
                                                  fromLayer: "settlements", toLayer: "sites", k: 2, to: $0)
        }
        let d1 = Geodesic.distanceMeters(sources[0].position, targets[0].position)
        let d2 = Geodesic.distanceMeters(sources[0].position, targets[1].position)
        #expect(d1 < d2)
        #expect(csv == "from_id,from_name,rank,to_id,to_name,distance_m\n"
                + "s,\"Эс, \"\"quoted\"\"\",1,t1,One,\(String(format: "%.3f", d1))\n"
                + "s,\"Эс, \"\"quoted\"\"\",2,t2,,\(String(format: "%.3f", d2))\n")
        let geojson = try written {
            try NearestWriter(format: .geojson).write(sources: sources, targets: targets, neighbours: neighbours,
                                                      fromLayer: "settlements", toLayer: "sites", k: 2, to: $0)
        }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(geojson.utf8)) as? [String: Any])
        let features = try #require(json["features"] as? [[String: Any]])
        #expect(features.count == 2)
        let geometry = try #require(features[1]["geometry"] as? [String: Any])
        #expect(geometry["coordinates"] as? [[Double]] == [[71.004, 43.0], [71.01, 43.0]])
    }
}
