import Testing
@testable import GeoModel

@Suite("Validation cache: remembered conversions equal fresh ones")
struct ValidationCacheTests {
    /// More spellings than the cache compares one by one (8 a column), aliases, spaces, failures
    /// and canonically equivalent texts, met in several orders.
    @Test(arguments: ["technologies", "status", "kind"])
    func convertsExactlyAsWithoutTheCache(column name: String) throws {
        let layer = LayerSchema.sites
        let index = try #require(layer.columns.firstIndex { $0.name == name })
        let spellings = ["4G", "lte", "LTE", " 4G ", "2G;3G", "3G,2G", "fibre", "5G", "gsm", "umts", "2G|4G", "4g", "bogus", "",
                         "fibre;LTE;2G", "planned", " operational", "Retired", "base_station", "antenna_mast", "fibre_node",
                         "Cafe\u{301}", "Caf\u{E9}", "planned "]
        var cache = ValidationCache()
        for spelling in spellings + spellings.reversed() + spellings {
            let cached = cache.convert(.string(spelling), column: index, of: layer, decimalComma: false)
            let fresh = LayerSchema.convert(.string(spelling), to: layer.columns[index], decimalComma: false)
            #expect(String(describing: cached) == String(describing: fresh), "\(name): '\(spelling)'")
        }
    }
}
