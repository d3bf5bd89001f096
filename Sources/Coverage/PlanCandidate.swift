/// A possible position of a new mast in a village plan: a point with an id and a name (the
/// settlement's id and name, `grid-ROW-COLUMN`, or the id and `name` in the candidates file).
public typealias PlanCandidate = PointFeature
