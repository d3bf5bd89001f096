extension LayerSchema {
    /// Candidate positions of new masts (`qamtu plan villages --candidates FILE`): Points with an
    /// `id` and an optional `name`. Read and validated like an import, never stored, and not one
    /// of the portal's layers (``all``).
    public static let candidates = LayerSchema(
        name: "candidates", geometryType: .point, acceptedGeometryTypes: [.point],
        columns: [Column("id", .text, required: true), Column("name", .text)],
        nameColumns: ["name"])
}
