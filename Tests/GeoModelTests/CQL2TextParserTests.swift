import Geodesy
import Testing
@testable import GeoModel

@Suite("CQL2 text filters")
struct CQL2TextParserTests {
    func parse(_ text: String, _ layer: LayerSchema = .settlements) throws -> FeatureCondition {
        try CQL2TextParser.parse(text, layer: layer)
    }

    /// The message of the error that parsing `text` throws, or nil when it parses.
    func message(_ text: String, _ layer: LayerSchema = .settlements) -> String? {
        do {
            _ = try CQL2TextParser.parse(text, layer: layer)
            return nil
        } catch {
            #expect(error.category == .invalidInput)
            return error.description
        }
    }

    @Test func comparisonsAreTypedByTheirColumn() throws {
        #expect(try parse("population = 5000") == .compare(column: "population", .equal, .integer(5000)))
        #expect(try parse("population<>5000") == .compare(column: "population", .notEqual, .integer(5000)))
        #expect(try parse("population < 1.5e3") == .compare(column: "population", .less, .real(1500)))
        #expect(try parse("population <= 2.5") == .compare(column: "population", .lessOrEqual, .real(2.5)))
        // No range check: a bound outside the column's range is a valid comparison.
        #expect(try parse("population >= -2") == .compare(column: "population", .greaterOrEqual, .integer(-2)))
        #expect(try parse("population > 1E-2") == .compare(column: "population", .greater, .real(0.01)))
        // A literal on the left: the operator is turned round.
        #expect(try parse("5000 < population") == .compare(column: "population", .greater, .integer(5000)))
        #expect(try parse("name = 'Taraz'") == .compare(column: "name", .equal, .text("Taraz")))
        #expect(try parse("\"name\" = 'It''s'") == .compare(column: "name", .equal, .text("It's")))
        #expect(try parse("name = ''") == .compare(column: "name", .equal, .text("")))
        #expect(try parse("name_kk = 'Тараз'") == .compare(column: "name_kk", .equal, .text("Тараз")))
        // Enumerations take the schema's spelling; sets its order; real columns hold reals.
        #expect(try parse("kind = 'TOWN'") == .compare(column: "kind", .equal, .text("town")))
        #expect(try parse("technologies = '4G;2G'", .sites) == .compare(column: "technologies", .equal, .text("2G;4G")))
        #expect(try parse("range_m > 5000", .sites) == .compare(column: "range_m", .greater, .real(5000)))
        #expect(try parse("TRUE") == .always)
        #expect(try parse("population > 1 AND false") == .and([.compare(column: "population", .greater, .integer(1)), .never]))
    }

    @Test func andBindsTighterThanOrAndNotTighterThanAnd() throws {
        let a = FeatureCondition.compare(column: "name", .equal, .text("a"))
        let b = FeatureCondition.compare(column: "name", .equal, .text("b"))
        let c = FeatureCondition.compare(column: "name", .equal, .text("c"))
        #expect(try parse("name = 'a' OR name = 'b' AND name = 'c'") == .or([a, .and([b, c])]))
        #expect(try parse("name = 'a' AND name = 'b' OR name = 'c'") == .or([.and([a, b]), c]))
        #expect(try parse("(name = 'a' OR name = 'b') AND name = 'c'") == .and([.or([a, b]), c]))
        #expect(try parse("NOT name = 'a' AND name = 'b'") == .and([.not(a), b]))
        #expect(try parse("name = 'a' or not (name = 'b' and name = 'c')") == .or([a, .not(.and([b, c]))]))
        #expect(try parse("((name = 'a'))") == a)
        #expect(try parse("NOT NOT name = 'a'") == .not(.not(a)))
    }

