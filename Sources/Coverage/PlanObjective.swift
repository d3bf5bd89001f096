/// What a village plan optimises.
public enum PlanObjective: Sendable, Hashable {
    /// At most this many new masts, covering the most people of the settlements that lack the
    /// technology.
    case budget(Int)
    /// The fewest new masts that reach this share (0–1] of the people of the settlements that
    /// lack the technology.
    case targetShare(Double)
}
