import GeoModel

/// Applications and events as JSON for the people allowed to see them (the applicant, the
/// provider, the office): a GeoJSON Feature with the exact position and the applicant's
/// details. Public outputs use the `applications` layer instead, which has neither.
public enum ApplicationJSON {
    /// The application as a GeoJSON Feature (RFC 7946; the exact point, EPSG:4326 lon/lat).
    public static func feature(_ application: ServiceApplication) -> JSONValue {
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        let properties: [(key: String, value: JSONValue)] = [
            ("id", .string(application.id)), ("service_id", .string(application.serviceID)),
            ("status", .string(application.status.rawValue)), ("submitted", .string(application.submitted)),
            ("decided", text(application.decided)), ("due", .string(application.due)),
            ("settlement", text(application.settlement)), ("district", text(application.district)),
            ("decision_note", text(application.decisionNote)), ("version", .integer(application.version)),
            ("applicant_name", .string(application.applicant.name)), ("applicant_iin", .string(application.applicant.iin)),
            ("applicant_phone", .string(application.applicant.phone)), ("applicant_email", text(application.applicant.email)),
            ("note", text(application.note)),
        ]
        return .object([
            ("type", "Feature"), ("id", .string(application.id)),
            ("geometry", .object([("type", "Point"), ("coordinates", .array([.number(application.position.longitude),
                                                                           .number(application.position.latitude)]))])),
            ("properties", .object(properties)),
        ])
    }

    /// The events of an application, oldest first.
    public static func events(_ events: [ApplicationEvent], of id: String) -> JSONValue {
        .object([("application", .string(id)), ("events", .array(events.map { event in
            .object([("seq", .integer(event.sequence)), ("at", .string(event.at)), ("by", .string(event.actor)),
                     ("from", event.from.map { .string($0.rawValue) } ?? .null), ("to", .string(event.to.rawValue)),
                     ("note", event.note.map { .string($0) } ?? .null)])
        }))])
    }

    /// The bytes of `value`, with a final newline.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var buffer = JSONBuffer(capacity: 1024)
        value.write(into: &buffer)
        buffer.raw("\n")
        return buffer.bytes
    }
}
