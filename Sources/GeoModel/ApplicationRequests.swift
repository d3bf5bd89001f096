import Geodesy

/// A new application, validated, as the workflow stores it.
public struct NewApplication: Sendable, Hashable {
    public var serviceID: String
    /// Where the connection is wanted (exact, EPSG:4326 degrees).
    public var position: GeoPoint
    public var applicant: ApplicantDetails
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

    public init(serviceID: String, position: GeoPoint, applicant: ApplicantDetails, note: String?, ownerNumber: Int64?,
                actor: String, at: String, settlement: String?, district: String?) {
        self.serviceID = serviceID
        self.position = position
        self.applicant = applicant
        self.note = note
        self.ownerNumber = ownerNumber
        self.actor = actor
        self.at = at
        self.settlement = settlement
        self.district = district
    }
}

/// A move of an application to another status.
public struct ApplicationChange: Sendable, Hashable {
    public var applicationID: String
    public var to: ApplicationStatus
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

/// Which applications to list: every condition given must hold; visibility (``ownerNumber``,
/// ``provider``) is set by the core from the user, never by a caller.
public struct ApplicationQuery: Sendable, Hashable {
    public var status: ApplicationStatus?
    public var serviceID: String?
    public var district: String?
    /// Only applications submitted by this user.
    public var ownerNumber: Int64?
    /// Only applications of this provider organisation's services.
    public var provider: String?
    /// The page: at most `limit` applications after skipping `offset`, in id order.
    public var limit: Int
    public var offset: Int

    public init(status: ApplicationStatus? = nil, serviceID: String? = nil, district: String? = nil,
                ownerNumber: Int64? = nil, provider: String? = nil, limit: Int = 100, offset: Int = 0) {
        self.status = status
        self.serviceID = serviceID
        self.district = district
        self.ownerNumber = ownerNumber
        self.provider = provider
        self.limit = limit
        self.offset = offset
    }
}
