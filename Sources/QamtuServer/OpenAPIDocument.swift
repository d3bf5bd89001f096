import Foundation
import GeoModel

/// The OpenAPI 3.0 definition of the server (`/api`), built from the catalog: every collection's
/// items path lists its queryable properties as query parameters (GDAL pushes attribute filters
/// only for parameters declared there), with their types and allowed values.
enum OpenAPIDocument {
    /// - Parameter applications: include the service applications' paths (a writable server).
    static func build(catalog: CollectionCatalog, urls: URLBuilder, applications: Bool = false) -> JSONValue {
        var paths: [(key: String, value: JSONValue)] = [
            ("/", operation("Landing page: links to the API definition, conformance and the collections", id: "getLandingPage",
                            parameters: [ref("f")], schema: ref(schema: "LandingPage"), types: ["application/json", "text/html"])),
            ("/conformance", operation("Conformance classes implemented by this server", id: "getConformance",
                                       parameters: [ref("f")], schema: ref(schema: "Conformance"), types: ["application/json", "text/html"])),
            ("/api", operation("This API definition (OpenAPI 3.0)", id: "getAPI", parameters: [ref("f")],
                               schema: .members(["type": "object"]), types: [Link.openAPI, "text/html"])),
            ("/api.html", operation("The API documentation as HTML", id: "getAPIPage", parameters: [ref("f")], schema: nil, types: ["text/html"])),
            ("/collections", operation("The collections (layers) served", id: "getCollections", parameters: [ref("f")],
                                       schema: ref(schema: "Collections"), types: ["application/json", "text/html"])),
            ("/collections/{collectionId}", operation("One collection", id: "describeCollection",
                                                      parameters: [ref("collectionId"), ref("f")], schema: ref(schema: "Collection"),
                                                      types: ["application/json", "text/html"])),
            ("/collections/{collectionId}/queryables", operation("Queryable properties of a collection (JSON Schema)", id: "getQueryables",
                                                                 parameters: [ref("collectionId"), ref("f")],
                                                                 schema: .members(["type": "object"]), types: [Link.schema, "text/html"])),
            ("/collections/{collectionId}/items", operation("Features of a collection, one page at a time", id: "getFeatures",
                                                            parameters: [ref("collectionId")] + itemParameters.map { ref($0) },
                                                            schema: ref(schema: "FeatureCollection"), types: [Link.geoJSON, "text/html"])),
            ("/collections/{collectionId}/items/{featureId}", operation("One feature", id: "getFeature",
                                                                        parameters: [ref("collectionId"), ref("featureId"), ref("f")],
                                                                        schema: ref(schema: "Feature"), types: [Link.geoJSON, "text/html"])),
        ]
        for entry in catalog.entries {
            let queryables = entry.layer.queryables.filter { $0.jsonType != nil }.map { queryable in
                JSONValue.members([
                    "name": .string(queryable.name), "in": "query", "required": false, "style": "form", "explode": false,
                    "description": .string("Features whose \(queryable.name) equals this value (text ignoring case); empty: those without one"),
                    "schema": parameterSchema(queryable.jsonSchema),
                ])
            }
            var common = itemParameters.map { ref($0) }
                + (entry.layer.geometryType == .point && !entry.layer.geometryIsDerived ? [ref("near"), ref("within")] : [])
            if case .computed(let computed) = entry.kind { common = computedParameters(computed) }
            paths.append(("/collections/\(entry.id)/items",
                          operation("Features of \(entry.title), one page at a time", id: "getFeatures_\(entry.id)",
                                    parameters: common + queryables,
                                    schema: ref(schema: "FeatureCollection"), types: [Link.geoJSON, "text/html"])))
        }
        paths += analysisPaths(catalog: catalog)
        paths += tilePaths(catalog: catalog)
        var components: [(key: String, value: JSONValue)] = [("parameters", .object(parameters)), ("schemas", .object(schemas))]
        if applications {
            paths += applicationPaths()
            components.append(("securitySchemes", .members(["bearerAuth": bearerScheme])))
        }
        return .members([
            "openapi": "3.0.3",
            "info": .members(["title": "Qamtu", "version": "1.0",
                              "description": "OGC API – Features for connectivity planning (settlements, districts, roads, telecom sites, institutions, commitments)"]),
            "servers": [.members(["url": .string(urls.base)])],
            "paths": .object(paths),
            "components": .object(components),
        ])
    }

    /// The query parameters every items path takes (besides the queryables).
    static let itemParameters = ["bbox", "bbox-crs", "limit", "offset", "properties", "sortby", "datetime", "filter", "filter-lang", "filter-crs", "f"]

    static func ref(_ parameter: String) -> JSONValue { .members(["$ref": .string("#/components/parameters/\(parameter)")]) }
    static func ref(schema: String) -> JSONValue { .members(["$ref": .string("#/components/schemas/\(schema)")]) }