    @Test func advancedComparisons() throws {
        #expect(try parse("kind IN ('city', 'Town')") == .isIn(column: "kind", [.text("city"), .text("town")]))
        #expect(try parse("population not in (1, 2.5)") == .not(.isIn(column: "population", [.integer(1), .real(2.5)])))
        #expect(try parse("population BETWEEN 800 AND 5000 AND fibre IS NULL")
            == .and([.between(column: "population", .integer(800), .integer(5000)), .isNull(column: "fibre")]))
        #expect(try parse("population NOT BETWEEN -1 AND 1e2") == .not(.between(column: "population", .integer(-1), .real(100))))
        #expect(try parse("name LIKE 'Ta%'") == .like(column: "name", pattern: "Ta%"))
        #expect(try parse("name NOT LIKE '_a\\%'") == .not(.like(column: "name", pattern: "_a\\%")))
        #expect(try parse("kind like 'v%'") == .like(column: "kind", pattern: "v%"))
        #expect(try parse("fibre IS NULL") == .isNull(column: "fibre"))
        #expect(try parse("fibre is not null") == .not(.isNull(column: "fibre")))
    }

    @Test func spatialTests() throws {
        let box = BoundingBox(minLongitude: 71.05, minLatitude: 42.8, maxLongitude: 71.4, maxLatitude: 43.05)
        #expect(try parse("S_INTERSECTS(geom, BBOX(71.05, 42.8, 71.4, 43.05))") == .intersectsBox(box))
        #expect(try parse("intersects(BBOX(71.05,42.8,71.4,43.05), geometry)") == .intersectsBox(box))
        #expect(try parse("s_intersects(\"geometry\", bbox(71.05,42.8,71.4,43.05))") == .intersectsBox(box))
        #expect(try parse("S_INTERSECTS(geom, POINT(71.5 43.2))") == .intersects(.point(GeoPoint(longitude: 71.5, latitude: 43.2))))
        let ring = [(70.9, 42.9), (71.15, 42.9), (70.9, 43.15), (70.9, 42.9)].map { GeoPoint(longitude: $0.0, latitude: $0.1) }
        #expect(try parse("S_INTERSECTS(POLYGON((70.9 42.9, 71.15 42.9, 70.9 43.15, 70.9 42.9)), geom)") == .intersects(.polygon([ring])))
        #expect(try parse("NOT S_INTERSECTS(geom, POINT(-1.5 -2)) AND name = 'x'")
            == .and([.not(.intersects(.point(GeoPoint(longitude: -1.5, latitude: -2)))), .compare(column: "name", .equal, .text("x"))]))
        #expect(try parse("S_INTERSECTS(geom, MULTIPOINT((1 2), (3 4)))", .sites)
            == .intersects(.multiPoint([GeoPoint(longitude: 1, latitude: 2), GeoPoint(longitude: 3, latitude: 4)])))
    }

    @Test func errorsNameThePositionAndWhatWasExpected() {
        #expect(message("population = ") == "filter: expected a value after '=', found the end of the filter at character 14")
        #expect(message("population = AND name = 'x'") == "filter: expected a value after '=', found 'AND' at character 14")
        #expect(message("nme = 'x'") == "filter: unknown property 'nme' (queryables of settlements: id, name, name_kk, name_ru, "
            + "name_en, kind, population, district, fibre, fibre_year, osm_id, geometry) at character 1")
        #expect(message("population = 'many'")
            == "filter: the value 'many' does not fit property 'population', which holds whole numbers (write numbers without quotes) at character 14")
        #expect(message("name = 5") == "filter: the value '5' does not fit property 'name', which holds text (write text in single quotes: '5') at character 8")
        #expect(message("kind = 'villag'")
            == "filter: the value 'villag' does not fit property 'kind', which holds one of city, town, village, hamlet, isolated_dwelling at character 8")
        #expect(message("population = TRUE") == "filter: the value 'TRUE' does not fit property 'population', which holds whole numbers at character 14")
        #expect(message("(name = 'a'") == "filter: expected ')' to close the '(' at character 1, found the end of the filter at character 12")
        #expect(message("name = 'a')") == "filter: unexpected ')' without a matching '(' at character 11")
        #expect(message("name = 'a' name = 'b'") == "filter: expected AND, OR or the end of the filter, found 'name' at character 12")
        #expect(message("name == 'a'") == "filter: expected a value after '=', found '=' at character 7")
        #expect(message("name = 'abc") == "filter: the text starting with ' is not closed (expected a closing ') at character 8")
        #expect(message("name != 'a'") == "filter: unexpected character '!' (write <> for 'not equal') at character 6")
        #expect(message("name = 'x'; DROP TABLE settlements") == "filter: unexpected character ';' at character 11")
        #expect(message("population LIKE '5%'") == "filter: LIKE needs a text property, but 'population' holds numbers at character 12")
        #expect(message("name LIKE 'a\\'") == "filter: the LIKE pattern ends with the escape character '\\' (write '\\\\' for a backslash) at character 11")
        #expect(message("S_WITHIN(geom, POINT(1 2))") == "filter: unsupported function 'S_WITHIN' (supported: S_INTERSECTS, INTERSECTS) at character 1")
        #expect(message("S_INTERSECTS(geom, BBOX(71, 42, 70))") == "filter: BBOX needs 4 numbers (minLon, minLat, maxLon, maxLat), got 3 at character 20")
        #expect(message("S_INTERSECTS(geom, BBOX(71, 44, 72, 43))") == "filter: BBOX minLat 44.0 is greater than maxLat 43.0 at character 20")
        #expect(message("S_INTERSECTS(geom, POINT(200 43))")
            == "filter: invalid POINT: position 0 (200.0, 43.0) is outside the WGS84 range (longitude -180…180, latitude -90…90) at character 20")
        #expect(message("S_INTERSECTS(name, POINT(1 2))")
            == "filter: expected the geometry property (geometry or geom) or a geometry in S_INTERSECTS, found 'name' at character 14")
        #expect(message("S_INTERSECTS(geom, geometry)") == "filter: S_INTERSECTS needs a geometry such as BBOX(…) or POINT(…) as one argument at character 20")
        #expect(message("geometry = 5") == "filter: the geometry can only be tested with S_INTERSECTS at character 1")
        #expect(message("") == "filter: the filter is empty; expected a condition at character 1")
        #expect(message("name = 'a' AND") == "filter: expected a condition after 'AND', found the end of the filter at character 15")
        #expect(message("name IS 'x'") == "filter: expected NULL after IS, found 'x' at character 9")
        #expect(message("name NOT = 'x'") == "filter: expected IN, BETWEEN or LIKE after NOT, found '=' at character 10")
        #expect(message("population BETWEEN 1 5") == "filter: expected AND in BETWEEN … AND …, found '5' at character 22")
        #expect(message("kind IN ('city' 'town')") == "filter: expected ',' or ')' in the IN list, found 'town' at character 17")
        #expect(message("name") == "filter: expected a comparison (=, <>, <, <=, >, >=, IN, BETWEEN, LIKE, IS NULL) after 'name', found the end of the filter at character 5")
        #expect(message("name = district") == "filter: comparing two properties is not supported; expected a value after '=' at character 8")
        #expect(message("population = 12abc") == "filter: '12a' is not a number at character 14")
    }

    /// A quote doubled inside text is part of the text: the rest never becomes a condition (and
    /// nothing of it becomes SQL: the value is bound).
    @Test func injectionAttemptsStayPlainText() throws {
        #expect(try parse("name = 'x'' OR 1=1 --'") == .compare(column: "name", .equal, .text("x' OR 1=1 --")))
        #expect(try parse("name = 'a''); DROP TABLE settlements; --'")
            == .compare(column: "name", .equal, .text("a'); DROP TABLE settlements; --")))
        // A doubled double quote stays inside a property name.
        #expect(message("\"name\"\" = 1 OR \"\"name\" = 'x'")?.hasPrefix("filter: unknown property \"name\" = 1 OR \"name\" (queryables") == true)
    }

    @Test func nestingAndLengthAreBounded() throws {
        let a = FeatureCondition.compare(column: "name", .equal, .text("a"))
        let deep = String(repeating: "(", count: 64) + "name = 'a'" + String(repeating: ")", count: 64)
        #expect(try parse(deep) == a)
        let tooDeep = String(repeating: "(", count: 65) + "name = 'a'" + String(repeating: ")", count: 65)
        #expect(message(tooDeep) == "filter: the filter nests deeper than 64 levels of parentheses and NOT at character 65")
        #expect(message(String(repeating: "NOT ", count: 65) + "name = 'a'")
            == "filter: the filter nests deeper than 64 levels of parentheses and NOT at character 257")
        #expect(message(String(repeating: "(", count: 100_000)) == "filter: the filter is 100000 bytes long; at most 8192 are accepted")
        // A long flat OR within the limit is no problem (no recursion per term).
        let terms = Array(repeating: "name = 'a'", count: 500)
        let flat = try parse(terms.joined(separator: " OR "))
        #expect(flat == .or(Array(repeating: a, count: 500)))
    }

    @Test func evaluationUsesThreeValuedLogic() throws {
        let layer = LayerSchema.settlements
        func record(population: FieldValue, name: FieldValue, geometry: Geometry? = nil) -> FeatureRecord {
            var values = [FieldValue](repeating: .null, count: layer.columns.count)
            values[0] = .text("x")
            values[1] = name
            values[6] = population
            return FeatureRecord(values: values, geometry: geometry)
        }
        let missing = record(population: .null, name: .text("Aqsu"))
        let big = record(population: .integer(5000), name: .text("Aqsu"), geometry: .point(GeoPoint(longitude: 71, latitude: 43)))
        func value(_ text: String, _ r: FeatureRecord) throws -> Bool? { try parse(text).evaluate(r, layer: layer) }
        #expect(try value("population > 10", missing) == nil)
        #expect(try value("NOT population > 10", missing) == nil)
        #expect(try value("population > 10 OR name = 'Aqsu'", missing) == true)
        #expect(try value("population > 10 AND name = 'x'", missing) == false)
        #expect(try value("population > 10 AND name = 'Aqsu'", missing) == nil)
        #expect(try value("population IN (1, 2)", missing) == nil)
        #expect(try value("population BETWEEN 1 AND 2", missing) == nil)
        #expect(try value("population BETWEEN 6000 AND 2", big) == false)
        #expect(try value("population BETWEEN 5000 AND 5000.0", big) == true)
        #expect(try value("population IS NULL", missing) == true)
        #expect(try value("name = 'aqsu'", big) == false)
        #expect(try value("name > 'Aqs'", big) == true)
        #expect(try value("S_INTERSECTS(geom, BBOX(70, 42, 72, 44))", big) == true)
        #expect(try value("NOT S_INTERSECTS(geom, BBOX(70, 42, 72, 44))", missing) == nil)
        #expect(FeatureCondition.isIn(column: "population", []).evaluate(missing, layer: layer) == false)
        #expect(FeatureCondition.isIn(column: "population", [.integer(5000), .null]).evaluate(big, layer: layer) == true)
        #expect(FeatureCondition.isIn(column: "population", [.integer(1), .null]).evaluate(big, layer: layer) == nil)
        // Text compares by UTF-8 bytes: no Unicode normalisation (as SQLite's BINARY collation).
        let composed = record(population: .null, name: .text("Caf\u{E9}"))
        #expect(FeatureCondition.compare(column: "name", .equal, .text("Cafe\u{301}")).evaluate(composed, layer: layer) == false)
        #expect(throws: GeoModelError.unknownField(layer: "settlements", field: "nosuch")) {
            try FeatureCondition.isNull(column: "nosuch").validate(for: layer)
        }
    }

    @Test func likePatterns() {
        #expect(LikePattern("Ta%").matches("Taraz"))
        #expect(!LikePattern("ta%").matches("Taraz"))
        #expect(LikePattern("%raz").matches("Taraz"))
        #expect(LikePattern("T_r_z").matches("Taraz"))
        #expect(!LikePattern("T_r_z").matches("Tarraz"))
        #expect(LikePattern("Т_раз").matches("Тараз"))
        #expect(LikePattern("%").matches(""))
        #expect(!LikePattern("_").matches(""))
        #expect(LikePattern("%a%a%a%").matches("banana ananas"))
        #expect(!LikePattern("%a%a%a%x").matches("banana ananas"))
        #expect(LikePattern("100\\%").matches("100%"))
        #expect(!LikePattern("100\\%").matches("1000"))
        #expect(LikePattern("a\\_b").matches("a_b") && !LikePattern("a\\_b").matches("axb"))
        #expect(LikePattern("a\\\\b").matches("a\\b"))
        #expect(LikePattern("[*?]").matches("[*?]"))
    }

    @Test func planarIntersectionOfGeometries() {
        func p(_ lon: Double, _ lat: Double) -> GeoPoint { GeoPoint(longitude: lon, latitude: lat) }
        let square = Geometry.polygon([[p(0, 0), p(10, 0), p(10, 10), p(0, 10), p(0, 0)],
                                       [p(4, 4), p(6, 4), p(6, 6), p(4, 6), p(4, 4)]])
        #expect(square.intersects(.point(p(1, 1))))
        #expect(!square.intersects(.point(p(5, 5))), "in the hole")
        #expect(square.intersects(.point(p(10, 5))), "on the outer edge")
        #expect(square.intersects(.point(p(4, 5))), "on the hole's edge")
        #expect(!square.intersects(.point(p(11, 5))))
        #expect(square.intersects(.lineString([p(-1, 5), p(11, 5)])), "crosses without a vertex inside")
        #expect(!square.intersects(.lineString([p(4.5, 4.5), p(5.5, 5.5)])), "inside the hole")
        #expect(square.intersects(.polygon([[p(1, 1), p(2, 1), p(2, 2), p(1, 1)]])), "inside")
        #expect(square.intersects(.polygon([[p(-5, -5), p(20, -5), p(20, 20), p(-5, -5)]])), "contains the square")
        #expect(!square.intersects(.polygon([[p(4.5, 4.5), p(5.5, 4.5), p(5.5, 5.5), p(4.5, 4.5)]])), "inside the hole")
        #expect(!square.intersects(.polygon([[p(20, 20), p(30, 20), p(30, 30), p(20, 20)]])))
        #expect(Geometry.point(p(1, 2)).intersects(.multiPoint([p(3, 4), p(1, 2)])))
        #expect(!Geometry.point(p(1, 2)).intersects(.point(p(1, 2.000001))))
        #expect(Geometry.lineString([p(0, 0), p(2, 2)]).intersects(.lineString([p(0, 2), p(2, 0)])))
        #expect(!Geometry.lineString([p(0, 0), p(2, 2)]).intersects(.lineString([p(0, 1), p(1, 2)])))
    }

    @Test func queryablesHaveJSONSchemaTypes() throws {
        let settlements = LayerSchema.settlements.queryables
        #expect(settlements.map(\.name) == ["id", "name", "name_kk", "name_ru", "name_en", "kind", "population", "district",
                                             "fibre", "fibre_year", "osm_id", "geometry"])
        #expect(settlements.map { $0.jsonType ?? $0.format ?? "" } == ["string", "string", "string", "string", "string", "string",
                                                                         "integer", "string", "string", "integer", "integer",
                                                                         "geometry-point"])
        #expect(settlements[5].jsonSchema == .object([("title", .string("kind")), ("type", .string("string")),
                                                      ("enum", .array(LayerSchema.settlementKinds.map(JSONValue.string)))]))
        #expect(settlements[6].jsonSchema == .object([("title", .string("population")), ("type", .string("integer")),
                                                      ("minimum", .integer(0)), ("maximum", .integer(100_000_000))]))
        #expect(settlements[11].jsonSchema == .object([("title", .string("geometry")), ("format", .string("geometry-point")),
                                                       ("x-ogc-role", .string("primary-geometry"))]))
        #expect(LayerSchema.districts.queryables.last?.format == "geometry-multipolygon")
        let sites = LayerSchema.sites.queryables
        #expect(sites.first { $0.name == "height_m" }?.jsonSchema == .object([
            ("title", .string("height_m")), ("type", .string("number")), ("minimum", .number(0)), ("maximum", .number(1_000))]))
        #expect(sites.first { $0.name == "technologies" }?.description == "values from 2G, 3G, 4G, 5G, fibre separated by ';' in this order")
    }
}
