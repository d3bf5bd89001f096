import Geodesy

/// One application for a service, as stored, with its private parts: the exact position and
/// the applicant's details. Its public face is the `applications` layer (``publicProperties``),
/// whose position is ``PublicPosition/rounded(_:)``.
public struct ServiceApplication: Sendable, Hashable {
    /// The public id, e.g. `A-000042`.
    public var id: String
    /// The `id` of the service in the `services` layer.
    public var serviceID: String
    public var status: ApplicationStatus
    /// When it was submitted first, ISO 8601 with offset (`2026-03-02T09:15:00+05:00`).
    public var submitted: String
    /// When it was approved or returned, ISO 8601 with offset; nil while undecided.
    public var decided: String?
    /// The last day allowed for a decision, `YYYY-MM-DD` in the portal's time zone (UTC+05:00):
    /// the day of the last (re)submission plus the service's days allowed.
    public var due: String
    /// The id of the nearest settlement within ``ServiceApplication/settlementRadiusMetres``, or nil.
    public var settlement: String?
    /// The name of the district that contains the position, or nil.
    public var district: String?
    /// The note of the last decision (the reason of a return); nil before one.
    public var decisionNote: String?
    /// Counts the application's changes: 1 when submitted, +1 for each transition; the `ETag`.
    public var version: Int64
    /// Where the connection is wanted (exact; private).
    public var position: GeoPoint
    /// The applicant's details (private).
    public var applicant: ApplicantDetails
    /// The applicant's request text (private: it may name people or places).
    public var note: String?
    /// The number of the user who submitted it (the owner an applicant must be), nil when imported.
    public var ownerNumber: Int64?

    public init(id: String, serviceID: String, status: ApplicationStatus, submitted: String, decided: String?, due: String,
                settlement: String?, district: String?, decisionNote: String?, version: Int64, position: GeoPoint,
                applicant: ApplicantDetails, note: String?, ownerNumber: Int64?) {
        self.id = id
        self.serviceID = serviceID
        self.status = status
        self.submitted = submitted
        self.decided = decided
        self.due = due
        self.settlement = settlement
        self.district = district
        self.decisionNote = decisionNote
        self.version = version
        self.position = position
        self.applicant = applicant
        self.note = note
        self.ownerNumber = ownerNumber
    }

    /// How far the settlement of an application may be, metres on the ellipsoid.
    public static let settlementRadiusMetres = 5_000.0

    /// Whether the application is overdue on `day` (`YYYY-MM-DD`): undecided and past its due day.
    public func isOverdue(on day: String) -> Bool { !status.isDecided && day > due }
}