    /// A `$ref` parameter resolved against the document (others returned as they are).
    static func resolve(_ parameter: JSONValue, in document: JSONValue) -> JSONValue {
        guard case .string(let target)? = parameter["$ref"], target.hasPrefix("#/components/parameters/") else { return parameter }
        return document["components"]?["parameters"]?[String(target.dropFirst("#/components/parameters/".count))] ?? parameter
    }

    static func operation(_ summary: String, id: String, parameters: [JSONValue], schema: JSONValue?, types: [String]) -> JSONValue {
        let content = JSONValue.object(types.map { type in
            (type, type == "text/html" || schema == nil ? .members(["schema": .members(["type": "string"])]) : .members(["schema": schema ?? .null]))
        })
        let exception = JSONValue.members(["description": "An error: an OGC API exception",
                                              "content": .members(["application/json": .members(["schema": ref(schema: "Exception")])])])
        return .members(["get": .members([
            "summary": .string(summary), "operationId": .string(id), "parameters": .array(parameters),
            "responses": .members([
                "200": .members(["description": "The resource", "content": content]),
                "304": .members(["description": "Not modified (If-None-Match names the current ETag)"]),
                "400": exception, "404": exception, "406": exception, "414": exception, "default": exception,
            ]),
        ])])
    }

    /// A queryable's JSON Schema as an OpenAPI 3.0 parameter schema (its `title` and
    /// `description` dropped: OpenAPI puts them on the parameter), or an empty value, which selects
    /// the features without one (`operator=`, as the CLI's `--where operator=`).
    static func parameterSchema(_ schema: JSONValue) -> JSONValue {
        guard case .object(let members) = schema else { return schema }
        var kept = members.filter { $0.key != "title" && $0.key != "description" }
        if kept.contains(where: { $0.key == "type" && $0.value == "string" }) { kept.append((key: "pattern", value: .string(noNUL))) }
        let value = JSONValue.object(kept)
        return .members(["anyOf": [value, .members(["type": "string", "maxLength": 0])]])
    }

    /// The queryables of a collection (OGC API – Features Part 3): a JSON Schema whose properties
    /// are the layer's queryables (its columns and its geometry), as the core describes them.
    static func queryables(_ entry: CollectionCatalog.Entry, urls: URLBuilder) -> JSONValue {
        .members([
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": .string(urls.url("/collections/\(URLBuilder.segment(entry.id))/queryables")),
            "type": "object", "title": .string(entry.title),
            "properties": .object(entry.layer.queryables.map { (key: $0.name, value: $0.jsonSchema) }),
            "additionalProperties": false,
        ])
    }

    static let parameters: [(key: String, value: JSONValue)] = [
        ("collectionId", .members(["name": "collectionId", "in": "path", "required": true, "description": "The collection (layer) id",
                                   "schema": .members(["type": "string", "pattern": .string(segmentPattern)])])),
        ("featureId", .members(["name": "featureId", "in": "path", "required": true,
                                "description": "The feature id (no control characters or '/', not starting with '.')",
                                "schema": .members(["type": "string", "pattern": .string(segmentPattern)])])),
        ("f", .members(["name": "f", "in": "query", "required": false, "description": "The format: json or html (else the Accept header decides)",
                        "schema": .members(["type": "string", "enum": ["json", "html"]])])),
        ("bbox", .members(["name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
                           "description": "minLon,minLat,maxLon,maxLat in CRS84 degrees; minLon > maxLon crosses the antimeridian",
                           "schema": .members(["type": "array", "minItems": 4, "maxItems": 4,
                                               "items": .members(["type": "number", "minimum": -180, "maximum": 180])])])),
        ("bbox-crs", .members(["name": "bbox-crs", "in": "query", "required": false, "description": "The CRS of bbox (only CRS84)",
                               "schema": .members(["type": "string", "enum": [.string(ItemsRequest.crs84)]])])),
        ("limit", .members(["name": "limit", "in": "query", "required": false,
                            "description": "Features per page (default 100; values above 10000 are served as 10000, as OGC API – Features says)",
                            "schema": .members(["type": "integer", "minimum": 1, "default": 100])])),
        ("offset", .members(["name": "offset", "in": "query", "required": false, "description": "Features to skip",
                             "schema": .members(["type": "integer", "minimum": 0, "default": 0])])),
        ("properties", .members(["name": "properties", "in": "query", "required": false, "style": "form", "explode": false,
                                 "description": "Comma-separated properties to return",
                                 "schema": .members(["type": "array", "minItems": 1, "items": .members(["type": "string", "minLength": 1])])])),
        ("sortby", .members(["name": "sortby", "in": "query", "required": false, "style": "form", "explode": false,
                             "description": "Comma-separated properties, +name ascending, -name descending",
                             "schema": .members(["type": "array", "minItems": 1, "items": .members(["type": "string", "minLength": 1])])])),
        ("datetime", .members(["name": "datetime", "in": "query", "required": false,
                               "description": "An RFC 3339 instant or interval; the layers have no time, so every feature matches",
                               "schema": .members(["type": "string", "minLength": 1])])),
        ("filter", .members(["name": "filter", "in": "query", "required": false,
                             "description": "A CQL2 text filter: comparisons, AND/OR/NOT, IN, BETWEEN, LIKE, IS NULL, S_INTERSECTS",
                             "schema": .members(["type": "string", "minLength": 1])])),
        ("filter-lang", .members(["name": "filter-lang", "in": "query", "required": false, "description": "The filter language",
                                  "schema": .members(["type": "string", "enum": ["cql2-text", "cql-text"], "default": "cql2-text"])])),
        ("near", .members(["name": "near", "in": "query", "required": false,
                           "description": "lon,lat (CRS84 degrees): features of a point layer within `within` of this point, nearest first, with distance_m",
                           "schema": .members(["type": "string", "minLength": 3])])),
        ("within", .members(["name": "within", "in": "query", "required": false,
                             "description": "The geodesic distance for near, e.g. 5km or 800m (at most 1000 km)",
                             "schema": .members(["type": "string", "minLength": 1])])),
        ("filter-crs", .members(["name": "filter-crs", "in": "query", "required": false, "description": "The CRS of filter geometries (only CRS84)",
                                 "schema": .members(["type": "string", "enum": [.string(ItemsRequest.crs84)]])])),
    ]

