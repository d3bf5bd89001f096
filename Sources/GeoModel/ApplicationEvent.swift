/// One entry of an application's audit trail (`application_events`, append-only): written in the
/// same transaction as the change it records.
public struct ApplicationEvent: Sendable, Hashable {
    /// Its place in the store's one sequence of events (increasing with time of writing).
    public var sequence: Int64
    /// When, ISO 8601 with offset.
    public var at: String
    /// Who: the user's name.
    public var actor: String
    /// The status before, nil for the submission.
    public var from: ApplicationStatus?
    /// The status after.
    public var to: ApplicationStatus
    /// The note given with the change (a return's reason), or nil.
    public var note: String?

    public init(sequence: Int64, at: String, actor: String, from: ApplicationStatus?, to: ApplicationStatus, note: String?) {
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.from = from
        self.to = to
        self.note = note
    }
}
