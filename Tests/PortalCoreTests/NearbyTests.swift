import Coverage
import Foundation
import GeoModel
import Geodesy
import PortalCore
import QamtuTestSupport
import Testing

/// Features of a point layer within a geodesic distance of a point, nearest first (the server's
/// `items?near=lon,lat&within=5km`), each body run against the in-memory and the SpatiaLite store.
///
/// Sites are placed with Geodesy's direct solution from the centre, written with 6 decimals as a
/// CSV file and imported; expected distances are Geodesy's inverse solution between the centre and
/// the positions as written (the stores keep exactly those numbers).
@Suite("Features near a point")
struct NearbyTests {
    /// A site placed `meters` from a centre at `azimuth` degrees (clockwise from north).
    struct Placed {
        var id: String
        var operatorName = "Kcell"
        var status = "operational"
        var meters: Double
        var azimuth: Double
    }

    /// Longitude and latitude of `site` as written to the CSV file (6 decimals).
    static func position(_ site: Placed, from center: GeoPoint) -> (longitude: String, latitude: String) {
        let p = Geodesic.destination(from: center, azimuthDegrees: site.azimuth, distanceMeters: site.meters)
        return (String(format: "%.6f", p.longitude), String(format: "%.6f", p.latitude))
    }

    /// The stored point of `site`, as the store reads it back.
    static func stored(_ site: Placed, from center: GeoPoint) throws -> GeoPoint {
        let (lon, lat) = position(site, from: center)
        return GeoPoint(longitude: try #require(Double(lon)), latitude: try #require(Double(lat)))
    }

    /// A fresh store of `kind` whose sites layer holds `sites` (in this order), placed around `center`.
    static func portal(_ kind: StoreKind, _ folder: TemporaryFolder, center: GeoPoint, sites: [Placed]) throws -> Portal {
        var csv = "id,name,kind,operator,status,lon,lat\n"
        for site in sites {
            let (lon, lat) = position(site, from: center)
            csv += "\(site.id),Site \(site.id),base_station,\(site.operatorName),\(site.status),\(lon),\(lat)\n"
        }
        return try portal(kind, folder, sitesCSV: csv)
    }

    /// A fresh store of `kind` whose sites layer holds the rows of `csv`.
    static func portal(_ kind: StoreKind, _ folder: TemporaryFolder, sitesCSV csv: String) throws -> Portal {
        let store = try StoreFixture.emptyStore(kind, in: folder, name: "nearby")
        let portal = Portal(store: store)
        _ = try portal.importFeatures(ImportRequest(layer: .sites, path: try folder.write("sites.csv", csv)))
        return portal
    }

    /// The answer of `request` as GeoJSON, parsed: ids and `distance_m` in order.
    static func answer(_ portal: Portal, _ request: NearbyRequest,
                       options: ExportOptions = ExportOptions()) throws -> [(id: String, meters: Double)] {
        let sink = MemorySink()
        let written = try portal.nearby(request, options: options, to: sink)
        #expect(sink.isFinished)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(sink.bytes)) as? [String: Any])
        let features = try #require(json["features"] as? [[String: Any]])
        #expect(written == features.count)
        return try features.map { feature in
            let properties = try #require(feature["properties"] as? [String: Any])
            return (try #require(feature["id"] as? String), try #require(properties["distance_m"] as? Double))
        }
    }

    static func ids(_ portal: Portal, _ request: NearbyRequest) throws -> [String] {
        try answer(portal, request).map(\.id)
    }

    static let taraz = GeoPoint(longitude: 71.37, latitude: 42.9)

    /// Around Taraz: one site at the centre, one at 1 km, two at 2 km on either side of the
    /// centre's meridian (tie-b inserted before tie-a), two at the very same point 3 km away
    /// (dup-2 before dup-1), one at 4.99 km (in) and one at 5.01 km (out), one 40 km away.
    static let ring: [Placed] = [
        Placed(id: "out-5010", meters: 5010, azimuth: 200),
        Placed(id: "tie-b", operatorName: "Beeline", meters: 2000, azimuth: 45),
        Placed(id: "in-4990", operatorName: "Beeline", meters: 4990, azimuth: 30),
        Placed(id: "dup-2", status: "planned", meters: 3000, azimuth: 100),
        Placed(id: "k-1000", meters: 1000, azimuth: 260),
        Placed(id: "tie-a", meters: 2000, azimuth: 315),
        Placed(id: "far", meters: 40_000, azimuth: 90),
        Placed(id: "dup-1", operatorName: "Beeline", meters: 3000, azimuth: 100),
        Placed(id: "centre", operatorName: "Tele2", meters: 0, azimuth: 0),
    ]

    static let fiveKilometres = Distance(meters: 5000)

    /// 4.99 km is in, 5.01 km is out; every distance is Geodesy's to 0.1 m; nearest first, equal
    /// distances in insertion order (the two sides of the meridian and the two sites at one point).
    @Test(arguments: StoreKind.allCases) func membershipDistancesAndOrder(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let portal = try Self.portal(kind, folder, center: Self.taraz, sites: Self.ring)
        let request = NearbyRequest(layer: .sites, center: Self.taraz, radius: Self.fiveKilometres)
        let found = try Self.answer(portal, request)
        #expect(found.map(\.id) == ["centre", "k-1000", "tie-b", "tie-a", "dup-2", "dup-1", "in-4990"])
        for (id, meters) in found {
            let site = try #require(Self.ring.first { $0.id == id })
            let geodesic = Geodesic.distanceMeters(Self.taraz, try Self.stored(site, from: Self.taraz))
            #expect(abs(meters - geodesic) <= 0.05 + 1e-9, "\(id): \(meters) vs \(geodesic)")
            // Placed at that distance; the 6 decimals move it by at most about 0.1 m.
            #expect(abs(meters - site.meters) < 0.2, "\(id)")
        }
        // Rounded to 0.1 m: the written value has at most one decimal.
        for (_, meters) in found { #expect((meters * 10).rounded() == meters * 10) }
        let outside = try #require(Self.ring.first { $0.id == "out-5010" })
        #expect(Geodesic.distanceMeters(Self.taraz, try Self.stored(outside, from: Self.taraz)) > 5000)
        #expect(try portal.nearbyCount(request) == 7)
        // A radius of 5.02 km takes in the 5.01 km site, last.
        let wider = try Self.ids(portal, NearbyRequest(layer: .sites, center: Self.taraz, radius: Distance(meters: 5020)))
        #expect(wider.last == "out-5010" && wider.count == 8)
    }

    /// Pages over the distance order never overlap, and the count ignores them.
    @Test(arguments: StoreKind.allCases) func pagesAndCount(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let portal = try Self.portal(kind, folder, center: Self.taraz, sites: Self.ring)
        func page(limit: Int?, offset: Int) -> NearbyRequest {
            NearbyRequest(query: ExportQuery(layer: .sites).paged(limit: limit, offset: offset), center: Self.taraz,
                          radius: Self.fiveKilometres)
        }
        #expect(try Self.ids(portal, page(limit: 2, offset: 1)) == ["k-1000", "tie-b"])
        #expect(try Self.ids(portal, page(limit: 3, offset: 3)) == ["tie-a", "dup-2", "dup-1"])
        #expect(try Self.ids(portal, page(limit: 3, offset: 6)) == ["in-4990"])
        #expect(try Self.ids(portal, page(limit: 3, offset: 7)) == [])
        #expect(try Self.ids(portal, page(limit: 0, offset: 0)) == [])
        #expect(try Self.ids(portal, page(limit: nil, offset: 5)) == ["dup-1", "in-4990"])
        #expect(try portal.nearbyCount(page(limit: 2, offset: 1)) == 7)
        #expect(try portal.nearbyCount(page(limit: 0, offset: 100)) == 7)
    }

    /// More features in the box than are read whole at once (1,024): the same answer, by ids and
    /// points first and the page's records afterwards, as a brute-force computation gives.
    @Test(arguments: StoreKind.allCases) func manyFeaturesInTheBox(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        // A grid of 40 × 40 sites 0.001° apart around Taraz (about ±1.6 km by ±2.2 km).
        var csv = "id,kind,operator,status,lon,lat\n"
        var points: [(id: String, point: GeoPoint)] = []
        for i in 0..<40 {
            for j in 0..<40 {
                let lon = String(format: "%.6f", 71.35 + 0.001 * Double(i)), lat = String(format: "%.6f", 42.88 + 0.001 * Double(j))
                let id = "g\(i)-\(j)"
                csv += "\(id),base_station,\((i + j) % 2 == 0 ? "Kcell" : "Tele2"),operational,\(lon),\(lat)\n"
                points.append((id, GeoPoint(longitude: try #require(Double(lon)), latitude: try #require(Double(lat)))))
            }
        }
        let portal = try Self.portal(kind, folder, sitesCSV: csv)
        let radius = 1900.0
        let box = try #require(BoundingBox.around(Self.taraz, radiusMeters: radius).first)
        #expect(points.filter { box.contains($0.point) }.count > 1_024)
        var expected: [(id: String, meters: Double, order: Int)] = []
        for (id, point) in points where Geodesic.distanceMeters(Self.taraz, point) <= radius {
            expected.append((id, (Geodesic.distanceMeters(Self.taraz, point) * 10).rounded() / 10, expected.count))
        }
        expected.sort { $0.meters != $1.meters ? $0.meters < $1.meters : $0.order < $1.order }
        #expect(expected.count > 650 && expected.count < points.count)
        let query = ExportQuery(layer: .sites).paged(limit: 50, offset: 600)
        let request = NearbyRequest(query: query, center: Self.taraz, radius: Distance(meters: radius))
        let found = try Self.answer(portal, request)
        #expect(found.map(\.id) == expected[600..<650].map(\.id))
        #expect(found.map(\.meters) == expected[600..<650].map(\.meters))
        #expect(try portal.nearbyCount(request) == expected.count)
        // With a filter, fewer than 1,024 in the box: read whole, the same order.
        let kcell = try ExportFilter(parsing: "operator=kcell", layer: .sites)
        let filtered = NearbyRequest(query: ExportQuery(layer: .sites, filters: [kcell]), center: Self.taraz, radius: Distance(meters: radius))
        let kcellIDs = Set(points.enumerated().filter { ($0.offset / 40 + $0.offset % 40) % 2 == 0 }.map(\.element.id))
        #expect(try Self.ids(portal, filtered) == expected.map(\.id).filter(kcellIDs.contains))
    }

    /// Attribute filters and a bbox restrict the circle; a bbox that misses it finds nothing.
    @Test(arguments: StoreKind.allCases) func filtersAndBoundingBox(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let portal = try Self.portal(kind, folder, center: Self.taraz, sites: Self.ring)
        func request(_ filters: [String], bbox: String? = nil) throws -> NearbyRequest {
            let query = ExportQuery(layer: .sites, bbox: try bbox.map(BoundingBox.init(parsing:)),
                                    filters: try filters.map { try ExportFilter(parsing: $0, layer: .sites) })
            return NearbyRequest(query: query, center: Self.taraz, radius: Self.fiveKilometres)
        }
        #expect(try Self.ids(portal, request(["operator=beeline"])) == ["tie-b", "dup-1", "in-4990"])
        #expect(try Self.ids(portal, request(["operator=kcell", "status=planned"])) == ["dup-2"])
        #expect(try portal.nearbyCount(request(["operator=kcell"])) == 3)
        // East of the centre's meridian only (the centre itself is on the box's edge).
        let east = "71.37,42.8,71.5,43.0"
        #expect(try Self.ids(portal, request([], bbox: east)) == ["centre", "tie-b", "dup-2", "dup-1", "in-4990"])
        #expect(try Self.ids(portal, request(["operator=beeline"], bbox: east)) == ["tie-b", "dup-1", "in-4990"])
        #expect(try portal.nearbyCount(request([], bbox: east)) == 5)
        // A box holding the 40 km site but not the circle, and one across the antimeridian.
        #expect(try Self.ids(portal, request([], bbox: "71.8,42.7,72.0,43.1")) == [])
        #expect(try portal.nearbyCount(request([], bbox: "179,-10,-179,10")) == 0)
        // A box that holds the whole circle changes nothing.
        #expect(try Self.ids(portal, request([], bbox: "70,42,72,44")).count == 7)
    }

    /// Sites on both sides of 180° are found from either side, with or without a bbox across it.
    @Test(arguments: StoreKind.allCases) func acrossTheAntimeridian(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let csv = "id,kind,status,lon,lat\n" + "west,base_station,operational,179.99,10\n"
            + "east,base_station,operational,-179.99,10\n" + "far-west,base_station,operational,179.9,10\n"
            + "far-east,base_station,operational,-179.9,10\n" + "nowhere,base_station,operational,0,10\n"
        let portal = try Self.portal(kind, folder, sitesCSV: csv)
        let west = GeoPoint(longitude: 179.99, latitude: 10), east = GeoPoint(longitude: -179.99, latitude: 10)
        for center in [GeoPoint(longitude: 180, latitude: 10), GeoPoint(longitude: -180, latitude: 10),
                       GeoPoint(longitude: 179.995, latitude: 10.001), GeoPoint(longitude: -179.999, latitude: 9.999)] {
            let request = NearbyRequest(layer: .sites, center: center, radius: Distance(meters: 5000))
            let found = try Self.answer(portal, request)
            let expected = [("west", west), ("east", east)].map { ($0.0, Geodesic.distanceMeters(center, $0.1)) }
                .sorted { $0.1 < $1.1 }
            #expect(found.map(\.id) == expected.map(\.0), "\(center)")
            for ((_, meters), (_, geodesic)) in zip(found, expected) { #expect(abs(meters - geodesic) <= 0.05 + 1e-9) }
            #expect(try portal.nearbyCount(request) == 2)
        }
        // 20 km reach the far sites; a bbox across 180° keeps all four, one on a side keeps that side.
        let center = GeoPoint(longitude: 180, latitude: 10)
        func ids(_ bbox: String?) throws -> [String] {
            let query = ExportQuery(layer: .sites, bbox: try bbox.map(BoundingBox.init(parsing:)))
            return try Self.ids(portal, NearbyRequest(query: query, center: center, radius: Distance(meters: 20_000)))
        }
        #expect(try ids(nil) == ["west", "east", "far-west", "far-east"])
        #expect(try ids("179.5,9,-179.5,11") == ["west", "east", "far-west", "far-east"])
        #expect(try ids("179.5,9,180,11") == ["west", "far-west"])
        #expect(try ids("-180,9,-179.95,11") == ["east"])
        #expect(try ids("-179.95,9,-179.5,11") == ["far-east"])
    }

    /// Around the north pole: sites in every direction, two of them beyond the pole, are found;
    /// one just beyond the radius is not.
    @Test(arguments: StoreKind.allCases) func nearAPole(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let center = GeoPoint(longitude: 10, latitude: 89.99)
        // The centre is 1.1 km from the pole: northward sites lie beyond it, on the other side.
        let sites = [
            Placed(id: "north", meters: 4900, azimuth: 0), Placed(id: "east", meters: 4000, azimuth: 90),
            Placed(id: "south", meters: 3000, azimuth: 180), Placed(id: "west", meters: 2000, azimuth: 270),
            Placed(id: "beyond", meters: 5100, azimuth: 10), Placed(id: "pole", meters: 1112, azimuth: 0),
        ]
        let portal = try Self.portal(kind, folder, center: center, sites: sites)
        let north = try Self.stored(sites[0], from: center)
        #expect(abs(remainder(north.longitude - center.longitude, 360)) > 170)  // over the pole
        let request = NearbyRequest(layer: .sites, center: center, radius: Distance(meters: 5000))
        let found = try Self.answer(portal, request)
        #expect(found.map(\.id) == ["pole", "west", "south", "east", "north"])
        for (id, meters) in found {
            let site = try #require(sites.first { $0.id == id })
            #expect(abs(meters - Geodesic.distanceMeters(center, try Self.stored(site, from: center))) <= 0.05 + 1e-9)
        }
        #expect(try portal.nearbyCount(NearbyRequest(layer: .sites, center: GeoPoint(longitude: 0, latitude: 90),
                                                     radius: Distance(meters: 10_000))) == 6)
    }

    /// A feature's id, geometry and properties are written byte for byte as `qamtu export`
    /// writes them, in every format, with `distance_m` last; the collection is the export's.
    @Test(arguments: StoreKind.allCases) func featuresAreWrittenAsTheExportWritesThem(kind: StoreKind) throws {
        let folder = try TemporaryFolder()
        let portal = try StoreFixture.store(kind, in: folder)
        // Taraz's two sites (t4 0.3 km, t3 1.1 km), the fibre node at Berik and the road's masts.
        let request = NearbyRequest(layer: .sites, center: Self.taraz, radius: Distance(meters: 30_000))
        let order = try Self.answer(portal, request).map(\.id)
        #expect(order == ["t4", "t3", "t5", "t8", "t7"])
        func lines(_ bytes: [UInt8]) -> [String] {
            String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        for (format, precision, properties) in [(ExportFormat.geojsonseq, 6, nil as [String]?), (.geojsonseq, 4, ["name", "range_m"]),
                                                (.csv, 6, nil), (.csv, 5, ["operator", "height_m", "distance_m"])] {
            var options = ExportOptions(format: format, precision: precision, properties: properties)
            let near = MemorySink()
            let written = try portal.nearby(request, options: options, to: near)
            var nearLines = lines(near.bytes)
            options.properties = properties?.filter { $0 != "distance_m" }
            // Each feature exported alone, with the same options.
            var exported: [String] = []
            var header = ""
            for id in order {
                let one = MemorySink()
                _ = try portal.export(ExportQuery(layer: .sites, ids: [id]), options: options, to: one)
                var exportLines = lines(one.bytes)
                if format == .csv { header = exportLines.removeFirst() }
                exported += exportLines
            }
            if format == .csv { #expect(nearLines.removeFirst() == header + ",distance_m") }
            #expect(written == 5 && nearLines.count == 5, "\(format)")
            for (line, export) in zip(nearLines, exported) {
                let stripped: String
                if format == .csv {
                    let cut = try #require(line.lastIndex(of: ","))
                    stripped = String(line[..<cut])
                    #expect(Double(line[line.index(after: cut)...]) != nil)
                } else {
                    let key = try #require(line.range(of: ",\"distance_m\":"))
                    #expect(line.hasSuffix("}}"))
                    stripped = String(line[..<key.lowerBound]) + "}}"
                }
                #expect(stripped == export, "\(format)")
            }
        }
        // The collection: the export's opening with the further members after the name.
        var options = ExportOptions()
        options.collectionMembers = #""numberMatched":3,"links":[]"#
        let sink = MemorySink()
        _ = try portal.nearby(request, options: options, to: sink)
        #expect(sink.text.hasPrefix(#"{"type":"FeatureCollection","name":"sites","numberMatched":3,"links":[],"features":["# + "\n"))
        #expect(sink.text.hasSuffix("\n]}\n"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(sink.bytes)) as? [String: Any])
        #expect((json["features"] as? [[String: Any]])?.count == 5)
        // Only distance_m when no column is asked for; an empty answer is the export's empty collection.
        let bare = MemorySink()
        _ = try portal.nearby(request.withQuery { $0.paged(limit: 1) }, options: ExportOptions(properties: []), to: bare)
        #expect(bare.text.contains(#""properties":{"distance_m":"#))
        let none = MemorySink()
        _ = try portal.nearby(NearbyRequest(layer: .sites, center: GeoPoint(longitude: 0, latitude: 0), radius: Distance(meters: 1)),
                              to: none)
        #expect(none.text == #"{"type":"FeatureCollection","name":"sites","features":["# + "\n]}\n")
    }

    /// Bad requests are refused with an invalid-input error that names the problem.
    @Test func badRequestsAreRefused() throws {
        let portal = Portal(store: MemoryStore())
        func refusal(_ request: NearbyRequest) -> PortalError? {
            do {
                _ = try portal.nearbyCount(request)
                return nil
            } catch let error as PortalError {
                #expect(error.category == .invalidInput)
                return error
            } catch {
                return nil
            }
        }
        let center = GeoPoint(longitude: 71, latitude: 43)
        let km = Distance(meters: 1000)
        for layer in [LayerSchema.districts, .roads] {
            let error = refusal(NearbyRequest(layer: layer, center: center, radius: km))
            #expect(error?.message.contains(layer.name) == true, "\(String(describing: error))")
        }
        for bad in [GeoPoint(longitude: 181, latitude: 0), GeoPoint(longitude: -180.5, latitude: 0),
                    GeoPoint(longitude: 0, latitude: 90.01), GeoPoint(longitude: 0, latitude: -91),
                    GeoPoint(longitude: .nan, latitude: 0), GeoPoint(longitude: 0, latitude: .infinity)] {
            #expect(refusal(NearbyRequest(layer: .sites, center: bad, radius: km))?.message.contains("centre") == true, "\(bad)")
        }
        for radius in [0, -5, 1_000_001, .infinity, .nan] as [Double] {
            #expect(refusal(NearbyRequest(layer: .sites, center: center, radius: Distance(meters: radius)))?.message
                .contains("distance") == true, "\(radius)")
        }
        // The edges of the ranges are accepted.
        for ok in [GeoPoint(longitude: 180, latitude: 90), GeoPoint(longitude: -180, latitude: -90)] {
            #expect(try portal.nearbyCount(NearbyRequest(layer: .sites, center: ok, radius: NearbyRequest.maximumRadius)) == 0)
        }
        #expect(try portal.nearbyCount(NearbyRequest(layer: .commitments, center: center, radius: Distance(meters: 0.001))) == 0)
        let sorted = NearbyRequest(query: ExportQuery(layer: .sites).sorted(by: [SortKey(column: "name", descending: false)]),
                                   center: center, radius: km)
        #expect(refusal(sorted)?.message.contains("sort") == true)
        #expect(refusal(NearbyRequest(query: ExportQuery(layer: .sites).paged(limit: -1), center: center, radius: km)) != nil)
        #expect(refusal(NearbyRequest(query: ExportQuery(layer: .sites).paged(limit: 1, offset: -1), center: center, radius: km)) != nil)
        // validate() says the same before any reading; unknown properties fail as the export's do.
        #expect(throws: PortalError.self) { try sorted.validate() }
        #expect(throws: GeoModelError.unknownField(layer: "sites", field: "nosuch")) {
            try portal.nearby(NearbyRequest(layer: .sites, center: center, radius: km),
                              options: ExportOptions(properties: ["nosuch"]), to: MemorySink())
        }
    }

    /// The stream gives the same bytes as the direct call; bad input fails before it starts.
    @Test func streamsTheSameBytes() async throws {
        let folder = try TemporaryFolder()
        let portal = try Self.portal(.memory, folder, center: Self.taraz, sites: Self.ring)
        let request = NearbyRequest(layer: .sites, center: Self.taraz, radius: Self.fiveKilometres)
        let direct = MemorySink()
        #expect(try await portal.nearby(request, to: direct) == 7)
        #expect(try await portal.nearbyCount(request) == 7)
        let sink = try portal.nearbyStream(request, sink: ChunkedSink(chunkBytes: 64, maximumQueuedBytes: 256))
        var received: [UInt8] = []
        for try await chunk in sink { received += chunk }
        #expect(received == direct.bytes)
        #expect(throws: PortalError.self) {
            _ = try portal.nearbyStream(NearbyRequest(layer: .roads, center: Self.taraz, radius: Self.fiveKilometres))
        }
        #expect(throws: GeoModelError.self) {
            _ = try portal.nearbyStream(request, options: ExportOptions(properties: ["nosuch"]))
        }
    }

    /// The store is asked only for the features in a box around the circle (its R*Tree search in
    /// SpatiaLite): up to 1,025 of them whole in one query, and when there are more, only their ids
    /// and points, then the page's features by id. Either way the answer is a brute-force scan's.
    @Test(arguments: [100_000.0, 1_000_000]) func readsOnlyTheCircleBoxAndThePage(radius: Double) throws {
        let base = AsyncSurfaceTests.largeStore(count: 25_000)
        let store = RecordingStore(base)
        let portal = Portal(store: store)
        let center = GeoPoint(longitude: 71.37, latitude: 42.9)
        let request = NearbyRequest(query: ExportQuery(layer: .sites).paged(limit: 100), center: center,
                                    radius: Distance(meters: radius))
        let found = try Self.answer(portal, request)
        #expect(found.count == 100)
        #expect(found.map(\.meters) == found.map(\.meters).sorted())
        let reads = store.reads
        let box = try #require(reads.first?.query.bbox)
        #expect(box.contains(center))
        #expect(reads.allSatisfy { $0.query.bbox == box && $0.query.filters.isEmpty })
        if radius == 100_000 {
            // About ±1.23° of longitude and ±0.9° of latitude around the centre: a few hundred sites, read once.
            #expect(box.maxLongitude - box.minLongitude < 2.5 && box.maxLatitude - box.minLatitude < 1.85)
            #expect(reads.map(\.kind) == ["whole"] && reads[0].query.limit == 1_025)
            #expect(store.idLookups == [])
        } else {
            #expect(reads.map(\.kind) == ["whole", "scan"] && reads[1].query.limit == nil && reads[1].columns == [])
            #expect(store.idLookups == [100])
        }
        // The answer equals a brute-force scan of the whole layer.
        var all: [(id: String, meters: Double, order: Int)] = []
        for point in try base.points(.sites) {
            let meters = (Geodesic.distanceMeters(center, point.position) * 10).rounded() / 10
            if Geodesic.distanceMeters(center, point.position) <= radius { all.append((point.id, meters, all.count)) }
        }
        all.sort { $0.meters != $1.meters ? $0.meters < $1.meters : $0.order < $1.order }
        #expect(found.map(\.id) == all.prefix(100).map(\.id))
        #expect(try portal.nearbyCount(request) == all.count)
        #expect(all.count > (radius == 100_000 ? 100 : 1_025))
    }
}

extension NearbyRequest {
    /// The same request with its query changed by `change`.
    func withQuery(_ change: (ExportQuery) -> ExportQuery) -> NearbyRequest {
        NearbyRequest(query: change(query), center: center, radius: radius)
    }
}

/// A store that forwards to another and records the feature reads and id lookups it is asked for.
final class RecordingStore: PortalStore, @unchecked Sendable {
    let base: any PortalStore
    private let lock = NSLock()
    private var recordedReads: [(kind: String, query: ExportQuery, columns: [String])] = []
    private var recordedLookups: [Int] = []

    init(_ base: any PortalStore) { self.base = base }

    /// `whole` for ``features(_:)``, `scan` for ``forEachFeature(_:columns:_:)``.
    var reads: [(kind: String, query: ExportQuery, columns: [String])] { lock.withLock { recordedReads } }
    var idLookups: [Int] { lock.withLock { recordedLookups } }

    var location: String { base.location }
    func count(_ query: ExportQuery) throws -> Int { try base.count(query) }
    func features(_ query: ExportQuery) throws -> [FeatureRecord] {
        lock.withLock { recordedReads.append(("whole", query, [])) }
        return try base.features(query)
    }
    func forEachFeature(_ query: ExportQuery, columns names: [String], _ body: (FeatureRecord) throws -> Void) throws {
        lock.withLock { recordedReads.append(("scan", query, names)) }
        try base.forEachFeature(query, columns: names, body)
    }
    func export(_ query: ExportQuery, options: ExportOptions, to sink: OutputSink) throws -> Int {
        try base.export(query, options: options, to: sink)
    }
    func features(_ layer: LayerSchema, ids: [String]) throws -> [FeatureRecord] {
        lock.withLock { recordedLookups.append(ids.count) }
        return try base.features(layer, ids: ids)
    }
    func nameCandidates(_ layer: LayerSchema) throws -> [NameMatcher.Candidate] { try base.nameCandidates(layer) }
    func points(_ layer: LayerSchema) throws -> [PointFeature] { try base.points(layer) }
    func coverageSource() -> any StoreCoverageSource { base.coverageSource() }
    func importFeatures(from source: any FeatureSource, into layer: LayerSchema, fileName: String,
                        options: ImportOptions, progress: ((ImportProgress) -> Void)?) throws -> ImportReport {
        try base.importFeatures(from: source, into: layer, fileName: fileName, options: options, progress: progress)
    }
    func interrupt() { base.interrupt() }
    func extent(_ layer: LayerSchema) throws -> BoundingBox? { try base.extent(layer) }
    func status() throws -> StoreStatus { try base.status() }
    func changeToken() throws -> Int64 { try base.changeToken() }
}
