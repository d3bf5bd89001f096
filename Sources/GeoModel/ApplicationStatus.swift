/// Where a service application stands in the portal's workflow.
///
/// The workflow is `received → in_progress → approved | returned`, and `returned → received`
/// when the applicant resubmits; nothing else. `approved` is final.
public enum ApplicationStatus: String, Sendable, CaseIterable, Hashable {
    /// Submitted (or resubmitted) and waiting for the provider.
    case received
    /// Taken up by the provider's staff.
    case inProgress = "in_progress"
    /// Decided in the applicant's favour (final).
    case approved
    /// Sent back to the applicant with a reason; the applicant may resubmit.
    case returned

    /// The statuses this one may move to.
    public var next: [ApplicationStatus] {
        switch self {
        case .received: [.inProgress]
        case .inProgress: [.approved, .returned]
        case .approved: []
        case .returned: [.received]
        }
    }

    /// Whether the workflow allows `self → target`.
    public func allows(_ target: ApplicationStatus) -> Bool { next.contains(target) }

    /// Whether the application is decided (approved or returned): its clock has stopped.
    public var isDecided: Bool { self == .approved || self == .returned }

    /// The statuses' spellings, for messages: `received, in_progress, approved, returned`.
    public static var spellings: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
