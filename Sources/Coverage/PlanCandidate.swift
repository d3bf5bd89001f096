import Geodesy

/// A possible position of a new mast in a village plan.
public struct PlanCandidate: Sendable, Hashable {
    /// The candidate's id: the settlement's id, `grid-ROW-COLUMN`, or the id in the candidates file.
    public var id: String
    /// A name for people (the settlement's or the file's `name`), when there is one.
    public var name: String?
    /// Position, WGS84 lon/lat degrees.
    public var position: GeoPoint

    /// A candidate from its values.
    public init(id: String, name: String? = nil, position: GeoPoint) {
        self.id = id
        self.name = name
        self.position = position
    }
}
