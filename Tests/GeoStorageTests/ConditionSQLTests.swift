import Foundation
import GRDB
import GeoModel
import Geodesy
import Testing
@testable import GeoStorage

@Suite("CQL2 conditions in SQL")
struct ConditionSQLTests {
    /// Values stay bound: the SQL holds placeholders and quoted schema columns only.
    @Test func valuesAreBoundAndIdentifiersQuoted() throws {
        let condition = try CQL2TextParser.parse(
            "name = 'x'' OR 1=1 --' AND name LIKE 'A%*[_' AND NOT S_INTERSECTS(geom, BBOX(71, 42, 72, 43)) AND kind IN ('town')",
            layer: .settlements)
        var translation = ConditionSQL(layer: .settlements)
        let sql = try translation.expression(condition)
        #expect(sql == "(\"name\" = ? AND \"name\" GLOB ? AND (NOT (CASE WHEN geom IS NULL THEN NULL ELSE "
            + "(fid IN (SELECT pkid FROM \"idx_settlements_geom\" WHERE xmin <= ? AND xmax >= ? AND ymin <= ? AND ymax >= ?)) END))"
            + " AND \"kind\" IN (?))")
        #expect(translation.arguments == [
            "x' OR 1=1 --".databaseValue, "A*[*][[]?".databaseValue, 72.0.databaseValue, 71.0.databaseValue,
            43.0.databaseValue, 42.0.databaseValue, "town".databaseValue,
        ])
        var polygon = ConditionSQL(layer: .districts)
        let point = GeoPoint(longitude: 71, latitude: 43)
        #expect(try polygon.expression(.intersects(.point(point)))
            == "(fid IN (SELECT pkid FROM \"idx_districts_geom\" WHERE xmin <= ? AND xmax >= ? AND ymin <= ? AND ymax >= ?) AND ST_Intersects(geom, ?) = 1)")
        #expect(polygon.arguments.last == Data(SpatiaLiteBlob.encode(.point(point))).databaseValue)
        var unknown = ConditionSQL(layer: .settlements)
        #expect(throws: StorageError.self) { try unknown.expression(.like(column: "name\" OR 1=1 --", pattern: "%")) }
    }

    @Test func spatiaLiteIsAskedForWheneverAConditionTestsGeometryExactly() throws {
        func exact(_ layer: LayerSchema, _ filter: String?) throws -> Bool {
            PortalDatabase.intersectsExactly(ExportQuery(layer: layer, condition: try filter.map { try CQL2TextParser.parse($0, layer: layer) }))
        }
        #expect(try !exact(.settlements, nil))
        #expect(try !exact(.settlements, "population > 5"))
        #expect(try !exact(.settlements, "S_INTERSECTS(geom, BBOX(71, 42, 72, 43))"))
        #expect(try exact(.settlements, "S_INTERSECTS(geom, POINT(71 42))"))
        #expect(try exact(.settlements, "population > 5 OR NOT S_INTERSECTS(geom, POLYGON((71 42, 72 42, 72 43, 71 42)))"))
        #expect(try exact(.districts, "NOT (name = 'x' OR S_INTERSECTS(geom, BBOX(71, 42, 72, 43)))"))
    }

    /// A condition's box and geometry go through the R*Tree, like ``ExportQuery/bbox``.
    @Test func spatialConditionsUseTheSpatialIndex() throws {
        let fixture = try Fixture()
        var csv = "id,kind,status,lon,lat\n"
        for i in 0..<500 { csv += "s\(i),base_station,operational,\(70 + Double(i % 50) / 10),\(42 + Double(i / 50) / 10)\n" }
        try fixture.importText(.sites, "sites.csv", csv)
        let filters = [
            ("S_INTERSECTS(geom, BBOX(71.05, 42.15, 71.25, 42.35)) AND status = 'operational'", 4),
            ("S_INTERSECTS(geom, POLYGON((71.05 42.15, 71.25 42.15, 71.25 42.36, 71.05 42.15)))", 3),
            ("S_INTERSECTS(geom, POINT(71.1 42.2))", 1),
        ]
        for (filter, count) in filters {
            let query = ExportQuery(layer: .sites, condition: try CQL2TextParser.parse(filter, layer: .sites))
            let plan = try fixture.portal.queryPlan(query).joined(separator: "\n")
            #expect(plan.contains("VIRTUAL TABLE INDEX") && plan.contains("idx_sites_geom"), "\(plan)")
            #expect(!plan.contains("SCAN sites"), "\(plan)")
            #expect(try fixture.portal.count(query) == count, "\(filter)")
        }
    }
}
