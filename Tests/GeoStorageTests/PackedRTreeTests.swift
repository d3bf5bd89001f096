import Foundation
import GRDB
import GeoModel
import Geodesy
import QamtuTestSupport
import Testing
@testable import GeoStorage

/// The R*Tree packed straight into SpatiaLite's index tables by a bulk import (issue 18): SQLite
/// and SpatiaLite accept it, it answers range queries exactly, it keeps working under later
/// inserts, and a failed import leaves no trace of it.
@Suite("Import: the packed R*Tree")
struct PackedRTreeTests {
    // MARK: Data

    /// `count` random polygons (small boxes and triangles) as a districts CSV with WKT.
    static func districtsCSV(count: Int, seed: UInt64) -> String {
        var random = SplitMix64(seed: seed)
        var lines = ["id,name,wkt"]
        for i in 0..<count {
            let x = random.uniform(40, 90), y = random.uniform(35, 56)
            let w = random.uniform(0.001, 2), h = random.uniform(0.001, 1)
            let ring = i % 2 == 0
                ? "(\(x) \(y),\(x + w) \(y),\(x + w) \(y + h),\(x) \(y + h),\(x) \(y))"
                : "(\(x) \(y),\(x + w) \(y),\(x) \(y + h),\(x) \(y))"
            lines.append("d\(i),District \(i),\"MULTIPOLYGON((\(ring)))\"")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `count` random polylines (2–6 vertices, some of two parts) as a roads CSV with WKT.
    static func roadsCSV(count: Int, seed: UInt64) -> String {
        var random = SplitMix64(seed: seed)
        var lines = ["id,name,category,wkt"]
        for i in 0..<count {
            func part() -> String {
                var x = random.uniform(-179, 179), y = random.uniform(-80, 80)
                var points = ["\(x) \(y)"]
                for _ in 0..<(1 + random.next() % 5) {
                    x += random.uniform(-0.5, 0.5)
                    y += random.uniform(-0.5, 0.5)
                    points.append("\(x) \(y)")
                }
                return "(" + points.joined(separator: ",") + ")"
            }
            let parts = i % 7 == 0 ? part() + "," + part() : part()
            lines.append("r\(i),Road \(i),regional,\"MULTILINESTRING(\(parts))\"")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Imports `text` with the R*Tree filled as `fill` says.
    @discardableResult
    static func importText(_ fixture: Fixture, _ layer: LayerSchema, _ name: String, _ text: String,
                           options: ImportOptions = ImportOptions(), fill: PortalDatabase.BulkSpatialIndex.Fill = .packedWhenEmpty) throws -> ImportReport {
        let path = try fixture.folder.write(name, text)
        let source = try InputFormat.detect(path: path, displayName: name).openSource(path: path, displayName: name, layer: layer, options: SourceOptions())
        return try fixture.portal.importFeatures(from: source, into: layer, fileName: name, options: options, indexFill: fill, progress: nil)
    }

    // MARK: Checks

    /// SpatiaLite's `CheckSpatialIndex`, SQLite's `rtreecheck` and `integrity_check`.
    static func expectValid(_ fixture: Fixture, _ layer: LayerSchema, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        // On the writer: CheckSpatialIndex also logs its check in spatialite_history.
        try fixture.portal.writeWithoutTransaction { db in
            let check = try Int.fetchOne(db, sql: "SELECT CheckSpatialIndex(?, 'geom')", arguments: [layer.name])
            #expect(check == 1, "CheckSpatialIndex", sourceLocation: sourceLocation)
            let rtree = try String.fetchOne(db, sql: "SELECT rtreecheck(?)", arguments: ["idx_\(layer.name)_geom"])
            #expect(rtree == "ok", sourceLocation: sourceLocation)
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            #expect(integrity == ["ok"], sourceLocation: sourceLocation)
        }
    }

    /// The depth of the tree (the first two bytes of the root).
    static func depth(_ fixture: Fixture, _ layer: LayerSchema) throws -> Int {
        let root = try fixture.portal.read { db in
            try Data.fetchOne(db, sql: "SELECT data FROM \(SQL.identifier("idx_\(layer.name)_geom_node")) WHERE nodeno = 1")
        }
        let bytes = try #require(root)
        return Int(bytes[0]) << 8 | Int(bytes[1])
    }

    /// Every row of the index as (pkid, xmin, xmax, ymin, ymax), by pkid.
    static func indexRows(_ fixture: Fixture, _ layer: LayerSchema) throws -> [[Double]] {
        try fixture.portal.read { db in
            try Row.fetchAll(db, sql: "SELECT pkid, xmin, xmax, ymin, ymax FROM \(SQL.identifier("idx_\(layer.name)_geom")) ORDER BY pkid")
                .map { row in (0..<5).map { row[$0] as Double } }
        }
    }

    /// Every node, row link and parent link of the index, and the layer's rows: a snapshot to
    /// compare before and after.
    static func snapshot(_ fixture: Fixture, _ layer: LayerSchema) throws -> [String] {
        let index = "idx_\(layer.name)_geom"
        return try fixture.portal.read { db in
            var lines = try Row.fetchAll(db, sql: "SELECT nodeno, hex(data) FROM \(SQL.identifier(index + "_node")) ORDER BY nodeno").map { "\($0)" }
            lines += try Row.fetchAll(db, sql: "SELECT * FROM \(SQL.identifier(index + "_rowid")) ORDER BY rowid").map { "\($0)" }
            lines += try Row.fetchAll(db, sql: "SELECT * FROM \(SQL.identifier(index + "_parent")) ORDER BY nodeno").map { "\($0)" }
            lines += try Row.fetchAll(db, sql: "SELECT fid, id, hex(geom) FROM \(SQL.identifier(layer.name)) ORDER BY fid").map { "\($0)" }
            lines += try Row.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").map { "\($0)" }
            return lines
        }
    }

    /// For `queries` random boxes, the fids the R*Tree returns equal those of a scan of the table
    /// that tests each geometry's stored (outward-rounded) box.
    static func expectExactQueries(_ fixture: Fixture, _ layer: LayerSchema, seed: UInt64, queries: Int = 200,
                                   sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let table = SQL.identifier(layer.name), index = SQL.identifier("idx_\(layer.name)_geom")
        let boxes: [(fid: Int64, box: RTreeBox)] = try fixture.portal.read { db in
            try Row.fetchAll(db, sql: "SELECT fid, MbrMinX(geom), MbrMaxX(geom), MbrMinY(geom), MbrMaxY(geom) FROM \(table) WHERE geom IS NOT NULL")
                .map { row in
                    (row[0], RTreeBox(BoundingBox(minLongitude: row[1], minLatitude: row[3], maxLongitude: row[2], maxLatitude: row[4])))
                }
        }
        var random = SplitMix64(seed: seed)
        var hits = 0
        for _ in 0..<queries {
            let x = random.uniform(-185, 185), y = random.uniform(-95, 95)
            let w = random.uniform(0, 60), h = random.uniform(0, 30)
            let found = try fixture.portal.read { db in
                try Int64.fetchAll(db, sql: "SELECT pkid FROM \(index) WHERE xmin <= ? AND xmax >= ? AND ymin <= ? AND ymax >= ?",
                                   arguments: [x + w, x, y + h, y])
            }
            let expected = boxes.filter { Double($0.box.minX) <= x + w && Double($0.box.maxX) >= x && Double($0.box.minY) <= y + h && Double($0.box.maxY) >= y }
                .map(\.fid)
            #expect(found.sorted() == expected.sorted(), sourceLocation: sourceLocation)
            hits += expected.count
        }
        #expect(hits > 0, "the queries found something", sourceLocation: sourceLocation)
    }

    // MARK: The format

    @Test func boxesAreRoundedExactlyAsSQLiteStoresThem() throws {
        let queue = try DatabaseQueue()
        var random = SplitMix64(seed: 0x18_2026)
        var values: [Double] = [0, -0.0, 1e-30, -1e-30, 180, -180, 90, -90, 0.1, -0.1, 71.366667, 42.9, Double(Float.greatestFiniteMagnitude)]
        for _ in 0..<2000 { values.append(random.uniform(-180, 180)) }
        for _ in 0..<200 { values.append(random.uniform(-1e-3, 1e-3)) }
        try queue.write { db in
            try db.execute(sql: "CREATE VIRTUAL TABLE t USING rtree(id, x0, x1, y0, y1)")
            for (i, value) in values.enumerated() {
                try db.execute(sql: "INSERT INTO t VALUES (?, ?, ?, ?, ?)", arguments: [i, value, value, value, value])
                let row = try #require(try Row.fetchOne(db, sql: "SELECT x0, x1 FROM t WHERE id = ?", arguments: [i]))
                #expect(Float(row[0] as Double).bitPattern == RTreeBox.roundedDown(value).bitPattern, "\(value)")
                #expect(Float(row[1] as Double).bitPattern == RTreeBox.roundedUp(value).bitPattern, "\(value)")
            }
        }
    }

    @Test func aTreeOfOneLeafIsARootWithItsCells() throws {
        let packer = try #require(PackedRTree(nodeSize: 1228))
        #expect(packer.capacity == 51)
        var nodes: [(Int64, [UInt8])] = []
        var parents: [(Int64, Int64)] = []
        let entries = [PackedRTree.Entry(id: 7, box: RTreeBox(minX: 1, maxX: 2, minY: -3, maxY: 4))]
        let leaves = packer.write(entries, node: { nodes.append(($0, $1)) }, parent: { parents.append(($0, $1)) })
        #expect(leaves == [1])
        #expect(parents.isEmpty)
        #expect(nodes.count == 1 && nodes[0].0 == 1)
        let expected: [UInt8] = [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7, 0x3F, 0x80, 0, 0, 0x40, 0, 0, 0, 0xC0, 0x40, 0, 0, 0x40, 0x80, 0, 0]
        #expect(Array(nodes[0].1.prefix(expected.count)) == expected)
        #expect(nodes[0].1.count == 1228 && nodes[0].1.dropFirst(expected.count).allSatisfy { $0 == 0 })
    }

    @Test func nodesAreFilledEvenlyWithTheDepthInTheRoot() throws {
        let packer = try #require(PackedRTree(nodeSize: 1228))
        var random = SplitMix64(seed: 52)
        let entries = (0..<2_602).map { i in
            let x = Float(random.uniform(-10, 10)), y = Float(random.uniform(-10, 10))
            return PackedRTree.Entry(id: Int64(i + 1), box: RTreeBox(minX: x, maxX: x, minY: y, maxY: y))
        }
        var counts: [Int64: Int] = [:]
        var depthOfRoot = -1
        var parents: [Int64: Int64] = [:]
        let leaves = packer.write(entries, node: { number, blob in
            counts[number] = Int(blob[2]) << 8 | Int(blob[3])
            if number == 1 { depthOfRoot = Int(blob[0]) << 8 | Int(blob[1]) }
            #expect(blob.count == 1228)
        }, parent: { parents[$0] = $1 })
        // 2,602 rows: 52 leaves of 50 or 51, 2 nodes of 26 above them, and the root.
        #expect(depthOfRoot == 2)
        #expect(counts.count == 55 && counts[1] == 2)
        #expect(counts.values.allSatisfy { $0 >= 2 && $0 <= 51 })
        #expect(Set(leaves).count == 52 && leaves.allSatisfy { parents[$0] != nil && parents[$0] != 1 })
        #expect(parents.count == 54)
    }

    @Test func aNodeTooSmallForTwoCellsIsRefused() {
        #expect(PackedRTree(nodeSize: 40) == nil)
        #expect(PackedRTree(nodeSize: 4 + 24 * 2) != nil)
    }

    // MARK: Imports

    @Test func packedSitesAreAcceptedAndEqualWhatSQLiteBuildsRowByRow() throws {
        let csv = SitePackTests.sitesCSV(count: 3_000, seed: 18)
        let packed = try Fixture(), rowByRow = try Fixture()
        try Self.importText(packed, .sites, "sites.csv", csv)
        try Self.importText(rowByRow, .sites, "sites.csv", csv, fill: .rowByRow)
        try Self.expectValid(packed, .sites)
        #expect(try Self.depth(packed, .sites) == 2)
        #expect(try Self.indexRows(packed, .sites) == Self.indexRows(rowByRow, .sites))
        #expect(try Self.indexRows(packed, .sites).count == 3_000)
        try Self.expectExactQueries(packed, .sites, seed: 1)
        // Exports, of the layer and through the index, are the same bytes.
        let box = BoundingBox(minLongitude: -60, minLatitude: -30, maxLongitude: 100, maxLatitude: 45)
        let crossing = BoundingBox(minLongitude: 170, minLatitude: -50, maxLongitude: -170, maxLatitude: 50)
        for query in [ExportQuery(layer: .sites), ExportQuery(layer: .sites, bbox: box), ExportQuery(layer: .sites, bbox: crossing)] {
            let a = try packed.exportText(query), b = try rowByRow.exportText(query)
            #expect(a.utf8.count > 100 && Array(a.utf8) == Array(b.utf8))
        }
        #expect(try packed.portal.extent(.sites) == rowByRow.portal.extent(.sites))
    }

    @Test(arguments: [(LayerSchema.districts, "districts.csv"), (LayerSchema.roads, "roads.csv")])
    func packedPolygonsAndLinesAreAccepted(layer: LayerSchema, file: String) throws {
        let csv = layer.name == "roads" ? Self.roadsCSV(count: 2_500, seed: 3) : Self.districtsCSV(count: 2_500, seed: 4)
        let packed = try Fixture(), rowByRow = try Fixture()
        try Self.importText(packed, layer, file, csv)
        try Self.importText(rowByRow, layer, file, csv, fill: .rowByRow)
        try Self.expectValid(packed, layer)
        #expect(try Self.indexRows(packed, layer) == Self.indexRows(rowByRow, layer))
        try Self.expectExactQueries(packed, layer, seed: 2)
        let box = BoundingBox(minLongitude: 50, minLatitude: 40, maxLongitude: 70, maxLatitude: 50)
        #expect(try Array(packed.exportText(ExportQuery(layer: layer, bbox: box)).utf8) == Array(rowByRow.exportText(ExportQuery(layer: layer, bbox: box)).utf8))
    }

    @Test func replacingALayerPacksItsIndexAgain() throws {
        let fixture = try Fixture()
        try Self.importText(fixture, .sites, "a.csv", SitePackTests.sitesCSV(count: 800, seed: 5))
        try Self.importText(fixture, .sites, "b.csv", SitePackTests.sitesCSV(count: 2_000, seed: 6), options: ImportOptions(replace: true))
        try Self.expectValid(fixture, .sites)
        #expect(try Self.depth(fixture, .sites) == 1)
        #expect(try Self.indexRows(fixture, .sites).count == 2_000)
        try Self.expectExactQueries(fixture, .sites, seed: 7)
    }

    @Test func theTreeKeepsWorkingUnderAppendsUpsertsAndSQLWrites() throws {
        let fixture = try Fixture()
        try Self.importText(fixture, .sites, "a.csv", SitePackTests.sitesCSV(count: 3_000, seed: 8))
        // A second import appends row by row to the packed tree.
        let more = SitePackTests.sitesCSV(count: 1_500, seed: 9).replacingOccurrences(of: "s-", with: "more-")
        try Self.importText(fixture, .sites, "b.csv", more)
        try Self.expectValid(fixture, .sites)
        // An upsert moves existing sites (SpatiaLite's update trigger).
        var random = SplitMix64(seed: 10)
        var moved = ["id,kind,status,lon,lat"]
        for i in stride(from: 0, to: 3_000, by: 7) { moved.append("s-\(i)-ж,antenna_mast,planned,\(random.uniform(-180, 180)),\(random.uniform(-90, 90))") }
        let report = try Self.importText(fixture, .sites, "moved.csv", moved.joined(separator: "\n") + "\n", options: ImportOptions(upsert: true))
        #expect(report.updated == 429)
        // What QGIS does: SQL inserts, updates and deletes through SpatiaLite's triggers.
        try fixture.portal.writeWithoutTransaction { db in
            for i in 0..<300 {
                try db.execute(sql: "INSERT INTO sites (id, kind, status, geom) VALUES (?, 'base_station', 'operational', MakePoint(?, ?, 4326))",
                               arguments: ["qgis-\(i)", random.uniform(-180, 180), random.uniform(-90, 90)])
            }
            try db.execute(sql: "UPDATE sites SET geom = MakePoint(71.5, 42.5, 4326) WHERE fid % 11 = 0")
            try db.execute(sql: "DELETE FROM sites WHERE fid % 5 = 0")
        }
        try Self.expectValid(fixture, .sites)
        let count = try fixture.portal.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sites") }
        #expect(try Self.indexRows(fixture, .sites).count == count)
        try Self.expectExactQueries(fixture, .sites, seed: 11)
    }

    @Test func anIndexThatAnUpsertWritesToDuringTheImportIsFilledRowByRow() throws {
        // An index emptied behind SpatiaLite's back is empty when the import starts; the upsert's
        // update trigger writes the moved rows into it during the import, so the new rows go in
        // row by row at the end instead of replacing the tree.
        let fixture = try Fixture()
        try Self.importText(fixture, .settlements, "a.csv", "id,name,lon,lat\nx1,One,70,41\nx2,Two,70,42\n")
        try fixture.portal.writeWithoutTransaction { db in try db.execute(sql: "DELETE FROM idx_settlements_geom") }
        var lines = ["id,name,lon,lat", "x1,One,71,42", "x2,Two,71,43"]
        for i in 0..<200 { lines.append("n\(i),N,\(60 + Double(i) / 10),45") }
        let report = try Self.importText(fixture, .settlements, "b.csv", lines.joined(separator: "\n") + "\n", options: ImportOptions(upsert: true))
        #expect(report.updated == 2 && report.imported == 200)
        try Self.expectValid(fixture, .settlements)
        #expect(try Self.indexRows(fixture, .settlements).count == 202)
        try Self.expectExactQueries(fixture, .settlements, seed: 12)
    }

    @Test func rowsThatAreNotOneRunOfIdsArePackedThroughTheSort() throws {
        // An import's new rows are one run of fids, and their leaves are placed by fid; rows with
        // gaps between their fids take the sorting path, with the same tree as a result.
        let fixture = try Fixture()
        try Self.importText(fixture, .sites, "a.csv", SitePackTests.sitesCSV(count: 3_000, seed: 21))
        try fixture.portal.writeWithoutTransaction { db in try db.execute(sql: "DELETE FROM sites WHERE fid % 3 = 0 OR fid BETWEEN 1000 AND 1400") }
        let expected = try Self.indexRows(fixture, .sites)
        #expect(expected.count == 1_732)
        try fixture.portal.writeWithoutTransaction { db in
            try db.inTransaction {
                try db.execute(sql: "DELETE FROM idx_sites_geom")
                let bulk = try #require(try PortalDatabase.BulkSpatialIndex(db, layer: .sites, fill: .packedWhenEmpty))
                let rows = try Row.fetchAll(db, sql: "SELECT fid, MbrMinX(geom), MbrMinY(geom), MbrMaxX(geom), MbrMaxY(geom) FROM sites ORDER BY fid DESC")
                for row in rows {
                    let box = BoundingBox(minLongitude: row[1], minLatitude: row[2], maxLongitude: row[3], maxLatitude: row[4])
                    try bulk.add(PackedRTree.Keyed(PackedRTree.Entry(id: row[0], box: RTreeBox(box))))
                }
                try bulk.finish()
                return .commit
            }
        }
        try Self.expectValid(fixture, .sites)
        #expect(try Self.indexRows(fixture, .sites) == expected)
        try Self.expectExactQueries(fixture, .sites, seed: 22)
    }

    @Test func anImportThatFailsAtItsLastRowLeavesLayerAndIndexAsTheyWere() throws {
        let fixture = try Fixture()
        let bad = SitePackTests.sitesCSV(count: 2_000, seed: 13) + "bad,base_station,,,,,,,operational,,,200,100\n"
        // Into the empty layer, and replacing a packed one.
        let empty = try Self.snapshot(fixture, .sites)
        #expect(throws: ImportError.self) { try Self.importText(fixture, .sites, "bad.csv", bad) }
        #expect(try Self.snapshot(fixture, .sites) == empty)
        try Self.importText(fixture, .sites, "a.csv", SitePackTests.sitesCSV(count: 1_000, seed: 14))
        let before = try Self.snapshot(fixture, .sites)
        #expect(throws: ImportError.self) { try Self.importText(fixture, .sites, "bad.csv", bad, options: ImportOptions(replace: true)) }
        #expect(try Self.snapshot(fixture, .sites) == before)
        try Self.expectValid(fixture, .sites)
    }

    @Test(.requires(.ogrinfo))
    func gdalFindsTheSitesThroughThePackedIndex() throws {
        let ogrinfo = try Prerequisite.ogrinfo.require()
        let fixture = try Fixture()
        try Self.importText(fixture, .sites, "sites.csv", SitePackTests.sitesCSV(count: 3_000, seed: 15))
        try fixture.portal.checkpoint()
        let points: [(Double, Double)] = try fixture.portal.read { db in
            try Row.fetchAll(db, sql: "SELECT ST_X(geom), ST_Y(geom) FROM sites").map { ($0[0], $0[1]) }
        }
        for (west, south, east, north) in [(-50.0, -20.0, 30.0, 40.0), (100.0, 10.0, 170.0, 80.0), (-179.5, -89.5, 179.5, 89.5)] {
            let expected = points.filter { $0.0 >= west && $0.0 <= east && $0.1 >= south && $0.1 <= north }.count
            let output = try QamtuTestSupport.run(ogrinfo, ["-ro", "-so", "-spat", "\(west)", "\(south)", "\(east)", "\(north)",
                                                          fixture.folder.path("portal.sqlite"), "sites"])
            #expect(output.status == 0)
            #expect(output.stdout.contains("Feature Count: \(expected)\n"), "\(output.stdout)")
        }
    }
}