    /// A path segment the server accepts: no control character or `/`, not `.` or `..` (it may
    /// not start with a dot).
    static let segmentPattern = "^[^\\u0000-\\u001F\\u007F/.][^\\u0000-\\u001F\\u007F/]*$"

    /// Text without NUL (which no value may hold).
    static let noNUL = "^[^\\u0000]*$"

    static let link: JSONValue = .members([
        "type": "object", "required": ["href", "rel"],
        "properties": .members(["href": .members(["type": "string"]), "rel": .members(["type": "string"]),
                                "type": .members(["type": "string"]), "title": .members(["type": "string"])]),
    ])

    static let schemas: [(key: String, value: JSONValue)] = [
        ("Link", link),
        ("Exception", .members(["type": "object", "required": ["code"],
                                "properties": .members(["code": .members(["type": "string"]), "description": .members(["type": "string"])])])),
        ("LandingPage", .members(["type": "object", "required": ["links"],
                                  "properties": .members(["title": .members(["type": "string"]), "description": .members(["type": "string"]),
                                                          "links": .members(["type": "array", "items": ref(schema: "Link")])])])),
        ("Conformance", .members(["type": "object", "required": ["conformsTo"],
                                  "properties": .members(["conformsTo": .members(["type": "array", "items": .members(["type": "string"])])])])),
        ("Collection", .members(["type": "object", "required": ["id", "links"],
                                 "properties": .members(["id": .members(["type": "string"]), "title": .members(["type": "string"]),
                                                         "description": .members(["type": "string"]),
                                                         "links": .members(["type": "array", "items": ref(schema: "Link")]),
                                                         "itemType": .members(["type": "string"]),
                                                         "crs": .members(["type": "array", "items": .members(["type": "string"])])])])),
        ("Collections", .members(["type": "object", "required": ["links", "collections"],
                                  "properties": .members(["links": .members(["type": "array", "items": ref(schema: "Link")]),
                                                          "collections": .members(["type": "array", "items": ref(schema: "Collection")])])])),
        ("Geometry", .members(["type": "object", "nullable": true, "required": ["type"],
                               "properties": .members(["type": .members(["type": "string", "enum": ["Point", "MultiPoint", "LineString",
                                                                                                 "MultiLineString", "Polygon", "MultiPolygon"]])])])),
        ("Feature", .members(["type": "object", "required": ["type", "geometry", "properties"],
                              "properties": .members(["type": .members(["type": "string", "enum": ["Feature"]]),
                                                      "id": .members(["oneOf": [.members(["type": "string"]), .members(["type": "integer"])]]),
                                                      "geometry": ref(schema: "Geometry"),
                                                      "properties": .members(["type": "object", "nullable": true]),
                                                      "links": .members(["type": "array", "items": ref(schema: "Link")])])])),
        ("FeatureCollection", .members(["type": "object", "required": ["type", "features"],
                                        "properties": .members(["type": .members(["type": "string", "enum": ["FeatureCollection"]]),
                                                                "features": .members(["type": "array", "items": ref(schema: "Feature")]),
                                                                "numberMatched": .members(["type": "integer", "minimum": 0]),
                                                                "numberReturned": .members(["type": "integer", "minimum": 0]),
                                                                "links": .members(["type": "array", "items": ref(schema: "Link")])])])),
    ]
}
