import GeoModel
import PortalCore

extension OpenAPIDocument {
    /// The paths of the service applications (`qamtu serve --writable`), each behind the bearer
    /// token scheme `bearerAuth`.
    static func applicationPaths() -> [(key: String, value: JSONValue)] {
        let exception = JSONValue.members(["description": "An error: an OGC API exception",
                                           "content": .members(["application/json": .members(["schema": ref(schema: "Exception")])])])
        let security: JSONValue = [.members(["bearerAuth": []])]
        let idParameter: JSONValue = .members(["name": "id", "in": "path", "required": true,
                                               "schema": .members(["type": "string", "pattern": .string(segmentPattern)])])
        func feature(_ description: String) -> JSONValue {
            .members(["description": .string(description),
                      "headers": .members(["ETag": .members(["description": "The application's version, for If-Match",
                                                             "schema": .members(["type": "string"])])]),
                      "content": .members([Link.geoJSON: .members(["schema": ref(schema: "Feature")])])])
        }
        func errors(_ codes: [String]) -> [(key: String, value: JSONValue)] { codes.map { ($0, exception) } + [("default", exception)] }
        let statusSchema: JSONValue = .members(["type": "string", "enum": .array(ApplicationStatus.allCases.map { .string($0.rawValue) })])
        func query(_ name: String, _ schema: JSONValue) -> JSONValue {
            .members(["name": .string(name), "in": "query", "required": false, "schema": schema])
        }
        let submission: JSONValue = .members([
            "type": "object", "required": ["type", "geometry", "properties"],
            "properties": .members([
                "type": .members(["type": "string", "enum": ["Feature"]]),
                "geometry": .members(["type": "object", "description": "a GeoJSON Point [longitude, latitude], EPSG:4326"]),
                "properties": .members([
                    "type": "object", "required": ["service_id", "applicant_name", "applicant_iin", "applicant_phone"],
                    "additionalProperties": false,
                    "properties": .object(ApplicationDraft.propertyNames.map { (key: $0, value: .members(["type": "string"])) }),
                ]),
            ]),
        ])
        let transition: JSONValue = .members([
            "type": "object", "required": ["to"], "additionalProperties": false,
            "properties": .members(["to": statusSchema, "note": .members(["type": "string", "description": "required for returned"])]),
        ])
        return [
            ("/applications", .members([
                "get": .members([
                    "summary": "The applications this user may see, one page at a time", "operationId": "listApplications",
                    "security": security,
                    "parameters": [query("status", statusSchema), query("service", .members(["type": "string"])),
                                   query("district", .members(["type": "string"])),
                                   query("limit", .members(["type": "integer", "minimum": 1, "maximum": 1000, "default": 100])),
                                   query("offset", .members(["type": "integer", "minimum": 0, "default": 0]))],
                    "responses": .object([("200", .members(["description": "A FeatureCollection with numberMatched and a next link",
                                                            "content": .members([Link.geoJSON: .members(["schema": ref(schema: "FeatureCollection")])])]))]
                                         + errors(["400", "401", "403", "429"])),
                ]),
                "post": .members([
                    "summary": "Submit an application (an applicant, or the office on someone's behalf)", "operationId": "submitApplication",
                    "security": security,
                    "requestBody": .members(["required": true, "content": .members([Link.geoJSON: .members(["schema": submission]),
                                                                                       "application/json": .members(["schema": submission])])]),
                    "responses": .object([("201", feature("The stored application (Location names it)"))]
                                         + errors(["400", "401", "403", "413", "422", "429"])),
                ]),
            ])),
            ("/applications/{id}", .members(["get": .members([
                "summary": "One application with its applicant's details", "operationId": "getApplication", "security": security,
                "parameters": [idParameter],
                "responses": .object([("200", feature("The application"))] + errors(["401", "403", "404", "429"])),
            ])])),
            ("/applications/{id}/events", .members(["get": .members([
                "summary": "The application's audit trail, oldest first", "operationId": "getApplicationEvents", "security": security,
                "parameters": [idParameter],
                "responses": .object([("200", .members(["description": "The events",
                                                        "content": .members([Link.json: .members(["schema": .members(["type": "object"])])])]))]
                                     + errors(["401", "403", "404", "429"])),
            ])])),
            ("/applications/{id}/transitions", .members(["post": .members([
                "summary": "Move the application: received → in_progress → approved | returned, returned → received",
                "operationId": "transitionApplication", "security": security,
                "parameters": [idParameter, .members(["name": "If-Match", "in": "header", "required": true,
                                                      "description": "The ETag of the version the change is based on",
                                                      "schema": .members(["type": "string"])])],
                "requestBody": .members(["required": true, "content": .members(["application/json": .members(["schema": transition])])]),
                "responses": .object([("200", feature("The moved application"))]
                                     + errors(["400", "401", "403", "404", "409", "412", "413", "422", "428", "429"])),
            ])])),
        ]
    }

    /// The bearer token scheme of the applications' paths.
    static let bearerScheme: JSONValue = .members([
        "type": "http", "scheme": "bearer",
        "description": "A token from `qamtu users add` (qamtu_<id>_<secret>)",
    ])
}
