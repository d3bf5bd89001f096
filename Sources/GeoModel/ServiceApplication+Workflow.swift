/// The workflow's rules for one move, the same for every ledger (SpatiaLite, PostgreSQL): each
/// ledger reads the application in its transaction, checks the move here, lets the caller
/// authorise it, and writes what ``moved(by:daysAllowed:)`` returns, with its event.
extension ServiceApplication {
    /// Checks that `change` may be applied: the version the caller saw (`If-Match`) is the
    /// current one, and the workflow allows the move.
    /// - Throws: `ApplicationError.staleVersion`, `.forbiddenTransition`.
    public func check(_ change: ApplicationChange) throws {
        if let expected = change.expectedVersion, expected != version {
            throw ApplicationError.staleVersion(id: id, given: expected, current: version)
        }
        guard status.allows(change.to) else {
            throw ApplicationError.forbiddenTransition(id: id, from: status, to: change.to)
        }
    }

    /// The application after `change` (already checked by ``check(_:)``): the new status and
    /// version; a decision records its time and note; a resubmission (to `received`) clears them
    /// and starts the clock anew with the service's `daysAllowed`.
    /// - Parameter daysAllowed: the service's days allowed; needed only when `change` resubmits
    ///   (nil: the service is missing).
    /// - Throws: `ApplicationError.invalidFields` for a resubmission of an unknown service or a
    ///   time that is not an ISO 8601 timestamp with an offset.
    public func moved(by change: ApplicationChange, daysAllowed: Int?) throws -> ServiceApplication {
        var next = self
        next.status = change.to
        next.version += 1
        if change.to.isDecided {
            next.decided = change.at
            next.decisionNote = change.note
        } else if change.to == .received {
            next.decided = nil
            next.decisionNote = nil
            guard let daysAllowed else {
                throw ApplicationError.invalidFields(["service_id: no service '\(serviceID)'"])
            }
            next.due = try Self.dueDay(from: change.at, days: daysAllowed)
        }
        return next
    }

    /// The due day, `YYYY-MM-DD` in the portal's time zone: the day of `timestamp` plus `days`.
    /// - Throws: `ApplicationError.invalidFields` when `timestamp` is not an ISO 8601 timestamp
    ///   with an offset.
    public static func dueDay(from timestamp: String, days: Int) throws -> String {
        guard let day = PortalTime.day(ofTimestamp: timestamp), let due = PortalTime.day(day, plus: days) else {
            throw ApplicationError.invalidFields(["time '\(timestamp)' is not an ISO 8601 timestamp with an offset"])
        }
        return due
    }
}
