/// A move of an application to another status.
public struct ApplicationChange: Sendable, Hashable {
    /// The application's public id.
    public var applicationID: String
    /// The status to move to.
    public var to: ApplicationStatus
    /// The note of the change (a return's reason), or nil.
    public var note: String?
    /// Who: a user's name.
    public var actor: String
    /// When, ISO 8601 with offset.
    public var at: String
    /// The version the caller saw (`If-Match`); nil: whatever is current.
    public var expectedVersion: Int64?

    public init(applicationID: String, to: ApplicationStatus, note: String?, actor: String, at: String, expectedVersion: Int64?) {
        self.applicationID = applicationID
        self.to = to
        self.note = note
        self.actor = actor
        self.at = at
        self.expectedVersion = expectedVersion
    }
}
