import Foundation
import GRDB
import GeoModel
import Geodesy
import QamtuTestSupport
import Testing
@testable import GeoStorage

/// Thread-safe collection of the scanned rows per partition.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [Int: [SiteAttributes]] = [:]

    func add(_ part: Int, _ row: SiteAttributes) {
        lock.lock()
        parts[part, default: []].append(row)
        lock.unlock()
    }

    /// The partitions concatenated in order (the scan's `fid` order).
    var rows: [SiteAttributes] { parts.keys.sorted().flatMap { parts[$0] ?? [] } }
}

@Suite("Site pack: a derived index of the sites that equals the table and never goes stale")
struct SitePackTests {
    /// Sites with every kind of value: nulls, non-ASCII texts, canonically equivalent operator
    /// names in different bytes, extreme coordinates and numbers, planned years, dates.
    static func sitesCSV(count: Int, seed: UInt64) -> String {
        var random = SplitMix64(seed: seed)
        let operators = ["Kcell", "Beeline KZ", "Қазақтелеком", "Tele2 \"Altel\"", "Caf\u{E9}", "Cafe\u{301}", ""]
        let technologies = ["4G", "2G;3G", "3G;4G;5G", "fibre", ""]
        var lines = ["id,kind,operator,technologies,band_mhz,height_m,eirp_dbm,range_m,status,planned_year,commissioned,lon,lat"]
        for i in 0..<count {
            func maybe(_ text: String) -> String { random.next() % 4 == 0 ? "" : text }
            let kind = ["base_station", "antenna_mast", "fibre_node"][Int(random.next() % 3)]
            let status = ["planned", "building", "operational", "retired"][Int(random.next() % 4)]
            let op = operators[Int(random.next() % UInt64(operators.count))]
            let quoted = "\"" + op.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            let lon = i == 0 ? "180" : (i == 1 ? "-180" : String(random.uniform(-180, 180)))
            let lat = i == 2 ? "90" : (i == 3 ? "-89.999999999" : String(random.uniform(-90, 90)))
            lines.append([
                "s-\(i)-ж", kind, quoted, technologies[Int(random.next() % UInt64(technologies.count))],
                maybe(String(random.uniform(700, 2600))), maybe(String(random.uniform(0, 120))),
                maybe(String(random.uniform(30, 70))), maybe(String(random.uniform(0, 1e6))), status,
                maybe(String(2020 + random.next() % 10)), maybe("2023-0\(1 + random.next() % 9)-15"), lon, lat,
            ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every row of a partitioned scan, in order.
    static func scan(_ portal: PortalDatabase, partitions: Int = 2) throws -> [SiteAttributes] {
        let collected = Collected()
        try portal.scanSiteAttributes(partitions: partitions) { part, row in collected.add(part, row) }
        return collected.rows
    }

    /// Every row straight from the table.
    static func tableRows(_ portal: PortalDatabase) throws -> [SiteAttributes] {
        var rows: [SiteAttributes] = []
        try portal.scanSiteAttributes { rows.append($0) }
        return rows
    }

    /// Byte-level equality (Swift's `==` on strings would accept canonically equivalent texts).
    static func sameBytes(_ a: [SiteAttributes], _ b: [SiteAttributes]) -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) {
            let texts = [(x.id, y.id), (x.kind, y.kind), (x.status, y.status)]
            for (p, q) in texts where Array(p.utf8) != Array(q.utf8) { return false }
            let optionals = [(x.operatorName, y.operatorName), (x.technologies, y.technologies), (x.commissioned, y.commissioned)]
            for (p, q) in optionals where p.map({ Array($0.utf8) }) != q.map({ Array($0.utf8) }) { return false }
            let numbers = [(x.bandMegahertz, y.bandMegahertz), (x.heightMeters, y.heightMeters), (x.eirpDBm, y.eirpDBm),
                           (x.rangeMeters, y.rangeMeters), (x.position?.longitude, y.position?.longitude),
                           (x.position?.latitude, y.position?.latitude)]
            for (p, q) in numbers where p?.bitPattern != q?.bitPattern { return false }
            if x.plannedYear != y.plannedYear { return false }
        }
        return true
    }

    @Test func equalsTheTableAcrossChunksAndPartitions() throws {
        let fixture = try Fixture()
        try fixture.importText(.sites, "sites.csv", Self.sitesCSV(count: 700, seed: 11))
        #expect(try fixture.portal.sitePackIsUsable())
        let table = try Self.tableRows(fixture.portal)
        #expect(table.count == 700)
        for partitions in [1, 2, 3] {
            #expect(Self.sameBytes(try Self.scan(fixture.portal, partitions: partitions), table))
        }
        // The pack also keeps every site's rank in the spatial order of the sites' points (the
        // table has none).
        let ranks = SpatialOrder.ranks(table.map(\.position))
        #expect(table.allSatisfy { $0.spatialRank == nil })
        #expect(try Self.scan(fixture.portal).map(\.spatialRank) == ranks)
        #expect(ranks.compactMap { $0 }.count == table.filter { $0.position?.isValid == true }.count)
        // Small chunks: rows cross chunk boundaries, and partitions split between chunks.
        try fixture.portal.queue.writeWithoutTransaction { db in try SitePack.rebuild(db, chunkRows: 64) }
        let chunks = try fixture.portal.queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM qamtu_site_pack") }
        #expect(chunks == 11)
        for partitions in [1, 2, 5, 16] {
            let rows = try Self.scan(fixture.portal, partitions: partitions)
            #expect(Self.sameBytes(rows, table))
            #expect(rows.map(\.spatialRank) == ranks)
        }
        // The scan reads the pack itself: a chunk written by hand (one range changed, which no
        // trigger sees) is what the scan returns.
        var encoder = SitePack.Encoder()
        for (i, row) in table.prefix(64).enumerated() {
            var changed = row
            if i == 5 { changed.rangeMeters = 4242.5 }
            encoder.append(changed)
        }
        let bytes = Data(encoder.finish())
        try fixture.portal.queue.write { db in
            try db.execute(sql: "UPDATE qamtu_site_pack SET data = ? WHERE chunk = 0", arguments: [bytes])
        }
        #expect(try Self.scan(fixture.portal)[5].rangeMeters == 4242.5)
        #expect(table[5].rangeMeters != 4242.5)
        try fixture.portal.queue.writeWithoutTransaction { db in try SitePack.rebuild(db, chunkRows: 64) }
        // The canonically equivalent operator names keep their own bytes.
        let operators = Set(try Self.scan(fixture.portal).compactMap { $0.operatorName.map { Array($0.utf8) } })
        #expect(operators.contains(Array("Caf\u{E9}".utf8)) && operators.contains(Array("Cafe\u{301}".utf8)))
    }

    @Test func anyChangeToTheTableEmptiesThePack() throws {
        let fixture = try Fixture()
        try fixture.importText(.sites, "sites.csv", Self.sitesCSV(count: 50, seed: 5))
        let path = fixture.folder.path("portal.sqlite")
        // Changes made by another program through plain SQLite (as QGIS or the sqlite3 shell would).
        let changes = [
            "UPDATE sites SET range_m = 1234 WHERE id = 's-7-ж'",
            "DELETE FROM sites WHERE id = 's-8-ж'",
            "INSERT INTO sites (id, kind, status, technologies, geom) VALUES ('new', 'antenna_mast', 'planned', '4G', MakePoint(71.4, 42.9, 4326))",
        ]
        for sql in changes {
            try fixture.portal.queue.writeWithoutTransaction { db in try SitePack.rebuild(db) }
            #expect(try fixture.portal.sitePackIsUsable())
            let other = try DatabaseQueue(path: path, configuration: {
                var configuration = Configuration()
                configuration.prepareDatabase { db in try SpatiaLiteSetup.prepare(db) }
                return configuration
            }())
            try other.write { db in try db.execute(sql: sql) }
            try other.close()
            #expect(try !fixture.portal.sitePackIsUsable(), "after \(sql)")
            let count = try fixture.portal.queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM qamtu_site_pack") }
            #expect(count == 0)
            // The scan reads the table and sees the change.
            #expect(Self.sameBytes(try Self.scan(fixture.portal), try Self.tableRows(fixture.portal)))
        }
        let rows = try Self.scan(fixture.portal)
        #expect(rows.first { $0.id == "s-7-ж" }?.rangeMeters == 1234)
        #expect(!rows.contains { $0.id == "s-8-ж" })
        #expect(rows.last?.id == "new")
    }

    @Test func aScanExpectingOtherPartitionsFailsBeforeAnyRow() throws {
        let fixture = try Fixture()
        try fixture.importText(.sites, "sites.csv", Self.sitesCSV(count: 200, seed: 4))
        try fixture.portal.queue.writeWithoutTransaction { db in try SitePack.rebuild(db, chunkRows: 64) }
        #expect(try fixture.portal.sitePackPartitionRows(partitions: 2) == [128, 72])
        #expect(try fixture.portal.sitePackPartitionRows(partitions: 9) == [64, 64, 64, 8])
        for stale in [[128, 71], [200]] {
            let collected = Collected()
            do {
                try fixture.portal.scanSiteAttributes(partitions: 2, expecting: stale) { collected.add($0, $1) }
                Issue.record("a scan expecting \(stale) ran")
            } catch {
                #expect("\(error)" == "layer sites changed while it was being read; run the command again")
            }
            #expect(collected.rows.isEmpty)
        }
        // Without a usable pack, no partition sizes are known in advance.
        try fixture.portal.queue.write { db in try db.execute(sql: "DELETE FROM qamtu_site_pack") }
        #expect(try fixture.portal.sitePackPartitionRows(partitions: 2) == nil)
    }

    @Test func isIgnoredWithoutItsTriggersOrWhenItsFidRangeDiffers() throws {
        let fixture = try Fixture()
        try fixture.importText(.sites, "sites.csv", Self.sitesCSV(count: 30, seed: 9))
        let table = try Self.tableRows(fixture.portal)
        // A pack that no longer matches the table's fid range (written by hand) is not read.
        try fixture.portal.queue.write { db in try db.execute(sql: "UPDATE qamtu_site_pack SET last_fid = last_fid - 1") }
        #expect(try !fixture.portal.sitePackIsUsable())
        #expect(Self.sameBytes(try Self.scan(fixture.portal), table))
        // Without a trigger, a change could go unnoticed: the pack is not read.
        try fixture.portal.queue.writeWithoutTransaction { db in try SitePack.rebuild(db) }
        #expect(try fixture.portal.sitePackIsUsable())
        try fixture.portal.queue.write { db in
            try db.execute(sql: "DROP TRIGGER qamtu_site_pack_update")
            try db.execute(sql: "UPDATE sites SET range_m = 777 WHERE fid = 4")
        }
        #expect(try !fixture.portal.sitePackIsUsable())
        #expect(try Self.scan(fixture.portal)[3].rangeMeters == 777)
        // A rebuild restores the trigger.
        try fixture.portal.queue.writeWithoutTransaction { db in try SitePack.rebuild(db) }
        #expect(try fixture.portal.sitePackIsUsable())
        // ALTER TABLE fires no trigger: a changed CREATE statement of sites makes the pack unusable.
        try fixture.portal.queue.write { db in try db.execute(sql: "ALTER TABLE sites ADD COLUMN note TEXT") }
        #expect(try !fixture.portal.sitePackIsUsable())
        // Chunks of two generations, another format, or more rows than ids are not read either.
        for sql in ["UPDATE qamtu_site_pack SET generation = generation + 1 WHERE chunk = 0",
                    "UPDATE qamtu_site_pack SET format = format + 1",
                    "UPDATE qamtu_site_pack SET rows = last_fid - first_fid + 2 WHERE chunk = 0"] {
            try fixture.portal.queue.writeWithoutTransaction { db in try SitePack.rebuild(db, chunkRows: 8) }
            #expect(try fixture.portal.sitePackIsUsable())
            try fixture.portal.queue.write { db in try db.execute(sql: sql) }
            #expect(try !fixture.portal.sitePackIsUsable(), "after \(sql)")
        }
    }

    @Test func aChunkOfAnotherGenerationIsAChangeWhileReading() throws {
        let fixture = try Fixture()
        try fixture.importText(.sites, "sites.csv", Self.sitesCSV(count: 20, seed: 8))
        let generation = try fixture.portal.queue.read { db in
            try Int64.fetchOne(db, sql: "SELECT generation FROM qamtu_site_pack WHERE chunk = 0")
        } ?? 0
        let connection = try RawReadConnection(path: fixture.folder.path("portal.sqlite"), spatiaLite: false)
        var texts = RepeatedTexts()
        var buffer: [UInt8] = []
        var count = 0
        try SitePack.read(chunk: 0, generation: generation, connection, texts: &texts, buffer: &buffer) { _ in count += 1 }
        #expect(count == 20)
        do {
            try SitePack.read(chunk: 0, generation: generation &+ 1, connection, texts: &texts, buffer: &buffer) { _ in }
            Issue.record("a chunk of another generation was read")
        } catch {
            #expect("\(error)" == "layer sites changed while it was being read; run the command again")
        }
    }

    @Test func encodingKeepsEveryValueBitForBit() throws {
        // Long texts and more than 128 dictionary entries (multi-byte lengths and indices),
        // infinities, NaN payloads, negative zero, missing values and a missing point.
        var rows: [SiteAttributes] = []
        for i in 0..<300 {
            rows.append(SiteAttributes(
                id: String(repeating: "ж", count: i), kind: "k\(i % 3)", operatorName: i % 7 == 0 ? nil : "operator \(i)",
                technologies: i % 5 == 0 ? nil : "4G;\(i)", bandMegahertz: [.infinity, -.infinity, -0.0, 800, nil][i % 5],
                heightMeters: i % 2 == 0 ? Double(bitPattern: 0x7FF8_0000_0000_0001 + UInt64(i)) : nil,
                eirpDBm: Double(i) / 3, rangeMeters: i % 3 == 0 ? nil : 1e300,
                status: "s\(i % 4)", plannedYear: [Int.min, Int.max, 2026, nil][i % 4],
                commissioned: i % 2 == 0 ? String(repeating: "2", count: 200) : nil,
                position: i % 11 == 0 ? nil : GeoPoint(longitude: -180 + Double(i), latitude: Double(i % 180) - 90),
                spatialRank: i % 11 == 0 || i % 4 == 1 ? nil : [0, UInt32.max, UInt32(i)][i % 3]))
        }
        var encoder = SitePack.Encoder()
        rows.forEach { encoder.append($0) }
        let bytes = encoder.finish()
        var decoded: [SiteAttributes] = []
        var texts = RepeatedTexts()
        try bytes.withUnsafeBytes { try SitePack.decode($0, expectedRows: 300, texts: &texts) { decoded.append($0) } }
        #expect(Self.sameBytes(decoded, rows))
        #expect(decoded.map(\.spatialRank) == rows.map(\.spatialRank))
        // A chunk claiming a huge dictionary or more rows than recorded is refused.
        var huge = Array(bytes.prefix(4))
        huge += [0xAC, 0x02]                       // 300 rows (varint)
        huge += [0xFF, 0xFF, 0xFF, 0xFF, 0x07]     // 2^31 - 1 dictionary entries
        for (chunk, expected) in [(huge, 300), (bytes, 299)] {
            #expect(throws: SitePack.DecodeError.self) {
                var texts = RepeatedTexts()
                try chunk.withUnsafeBytes { try SitePack.decode($0, expectedRows: expected, texts: &texts) { _ in } }
            }
        }
    }

    @Test func importsKeepThePackCurrentAndFailedOnesLeaveItAsItWas() throws {
        let fixture = try Fixture()
        try fixture.importText(.sites, "a.csv", Self.sitesCSV(count: 20, seed: 1))
        let before = try fixture.portal.queue.read { db in try Data.fetchAll(db, sql: "SELECT data FROM qamtu_site_pack ORDER BY chunk") }
        // A failing import (a duplicate id) and a dry run change nothing, the pack included.
        #expect(throws: ImportError.self) { try fixture.importText(.sites, "b.csv", Self.sitesCSV(count: 3, seed: 1)) }
        try fixture.importText(.sites, "c.csv", "id,kind,status,lon,lat\nz,antenna_mast,planned,70,43\n",
                               options: ImportOptions(dryRun: true))
        let after = try fixture.portal.queue.read { db in try Data.fetchAll(db, sql: "SELECT data FROM qamtu_site_pack ORDER BY chunk") }
        #expect(after == before)
        #expect(try fixture.portal.sitePackIsUsable())
        // An appending import and a replacing one rebuild it.
        try fixture.importText(.sites, "d.csv", "id,kind,status,lon,lat\nz,antenna_mast,planned,70,43\n")
        #expect(try fixture.portal.sitePackIsUsable())
        #expect(try Self.scan(fixture.portal).map(\.id).last == "z")
        try fixture.importText(.sites, "e.csv", "id,kind,status,lon,lat\ny,fibre_node,operational,71,44\n",
                               options: ImportOptions(replace: true))
        #expect(try fixture.portal.sitePackIsUsable())
        #expect(try Self.scan(fixture.portal).map(\.id) == ["y"])
        // Replacing with nothing leaves an empty table and no pack.
        try fixture.importText(.sites, "f.csv", "id,kind,status,lon,lat\n", options: ImportOptions(replace: true))
        #expect(try Self.scan(fixture.portal).isEmpty)
        let chunks = try fixture.portal.queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM qamtu_site_pack") }
        #expect(chunks == 0)
    }

    /// Every column of the pack but the random generation, chunk by chunk.
    static func packRows(_ portal: PortalDatabase) throws -> [[DatabaseValue]] {
        try portal.queue.read { db in
            try Row.fetchAll(db, sql: "SELECT chunk, format, sites_sql, rows, first_fid, last_fid, data FROM qamtu_site_pack ORDER BY chunk")
                .map { Array($0.databaseValues) }
        }
    }

    @Test func anImportIntoAnEmptyLayerBuildsThePackWhileReadingAndEqualsARebuild() throws {
        // Values SQLite changes on the way in: a negative zero and integral reals in REAL columns
        // (stored as integers, read back as doubles), beside the varied sites of `sitesCSV`.
        let extra = [
            "z-1,base_station,Kcell,4G,800,-0,40.0,1000,operational,2026,,70,43",
            "z-2,antenna_mast,,,1000.0,-0.0,-0,0.5,planned,,,71.5,44.25",
        ].joined(separator: "\n") + "\n"
        let csv = Self.sitesCSV(count: 700, seed: 21) + extra
        for chunkRows in [64, 701, 702, 65_536] {
            let fixture = try Fixture()
            let path = try fixture.folder.write("sites.csv", csv)
            let source = try InputFormat.detect(path: path, displayName: "sites.csv")
                .openSource(path: path, displayName: "sites.csv", layer: .sites, options: SourceOptions())
            _ = try fixture.portal.importFeatures(from: source, into: .sites, fileName: "sites.csv", options: ImportOptions(),
                                                  indexFill: .packedWhenEmpty, sitePackChunkRows: chunkRows, progress: nil)
            #expect(try fixture.portal.sitePackIsUsable())
            let built = try Self.packRows(fixture.portal)
            #expect(built.count == (702 + chunkRows - 1) / chunkRows)
            try fixture.portal.queue.writeWithoutTransaction { db in try SitePack.rebuild(db, chunkRows: chunkRows) }
            #expect(try Self.packRows(fixture.portal) == built, "chunks of \(chunkRows)")
            let scanned = try Self.scan(fixture.portal)
            #expect(Self.sameBytes(scanned, try Self.tableRows(fixture.portal)))
            #expect(scanned.last?.heightMeters?.bitPattern == 0.0.bitPattern)
            #expect(scanned.last?.eirpDBm?.bitPattern == 0.0.bitPattern)
        }
    }

    @Test func realsAreKeptAsSQLiteReadsThemBack() {
        #expect(SitePackBuilder.storedReal(-0.0)?.bitPattern == 0.0.bitPattern)
        #expect(SitePackBuilder.storedReal(2.5) == 2.5)
        #expect(SitePackBuilder.storedReal(1e300) == 1e300)
        #expect(SitePackBuilder.storedReal(-9.3e18) == -9.3e18)
        #expect(SitePackBuilder.storedReal(.infinity) == .infinity)
        #expect(SitePackBuilder.storedReal(.nan) == nil)
    }

    @Test func aCorruptChunkIsAClearErrorNotACrash() throws {
        let fixture = try Fixture()
        try fixture.importText(.sites, "sites.csv", Self.sitesCSV(count: 10, seed: 3))
        let good = try fixture.portal.queue.read { db in try Data.fetchOne(db, sql: "SELECT data FROM qamtu_site_pack") } ?? Data()
        // Every truncation of the chunk, and a wrong magic number, are refused with a reason.
        for length in stride(from: 0, to: good.count, by: 7) {
            let bytes = [UInt8](good.prefix(length))
            #expect(throws: SitePack.DecodeError.self) {
                try bytes.withUnsafeBytes {
                    var texts = RepeatedTexts()
                    try SitePack.decode($0, expectedRows: 10, texts: &texts) { _ in }
                }
            }
        }
        try fixture.portal.queue.write { db in
            try db.execute(sql: "UPDATE qamtu_site_pack SET data = ? WHERE chunk = 0", arguments: [Data("QSP1".utf8) + good.dropFirst(4)])
        }
        do {
            _ = try Self.scan(fixture.portal)
            Issue.record("a corrupt pack was read")
        } catch {
            #expect("\(error)".hasPrefix("chunk 0 of the site pack (table qamtu_site_pack, an index derived from the sites) cannot be read: not a QSP2 chunk"))
        }
        // Data that is not a blob (another program's edit the triggers do not see) is no chunk.
        for value in ["''", "'QSP2 as text'", "x''"] {
            try fixture.portal.queue.write { db in
                try db.execute(sql: "UPDATE qamtu_site_pack SET data = \(value) WHERE chunk = 0")
            }
            do {
                _ = try Self.scan(fixture.portal)
                Issue.record("a pack whose data is \(value) was read")
            } catch {
                #expect("\(error)".hasSuffix("cannot be read: no data"), "\(value): \(error)")
            }
        }
    }

