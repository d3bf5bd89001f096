import GeoModel
import Geodesy
@testable import PostGISStorage
import Testing

/// The SQL a query becomes, and what is left to Swift.
@Suite("PostGIS selections")
struct SelectionTests {
    @Test func sortsAndPagesInSQLWhenNothingIsLeftToSwift() throws {
        let query = ExportQuery(layer: .settlements, filters: [try ExportFilter(parsing: "population=800", layer: .settlements),
                                                              try ExportFilter(parsing: "fibre=", layer: .settlements)])
            .sorted(by: [SortKey(column: "name"), SortKey(column: "population", descending: true)]).paged(limit: 10, offset: 20)
        let selection = try PostGISDatabase.selection(query, columns: [0, 1])
        #expect(selection.sql == #"SELECT fid, "id", "name", ST_AsBinary(geom) FROM "settlements" WHERE "population" = $1 AND "fibre" IS NULL"#
            + #" ORDER BY "name" COLLATE "C" ASC NULLS FIRST, "population" DESC NULLS LAST, fid LIMIT $2 OFFSET $3"#)
        #expect(selection.binds.count == 3)
        #expect(!selection.checksInSwift)
        #expect(selection.columns == [0, 1])
    }

    @Test func boxesTextAndConditionsAreCheckedInSwiftAndPagedThere() throws {
        let box = try BoundingBox(parsing: "179,42,-179,44")
        let query = ExportQuery(layer: .sites, bbox: box, filters: [try ExportFilter(parsing: "operator=kcell", layer: .sites)])
            .paged(limit: 5)
        let selection = try PostGISDatabase.selection(query, columns: [0])
        // Two GiST searches across the antimeridian, every column read, no LIMIT in SQL.
        #expect(selection.sql.contains("(geom && ST_MakeEnvelope($1, $2, $3, $4, 4326) OR geom && ST_MakeEnvelope($5, $6, $7, $8, 4326))"))
        #expect(selection.sql.contains(#""operator" IS NOT NULL"#))
        #expect(!selection.sql.contains("LIMIT"))
        #expect(selection.checksInSwift)
        #expect(selection.columns == Array(LayerSchema.sites.columns.indices))
        let bad = ExportQuery(layer: .sites, condition: .isNull(column: "nosuch"))
        #expect(throws: GeoModelError.self) { try PostGISDatabase.selection(bad) }
    }

    /// Points in a box as SpatiaLite's R*Tree has them: rounded outwards to single precision.
    @Test func pointsInABoxAreDecidedAsSQLitesRTreeDecidesThem() throws {
        let box = try BoundingBox(parsing: "60,45,70,50")
        // 44.999999 rounds up to 45 in single precision: in, as SpatiaLite has it (found on 200,000 sites).
        #expect(PostGISDatabase.rtreeMatches(GeoPoint(longitude: 61.207971, latitude: 44.999999), box))
        #expect(!PostGISDatabase.rtreeMatches(GeoPoint(longitude: 61.207971, latitude: 44.9999), box))
        #expect(PostGISDatabase.rtreeMatches(GeoPoint(longitude: 70, latitude: 50), box))
        let across = try BoundingBox(parsing: "179,42,-179,44")
        #expect(PostGISDatabase.rtreeMatches(GeoPoint(longitude: -179.5, latitude: 43), across))
        #expect(!PostGISDatabase.rtreeMatches(GeoPoint(longitude: 0, latitude: 43), across))
    }
}
