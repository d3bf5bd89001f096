import Foundation
import GeoModel
import QamtuTestSupport
import Testing
@testable import GeoStorage

/// Imports of the real public data in ../shared/geodata (skipped when it is absent; failed in CI).
@Suite("Real data: OpenStreetMap places and geoBoundaries districts")
struct RealDataTests {
    static let places = Prerequisite.sharedFile("osm_hotosm_kaz_populated_places_points.geojson")
    static let districts = Prerequisite.sharedFile("geoboundaries_KAZ_ADM2_zhambyl_districts.geojson")

    @Test(.requires(places, districts), arguments: [false, true])
    func importsEveryPlaceAndAssignsZhambylDistricts(districtsFirst: Bool) throws {
        let fixture = try Fixture()
        let places = try Self.places.require(), districts = try Self.districts.require()
        var assigned = 0
        if districtsFirst {
            assigned += try fixture.importFile(.districts, path: districts).districtsAssigned
        }
        let placesReport = try fixture.importFile(.settlements, path: places)
        #expect(placesReport.imported == 9_899)
        assigned += placesReport.districtsAssigned
        if !districtsFirst {
            #expect(placesReport.districtsAssigned == 0)
            assigned += try fixture.importFile(.districts, path: districts).districtsAssigned
        }
        #expect(assigned == 501)
        let withDistrict = try fixture.portal.count(ExportQuery(layer: .settlements, filters: [])) -
            fixture.portal.count(ExportQuery(layer: .settlements, filters: [ExportFilter(column: "district", value: .null)]))
        #expect(withDistrict == 501)
        // Unnamed places are kept: people live there too.
        #expect(try fixture.portal.count(ExportQuery(layer: .settlements, filters: [ExportFilter(column: "name", value: .null)])) > 0)
        // Names in any script find Taraz.
        let matcher = NameMatcher(candidates: try fixture.portal.nameCandidates(.settlements))
        for query in ["Тараз", "taraz", "TARAZ"] {
            let best = try #require(matcher.matches(for: query).first)
            #expect(best.id == "osm-node-240470924", "\(query)")
        }
        let lugovskoy = try #require(try fixture.portal.features(.districts, ids: ["lugovskoy"]).first)
        #expect(lugovskoy.values[1] == .text("Lugovskoy"))
        // The exclaves "Zhamb." and "Zhualy" are parts of Zhambylskiy and Zhualynskiy (issue 20, item 6).
        #expect(try fixture.portal.features(ExportQuery(layer: .districts)).map(\.id).sorted() == [
            "bayzakskiy", "kordayskiy", "lugovskoy", "merkenskiy", "moyynkumskiy", "sarysuskiy", "shuskiy", "talasskiy",
            "zhambylskiy", "zhualynskiy",
        ])
    }
}

@Suite("OpenCelliD cells")
struct OpenCelliDTests {
    @Test func importsKazakhCellsAsEstimatedSitesAndSkipsOthers() throws {
        let fixture = try Fixture()
        let report = try fixture.importText(.sites, "cells.csv", """
            radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal
            LTE,401,77,12001,1234567,0,71.3901,42.8995,1500,12,1,1546300800,1700000000,0
            GSM,401,1,300,4401,0,74.7183,43.0417,5000,3,1,1262304000,1700000000,0
            UMTS,401,2,500,77,0,70.6475,42.5711,,1,1,1262304000,1700000000,0
            LTE,250,1,1,1,0,37.6,55.7,1000,9,1,1262304000,1700000000,0
            NR,401,7,9,9,0,76.9,43.2,800,2,1,1700000000,1700000000,0

            """)
        #expect(report.imported == 4)
        #expect(report.skipped == ["outside Kazakhstan (MCC ≠ 401)": 1])
        let sites = try fixture.portal.features(ExportQuery(layer: .sites))
        let schema = LayerSchema.sites
        func value(_ record: FeatureRecord, _ column: String) -> FieldValue { record.values[schema.columnIndex(column) ?? 0] }
        #expect(sites.map(\.id) == ["ocid-401-77-12001-1234567", "ocid-401-1-300-4401", "ocid-401-2-500-77", "ocid-401-7-9-9"])
        #expect(sites.map { value($0, "operator") } == [.text("Tele2"), .text("Beeline"), .text("Kcell"), .text("Altel")])
        #expect(sites.map { value($0, "technologies") } == [.text("4G"), .text("2G"), .text("3G"), .text("5G")])
        #expect(sites.allSatisfy { value($0, "position") == .text("estimated") })
        #expect(value(sites[0], "range_m") == .real(1500))
        #expect(value(sites[2], "range_m") == .null)
        #expect(value(sites[0], "commissioned") == .text("2019-01-01"))
        #expect(MobileOperator.byCode(mcc: 401, mnc: 77)?.company == "Mobile Telecom-Service")
    }

    /// OpenCelliD writes `range` 0 when it does not know a cell's range: that is no explicit range
    /// (the propagation model or the default table then applies), and `--set range_m=…` fills it
    /// (issue 20, item 3).
    @Test func aZeroRangeIsUnknownNotZeroMetres() throws {
        let fixture = try Fixture()
        let cells = """
            radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal
            LTE,401,77,1,1,0,71.39,42.89,0,12,1,0,0,0
            LTE,401,77,1,2,0,71.40,42.89,0.0,12,1,0,0,0
            LTE,401,77,1,3,0,71.41,42.89,1500,12,1,0,0,0

            """
        try fixture.importText(.sites, "cells.csv", cells)
        let column = try #require(LayerSchema.sites.columnIndex("range_m"))
        #expect(try fixture.portal.features(ExportQuery(layer: .sites)).map { $0.values[column] } == [.null, .null, .real(1500)])
        let path = try fixture.folder.write("more.csv", cells.replacingOccurrences(of: ",77,1,", with: ",77,2,"))
        let source = try InputFormat.opencellid.openSource(path: path, layer: .sites, options: SourceOptions(defaults: ["range_m": "2500"]))
        _ = try fixture.portal.importFeatures(from: source, into: .sites, fileName: "more.csv")
        let filled = try fixture.portal.features(ExportQuery(layer: .sites)).suffix(3).map { $0.values[column] }
        #expect(filled == [.real(2500), .real(2500), .real(1500)])
    }

    @Test func reportsBadCellRows() throws {
        let fixture = try Fixture()
        let text = """
            radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal
            WIMAX,401,77,1,2,0,71,42,1,1,1,0,0,0
            LTE,401,77,1,3,0,71,north,1,1,1,0,0,0

            """
        #expect(try fixture.importProblems(.sites, "cells.csv", text) == """
            import of sites from cells.csv failed: 2 problems, nothing was written
              cells.csv:2: field 'radio': unknown value 'WIMAX' (expected one of GSM, CDMA, UMTS, LTE, NR)
              cells.csv:3: field 'lat': expected a number, got 'north'
            """)
    }

    @Test func refusesAFormatThatDoesNotFitTheLayer() throws {
        #expect(ImportError.formatDoesNotFitLayer(format: "opencellid", layer: "districts", expected: "sites").description
                == "format opencellid fills layer sites, not districts")
    }
}
