import GeoModel
import VectorTiles

/// The OpenAPI definition of the OGC API – Tiles paths (``TilesAPI``).
extension OpenAPIDocument {
    static let tileMatrixSetParameter = JSONValue.members([
        "name": "tileMatrixSetId", "in": "path", "required": true, "description": "The tile matrix set (only WebMercatorQuad)",
        "schema": .members(["type": "string", "enum": ["WebMercatorQuad"]]),
    ])

    /// The zoom, row and column of a tile (OGC's names; z/y/x).
    static let tileParameters: [JSONValue] = [
        .members(["name": "tileMatrix", "in": "path", "required": true, "description": "The zoom level (0–24)",
                  "schema": .members(["type": "integer", "minimum": 0, "maximum": .integer(Int64(TileCoordinate.maxZoom))])]),
        .members(["name": "tileRow", "in": "path", "required": true, "description": "The row, from the north (0 … 2^zoom − 1)",
                  "schema": .members(["type": "integer", "minimum": 0, "maximum": 16_777_215])]),
        .members(["name": "tileCol", "in": "path", "required": true, "description": "The column, from 180° W (0 … 2^zoom − 1)",
                  "schema": .members(["type": "integer", "minimum": 0, "maximum": 16_777_215])]),
    ]

    static let tileFormatParameter = query("f", "The format: mvt (the only one)", .members(["type": "string", "enum": ["mvt"]]))
    static let tilesetFormatParameter = query("f", "json (OGC tileset metadata) or tilejson (TileJSON 3.0)",
                                              .members(["type": "string", "enum": ["json", "tilejson"]]))

    /// A tile's operation: the tile, or 204 when no feature is in it.
    static func tileOperation(_ summary: String, id: String, parameters: [JSONValue]) -> JSONValue {
        let exception = JSONValue.members(["description": "An error: an OGC API exception",
                                              "content": .members(["application/json": .members(["schema": ref(schema: "Exception")])])])
        return .members(["get": .members([
            "summary": .string(summary), "operationId": .string(id), "parameters": .array(parameters),
            "responses": .members([
                "200": .members(["description": "A Mapbox Vector Tile 2.1", "content": .members([
                    TilesAPI.mvtType: .members(["schema": .members(["type": "string", "format": "binary"])]),
                ])]),
                "204": .members(["description": "No feature in this tile"]),
                "304": .members(["description": "Not modified (If-None-Match names the current ETag)"]),
                "400": exception, "404": exception, "406": exception, "414": exception, "default": exception,
            ]),
        ])])
    }

    /// The tiles paths of the dataset and of every collection with tiles.
    static func tilePaths(catalog: CollectionCatalog) -> [(String, JSONValue)] {
        let object = JSONValue.members(["type": "object"])
        var paths: [(String, JSONValue)] = [
            ("/tileMatrixSets", operation("The tile matrix sets (WebMercatorQuad)", id: "getTileMatrixSetsList",
                                          parameters: [ref("f")], schema: object, types: [Link.json])),
            ("/tileMatrixSets/{tileMatrixSetId}", operation("A tile matrix set's definition (OGC TMS 2.0)", id: "getTileMatrixSet",
                                                            parameters: [tileMatrixSetParameter, ref("f")], schema: object, types: [Link.json])),
            ("/tiles", operation("The vector tilesets of every layer", id: "getDatasetVectorTilesetsList",
                                 parameters: [ref("f")], schema: object, types: [Link.json, "text/html"])),
            ("/tiles/{tileMatrixSetId}", operation("The tileset of every layer: OGC metadata or TileJSON", id: "describeDatasetVectorTileset",
                                                   parameters: [tileMatrixSetParameter, tilesetFormatParameter], schema: object,
                                                   types: [Link.json])),
            ("/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}",
             tileOperation("A tile with every layer", id: "getDatasetVectorTile",
                           parameters: [tileMatrixSetParameter] + tileParameters + [tileFormatParameter])),
        ]
        for entry in catalog.entries where TilesAPI.hasTiles(entry) {
            var extra: [JSONValue] = []
            if case .computed(let computed) = entry.kind {
                extra = [asOfParameter, scenarioParameter(default: .actual)] + (computed == .coverage ? [profileParameter] : [])
            }
            let base = "/collections/\(entry.id)/tiles"
            paths += [
                (base, operation("The vector tilesets of \(entry.title)", id: "getCollectionVectorTilesetsList_\(entry.id)",
                                 parameters: extra + [ref("f")], schema: object, types: [Link.json, "text/html"])),
                (base + "/{tileMatrixSetId}", operation("The tileset of \(entry.title): OGC metadata or TileJSON",
                                                        id: "describeCollectionVectorTileset_\(entry.id)",
                                                        parameters: [tileMatrixSetParameter] + extra + [tilesetFormatParameter],
                                                        schema: object, types: [Link.json])),
                (base + "/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}",
                 tileOperation("A tile of \(entry.title)", id: "getCollectionVectorTile_\(entry.id)",
                               parameters: [tileMatrixSetParameter] + tileParameters + extra + [tileFormatParameter])),
            ]
        }
        return paths
    }
}