    @Test func anOlderDatabaseGetsItsPackWhenUpgradedAndIsRefusedReadOnlyUntilThen() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("old.sqlite")
        // A database of the first schema, with sites.
        let portal = try PortalDatabase.create(at: path)
        try portal.queue.writeWithoutTransaction { db in
            try db.execute(sql: "DROP TRIGGER qamtu_site_pack_insert; DROP TRIGGER qamtu_site_pack_update; DROP TRIGGER qamtu_site_pack_delete; DROP TABLE qamtu_site_pack")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v2-site-pack'")
            try db.execute(sql: "INSERT INTO sites (id, kind, status, technologies, geom) VALUES ('a', 'antenna_mast', 'operational', '4G', MakePoint(71.4, 42.9, 4326))")
        }
        do {
            _ = try PortalDatabase.open(at: path, readOnly: true)
            Issue.record("an older schema opened read-only")
        } catch {
            #expect("\(error)" == "\(path) has an older Qamtu schema (without v2-site-pack)")
        }
        let upgraded = try PortalDatabase.open(at: path)
        #expect(try upgraded.appliedMigrations() == ["v1-layers", "v2-site-pack", "v3-applications"])
        #expect(try upgraded.sitePackIsUsable())
        #expect(try Self.scan(upgraded).map(\.id) == ["a"])
    }
}
