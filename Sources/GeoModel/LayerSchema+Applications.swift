extension LayerSchema {
    /// Kinds of the services of natural-monopoly companies.
    public static let serviceKinds = ["electricity", "water", "sewerage", "heat", "gas", "telecom", "other"]

    /// The catalogue of the portal's online services (no geometry): names in English, Kazakh and
    /// Russian, the provider organisation, the kind, the days allowed for a decision and the
    /// documents required (`;`-separated). Imported like any layer.
    public static let services = LayerSchema(
        name: "services", geometryType: nil, acceptedGeometryTypes: [],
        columns: [
            Column("id", .text, required: true), Column("name", .text, required: true),
            Column("name_kk", .text), Column("name_ru", .text),
            Column("provider", .text, required: true),
            Column("kind", .enumeration(serviceKinds), required: true),
            Column("days_allowed", .integer(1...365), required: true),
            Column("documents", .text),
        ],
        nameColumns: ["name", "name_kk", "name_ru", "provider"])

    /// The public face of the service applications (Point): what anyone may see. The position is
    /// ``PublicPosition/rounded(_:)``; the applicant's details, the exact position and the notes
    /// live in tables of their own. Written only by the workflow, never imported as a layer.
    public static let applications = LayerSchema(
        name: "applications", geometryType: .point, acceptedGeometryTypes: [],
        columns: [
            Column("id", .text, required: true), Column("service_id", .text, required: true),
            Column("status", .enumeration(ApplicationStatus.allCases.map(\.rawValue)), required: true),
            Column("submitted", .text, required: true), Column("decided", .text),
            Column("due", .text, required: true), Column("settlement", .text), Column("district", .text),
        ],
        nameColumns: [])

    /// Whether features of this layer are written by the applications workflow only.
    public var isWorkflowLayer: Bool { name == LayerSchema.applications.name }
}
