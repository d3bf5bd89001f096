import Foundation
import QamtuTestSupport
import Geodesy
import Testing
@testable import GeoModel

@Suite("GeoJSON, CSV and WKT readers")
struct ReaderTests {
    @Test func streamsFeaturesWithLinesAndIndexes() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("a.geojson", """
            {"type": "FeatureCollection", "name": "x",
             "features": [
              {"type": "Feature", "id": "a", "properties": {"name": "A"}, "geometry": {"type": "Point", "coordinates": [71.4, 42.9]}},
              {"type": "Feature", "properties": {"id": "b", "tech": ["2G", "4G"]},
               "geometry": {"type": "LineString", "coordinates": [[70, 42], [71, 43, 500]]}}
             ],
             "bbox": [70, 42, 71.4, 43]}
            """)
        let reader = try GeoJSONFeatureReader(path: path, displayName: "a.geojson")
        let first = try #require(try reader.next())
        #expect(first.location.description == "a.geojson: feature 0 (line 3)")
        #expect(first.properties["id"] == .string("a"))
        #expect(first.geometry == .point(GeoPoint(longitude: 71.4, latitude: 42.9)))
        let second = try #require(try reader.next())
        #expect(second.location.line == 4)
        #expect(second.properties["tech"] == .string("2G;4G"))
        #expect(second.geometry == .lineString([GeoPoint(longitude: 70, latitude: 42), GeoPoint(longitude: 71, latitude: 43)]))
        #expect(try reader.next() == nil)
        #expect(reader.collectionMembers["name"] == .string("x"))
    }

    @Test func reportsABrokenFeatureAndGoesOn() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("b.geojson", """
            {"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"population": 12a},"geometry":null},
            {"type":"Feature","properties":{"id":"ok"},"geometry":null}
            ]}
            """)
        let reader = try GeoJSONFeatureReader(path: path, displayName: "b.geojson")
        let bad = try #require(try reader.next())
        #expect(bad.isUnreadable)
        #expect(bad.unreadableReason == "invalid JSON: expected ',' or '}' in object")
        let good = try #require(try reader.next())
        #expect(good.properties["id"] == .string("ok"))
    }

    @Test(arguments: [
        ("[1,2]", "x.geojson:1: not a GeoJSON FeatureCollection (expected '{' at the start)"),
        (#"{"type":"Feature","geometry":null,"properties":{}}"#, "x.geojson:1: not a GeoJSON FeatureCollection (type is 'Feature')"),
        (#"{"type":"FeatureCollection","features":[{"type":"Feature""#, "x.geojson:1: unexpected end of file in a value that starts on line 1"),
        (#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}},"features":[]}"#,
         "x.geojson:1: the file declares crs 'urn:ogc:def:crs:EPSG::3857'; Qamtu reads WGS84 lon/lat only (EPSG:4326, RFC 7946) — reproject first, e.g. ogr2ogr -t_srs EPSG:4326"),
    ])
    func refusesWhatIsNotAFeatureCollection(text: String, message: String) throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("x.geojson", text)
        let reader = try GeoJSONFeatureReader(path: path, displayName: "x.geojson")
        do {
            while try reader.next() != nil {}
            Issue.record("expected an error")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func readsCSVWithBOMQuotesAndSemicolons() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("s.csv", bytes: [0xEF, 0xBB, 0xBF] + Array("id;name;lat;lon\r\n1;\"Жаңа; \"\"аул\"\"\";42,5;71,25\r\n\r\n2;\"two\nlines\";43;72\n".utf8))
        let reader = try CSVReader(path: path, displayName: "s.csv")
        #expect(reader.separator == UInt8(ascii: ";"))
        #expect(try reader.next()?.fields == ["id", "name", "lat", "lon"])
        let one = try #require(try reader.next())
        #expect(one.line == 2)
        #expect(one.fields == ["1", "Жаңа; \"аул\"", "42,5", "71,25"])
        let two = try #require(try reader.next())
        #expect(two.line == 4)
        #expect(two.fields == ["2", "two\nlines", "43", "72"])
        #expect(try reader.next() == nil)
    }

    /// Coordinates and numbers are read with the spaces and tabs around them left out, Unicode
    /// ones (no-break, figure, ideographic space) included, as Foundation's `.whitespaces` has them.
    @Test func trimsSpacesAroundValues() throws {
        for (text, expected) in [("71.25", "71.25"), (" 71.25\t", "71.25"), ("\u{00A0}42.5\u{2007}", "42.5"),
                                 ("\u{3000}x y\u{3000}", "x y"), ("Жаңа", "Жаңа"), (" Жаңа ", "Жаңа"), ("", ""), ("\t", ""),
                                 ("a\n", "a\n")] {
            #expect(text.trimmedOfSpaces == expected, "\(text.debugDescription)")
            #expect(text.trimmedOfSpaces == text.trimmingCharacters(in: .whitespaces), "\(text.debugDescription)")
        }
        let folder = try TemporaryFolder()
        let path = try folder.write("p.csv", bytes: Array("id,lon,lat\nsp, 71.25 ,\u{00A0}42.5\u{00A0}\n".utf8))
        let source = try CSVSource(path: path, displayName: "p.csv", layer: .settlements, options: SourceOptions())
        let feature = try #require(try source.next())
        #expect(feature.geometry == .point(GeoPoint(longitude: 71.25, latitude: 42.5)))
        #expect(feature.readProblems.isEmpty)
    }

    @Test func reportsAnUnterminatedQuote() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("q.csv", "id,name\n1,\"open\n2,x\n")
        let reader = try CSVReader(path: path, displayName: "q.csv")
        _ = try reader.next()
        #expect(throws: GeoModelError.unreadable(file: "q.csv", line: 2, message: "a quoted field starts here and never ends")) {
            _ = try reader.next()
        }
    }

    @Test func parsesAndWritesWKT() throws {
        let g = try WKT.parse("SRID=4326;MULTIPOLYGON (((70 42, 71 42, 71 43, 70 42)), ((72 44, 73 44, 73 45, 72 44)))").get()
        guard case .multiPolygon(let polys) = g else { Issue.record("wrong type"); return }
        #expect(polys.count == 2)
        #expect(WKT.text(g) == "MULTIPOLYGON (((70.0 42.0,71.0 42.0,71.0 43.0,70.0 42.0)),((72.0 44.0,73.0 44.0,73.0 45.0,72.0 44.0)))")
        #expect(try WKT.parse("POINT Z (71.5 42.75 300)").get() == .point(GeoPoint(longitude: 71.5, latitude: 42.75)))
        #expect(try WKT.parse(WKT.text(.lineString([GeoPoint(longitude: 1.25, latitude: -2)]))).get()
                == .lineString([GeoPoint(longitude: 1.25, latitude: -2)]))
        #expect(throws: ConversionFailure.self) { try WKT.parse("CIRCLE (1 2)").get() }
        #expect(throws: ConversionFailure.self) { try WKT.parse("POINT (1 2").get() }
        #expect(throws: ConversionFailure.self) { try WKT.parse("SRID=3857;POINT (1 2)").get() }
    }

    @Test func detectsFormatsFromContent() {
        func detect(_ text: String) -> InputFormat { InputFormat.detect(head: Array(text.utf8)) }
        #expect(detect(#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"shapeName":"A","shapeID":"1"}"#) == .geoboundaries)
        #expect(detect(#" {"features":[{"properties":{"name":null,"place":"village","osm_id":1}"#) == .osmPlaces)
        #expect(detect(#"{"type":"FeatureCollection","features":[]}"#) == .geojson)
        #expect(detect("radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal\n") == .opencellid)
        #expect(detect("id;name;lon;lat\n") == .csv)
    }

    @Test func parsesBoundingBoxes() throws {
        let box = try BoundingBox(parsing: "170, -10, -170, 10")
        #expect(box.crossesAntimeridian)
        #expect(box.splitAtAntimeridian.count == 2)
        #expect(throws: GeoModelError.invalidBoundingBox("1,2,3", "expected 4 numbers minLon,minLat,maxLon,maxLat, got 3")) {
            try BoundingBox(parsing: "1,2,3")
        }
        #expect(throws: GeoModelError.invalidBoundingBox("0,50,1,40", "minLat 50.0 is greater than maxLat 40.0")) {
            try BoundingBox(parsing: "0,50,1,40")
        }
        #expect(throws: GeoModelError.invalidBoundingBox("0,0,200,1", "longitude 200.0 is outside [-180, 180]")) {
            try BoundingBox(parsing: "0,0,200,1")
        }
    }
}
