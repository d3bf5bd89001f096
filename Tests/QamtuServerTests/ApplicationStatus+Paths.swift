import GeoModel

extension ApplicationStatus {
    /// The allowed moves, as the office makes them, that bring a new (`received`) application to this status.
    var pathFromReceived: [ApplicationStatus] {
        switch self {
        case .received: []
        case .inProgress: [.inProgress]
        case .approved: [.inProgress, .approved]
        case .returned: [.inProgress, .returned]
        }
    }
}
