import Foundation
import Geodesy
import GeoModel
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Calls of the applications API for the tests: a bearer token, `If-Match`, a JSON body.
extension TestClientProtocol {
    /// `method uri` with `Authorization: Bearer token` (no header when `token` is nil), an
    /// optional `If-Match` and an optional JSON body.
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String?, ifMatch: String? = nil,
              body: String? = nil) async throws -> TestResponse {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let ifMatch { headers[.ifMatch] = ifMatch }
        if body != nil { headers[.contentType] = "application/geo+json" }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    /// `POST /applications` of `applicant`'s submission.
    func submit(_ applicant: SampleApplicant, service: String, at point: GeoPoint, note: String? = nil,
                token: String?) async throws -> TestResponse {
        try await call(.post, "/applications", token: token, body: applicant.submission(service: service, at: point, note: note))
    }

    /// Submits and requires 201; the new application's id and ETag.
    func submitted(_ applicant: SampleApplicant, service: String, at point: GeoPoint, note: String? = nil, token: String,
                   sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> (id: String, tag: String) {
        let response = try await submit(applicant, service: service, at: point, note: note, token: token)
        try #require(response.status == .created, "\(response.text)", sourceLocation: sourceLocation)
        let id = try #require(try response.json()["id"] as? String, sourceLocation: sourceLocation)
        return (id, try #require(response.headers[.eTag], sourceLocation: sourceLocation))
    }

    /// `POST /applications/{id}/transitions` with `{"to": status, "note": note}`.
    func move(_ id: String, to status: String, note: String? = nil, ifMatch: String?, token: String?) async throws -> TestResponse {
        var body: [String: Any] = ["to": status]
        if let note { body["note"] = note }
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        return try await call(.post, "/applications/\(id)/transitions", token: token, ifMatch: ifMatch,
                              body: String(decoding: data, as: UTF8.self))
    }

    /// Moves application `id` (whose ETag is `tag`) through `statuses` as `token`, requiring 200
    /// each time (a return is given a reason); the last ETag.
    func advance(_ id: String, tag: String, through statuses: [ApplicationStatus], token: String,
                 sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> String {
        var tag = tag
        for status in statuses {
            let response = try await move(id, to: status.rawValue, note: status == .returned ? "the site plan is missing" : nil,
                                          ifMatch: tag, token: token)
            try #require(response.status == .ok, "\(id) → \(status.rawValue): \(response.text)", sourceLocation: sourceLocation)
            tag = try #require(response.headers[.eTag], sourceLocation: sourceLocation)
        }
        return tag
    }

    /// `numberMatched` of `GET /applications` as `token` (the office sees every application).
    func matchedApplications(token: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> Int {
        let response = try await call(.get, "/applications", token: token)
        try #require(response.status == .ok, sourceLocation: sourceLocation)
        return try #require(try response.json()["numberMatched"] as? Int, sourceLocation: sourceLocation)
    }
}
