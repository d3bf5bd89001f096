import Foundation
import GeoModel
import QamtuTestSupport
import Testing
@testable import GeoStorage

/// Places that match a name equally well are ranked by size and by whether they lie in the
/// region's districts, so a town comes before a hamlet of the same name (issue 20, item 12).
@Suite("Name search: equal matches ranked by the place")
struct NameRankingTests {
    @Test func aLargerPlaceAndTheRegionsOwnComeFirst() throws {
        let fixture = try Fixture()
        try fixture.importText(.districts, "d.csv", "id,name,wkt\nkordai,Kordai,\"MULTIPOLYGON(((74 42,76 42,76 44,74 44,74 42)))\"\n")
        try fixture.importText(.settlements, "s.csv", """
            id,name,name_ru,kind,population,lon,lat
            a-hamlet,Қордай,Кордай,hamlet,40,60.1,50.1
            b-village,Қордай,Кордай,village,,60.2,50.2
            c-town,Қордай,Кордай,town,30000,60.3,50.3
            d-city-no-population,Қордай,Кордай,city,,60.4,50.4
            e-village,Қордай,Кордай,village,900,60.5,50.5
            f-village-in-the-region,Қордай,Кордай,village,,74.7,43.0
            g-hamlet-in-the-region,Қордай,Кордай,hamlet,,74.8,43.1

            """)
        let matcher = NameMatcher(candidates: try fixture.portal.nameCandidates(.settlements))
        let ids = matcher.matches(for: "Кордай", limit: 10).map(\.id)
        #expect(ids == ["f-village-in-the-region", "g-hamlet-in-the-region", "d-city-no-population", "c-town",
                        "b-village", "e-village", "a-hamlet"])
        // A stronger kind of match still wins over size: the exact name before a prefix of a bigger place.
        #expect(matcher.matches(for: "Қордай").allSatisfy { $0.kind == .exact })
        // Roads and other layers without size keep the order by id.
        try fixture.importText(.roads, "r.csv", "id,ref,name,wkt\nb-road,A-2,Otar road,\"MULTILINESTRING((70 42,71 42))\"\na-road,A-3,Otar road,\"MULTILINESTRING((70 43,71 43))\"\n")
        let roads = NameMatcher(candidates: try fixture.portal.nameCandidates(.roads))
        #expect(roads.matches(for: "Otar road").map(\.id) == ["a-road", "b-road"])
    }
}
