/// Which applications to list: every condition given must hold; visibility (``ownerNumber``,
/// ``provider``) is set by the core from the user, never by a caller.
public struct ApplicationQuery: Sendable, Hashable {
    /// Only applications with this status.
    public var status: ApplicationStatus?
    /// Only applications of this service (its id).
    public var serviceID: String?
    /// Only applications in this district (its name, ignoring case).
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
