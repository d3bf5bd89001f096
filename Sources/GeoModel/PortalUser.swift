/// A user of the portal's service applications, as stored (never the token, never its hash).
public struct PortalUser: Sendable, Hashable {
    /// The user's number in the store.
    public let number: Int64
    /// The unique name (a login, e.g. `provider-zhambyl-water`); shown in events as "who".
    public let name: String
    /// The role.
    public let role: UserRole
    /// The provider organisation (the `provider` of its services); nil for other roles.
    public let organisation: String?
    /// When the user was added, ISO 8601 with the portal's offset (UTC+05:00).
    public let created: String
    /// When the user's token was revoked, ISO 8601 with the portal's offset; nil while it is valid.
    public let revoked: String?

    public init(number: Int64, name: String, role: UserRole, organisation: String?, created: String, revoked: String?) {
        self.number = number
        self.name = name
        self.role = role
        self.organisation = organisation
        self.created = created
        self.revoked = revoked
    }
}
