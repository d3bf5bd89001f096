import Geodesy

/// A new application, validated, as the workflow stores it.
public struct NewApplication: Sendable, Hashable {
    /// The `id` of the service in the `services` layer.
    public var serviceID: String
    /// Where the connection is wanted (exact, EPSG:4326 degrees).
    public var position: GeoPoint
    /// The applicant's details (validated).
    public var applicant: ApplicantDetails
    /// The applicant's request text, or nil.
    public var note: String?
    /// The submitting user's number (the owner), nil for an imported application.
    public var ownerNumber: Int64?
    /// Who submitted it, for the first event: a user's name.
    public var actor: String
    /// When, ISO 8601 with offset.
    public var at: String
    /// The nearest settlement's id and the containing district's name, found from the position.
    public var settlement: String?
    public var district: String?
    /// The note of the first event (an imported history's), or nil.
    public var eventNote: String?

    public init(serviceID: String, position: GeoPoint, applicant: ApplicantDetails, note: String?, ownerNumber: Int64?,
                actor: String, at: String, settlement: String?, district: String?, eventNote: String? = nil) {
        self.serviceID = serviceID
        self.position = position
        self.applicant = applicant
        self.note = note
        self.ownerNumber = ownerNumber
        self.actor = actor
        self.at = at
        self.settlement = settlement
        self.district = district
        self.eventNote = eventNote
    }
}
