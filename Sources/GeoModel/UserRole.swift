/// What a portal user may do with service applications.
public enum UserRole: String, Sendable, CaseIterable, Hashable {
    /// Submits applications and sees (and resubmits) only their own.
    case applicant
    /// Staff of a provider organisation: sees and decides the applications of its services.
    case provider
    /// The portal's office: sees and may move every application.
    case admin
}
