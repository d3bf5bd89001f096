/// Layers across the antimeridian (180°), near Fiji, for the `--bbox` tests of the store and of
/// the CLI. The query box `179,-17.5,-179.5,-16` (minLon > maxLon: it crosses 180°) holds the
/// features whose ids are in `inside`; the others lie just outside it, east, west or north of it.
public enum AntimeridianData {
    /// The box that crosses the antimeridian, as `--bbox` text.
    public static let box = "179,-17.5,-179.5,-16"

    /// Settlements (GeoJSON): two on each side of 180°, one on each of ±180 itself, three outside.
    public static let settlements = collection([
        point("east-179.5", 179.5, -16.5), point("west-179.7", -179.7, -16.6),
        point("on-180", 180, -16.8), point("on-minus-180", -180, -16.9),
        point("east-178", 178, -16.5), point("west-179", -179, -16.5), point("north-of-box", 179.6, -15.9),
    ])

    /// Roads (GeoJSON MultiLineStrings, split at 180° as RFC 7946 asks).
    public static let roads = collection([
        feature("crossing", #"{"type":"MultiLineString","coordinates":[[[179.8,-16.7],[180,-16.75]],[[-180,-16.75],[-179.6,-16.8]]]}"#),
        feature("west-part-only", #"{"type":"MultiLineString","coordinates":[[[-179.8,-16.2],[-179.6,-16.3]]]}"#),
        feature("east-outside", #"{"type":"LineString","coordinates":[[178.2,-16.5],[178.8,-16.6]]}"#),
        feature("west-outside", #"{"type":"LineString","coordinates":[[-179.4,-16.5],[-179.0,-16.4]]}"#),
    ])

    /// Districts (GeoJSON MultiPolygons): one in two parts either side of 180°, one inside on the
    /// east only, two outside.
    public static let districts = collection([
        feature("two-parts", #"{"type":"MultiPolygon","coordinates":[[[[179.7,-17],[180,-17],[180,-16.5],[179.7,-16.5],[179.7,-17]]],[[[-180,-17],[-179.8,-17],[-179.8,-16.5],[-180,-16.5],[-180,-17]]]]}"#),
        feature("east-inside", #"{"type":"Polygon","coordinates":[[[179.1,-17.3],[179.4,-17.3],[179.4,-17.1],[179.1,-17.1],[179.1,-17.3]]]}"#),
        feature("east-outside", #"{"type":"Polygon","coordinates":[[[178,-17],[178.9,-17],[178.9,-16.2],[178,-16.2],[178,-17]]]}"#),
        feature("west-outside", #"{"type":"Polygon","coordinates":[[[-179.4,-17],[-179,-17],[-179,-16.5],[-179.4,-16.5],[-179.4,-17]]]}"#),
    ])

    /// The ids in the box, per layer, in insertion order.
    public static let inside: [String: [String]] = [
        "settlements": ["east-179.5", "west-179.7", "on-180", "on-minus-180"],
        "roads": ["crossing", "west-part-only"],
        "districts": ["two-parts", "east-inside"],
    ]

    private static func point(_ id: String, _ longitude: Double, _ latitude: Double) -> String {
        feature(id, #"{"type":"Point","coordinates":[\#(longitude),\#(latitude)]}"#)
    }

    private static func feature(_ id: String, _ geometry: String) -> String {
        #"{"type":"Feature","geometry":\#(geometry),"properties":{"id":"\#(id)","name":"\#(id)"}}"#
    }

    private static func collection(_ features: [String]) -> String {
        #"{"type":"FeatureCollection","features":["# + features.joined(separator: ",\n") + "]}"
    }
}
