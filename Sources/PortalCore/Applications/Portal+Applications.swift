import Foundation
import GeoModel
import Geodesy

/// The service applications' use cases: authentication, submission, reading, the workflow's
/// transitions and users. Roles are enforced here, for every front end: applicants see and
/// resubmit their own applications, providers see and decide those of their organisation's
/// services, admins (and the command line, which holds the file) everything.
extension Portal {
    /// The ledger, or an `unavailable` error when this portal keeps no applications.
    func requireLedger() throws -> any ApplicationLedger {
        guard let ledger else {
            throw PortalError(.unavailable, "this portal does not keep service applications (start the server with --writable)")
        }
        return ledger
    }

    /// The user of a bearer token.
    /// - Throws: `ApplicationError.unauthorised` (one message for a malformed, unknown, wrong or
    ///   revoked token, so that the answer says nothing about which).
    public func authenticate(token: String?) throws -> PortalUser {
        let refusal = ApplicationError.unauthorised("a valid bearer token is required (Authorization: Bearer qamtu_…)")
        guard let token, let (id, secret) = AccessToken.parse(token) else { throw refusal }
        let ledger = try requireLedger()
        let presented = AccessToken.hash(secret)
        // The id only finds the row (ids are not secret); the secret's hash is compared in constant time.
        guard let credential = try ledger.credential(tokenID: id) else { throw refusal }
        guard AccessToken.constantTimeEqual(presented, credential.secretSHA256), credential.user.revoked == nil else { throw refusal }
        return credential.user
    }

    /// The provider organisation of a service, nil when there is no such service.
    func provider(ofService serviceID: String) throws -> String? {
        let layer = LayerSchema.services
        guard let record = try store.features(layer, ids: [serviceID]).first,
              let index = layer.columnIndex("provider") else { return nil }
        return record.values[index].text
    }

    /// Whether `user` may see `application`.
    func canSee(_ application: ServiceApplication, user: PortalUser) throws -> Bool {
        switch user.role {
        case .admin: return true
        case .applicant: return application.ownerNumber == user.number
        case .provider:
            guard let organisation = user.organisation else { return false }
            return try provider(ofService: application.serviceID) == organisation
        }
    }

    /// Submits a GeoJSON Feature (see ``ApplicationDraft``) for `user` (an applicant, or an admin
    /// on someone's behalf): checks every field and the service, finds its settlement and
    /// district, stores it as `received` with its first event, and returns once it is on disk.
    /// - Throws: `ApplicationError.forbidden` for a provider; `.invalidFields` listing every problem.
    public func submitApplication(feature: JSONValue, by user: PortalUser, at date: Date = Date()) async throws -> ServiceApplication {
        let ledger = try requireLedger()
        guard user.role != .provider else {
            throw ApplicationError.forbidden("providers decide applications; applicants (or the office) submit them")
        }
        let new = try await perform { portal in
            let services = Set(try portal.serviceCatalogue().map(\.id))
            let draft = try ApplicationDraft.parse(feature, serviceExists: { services.contains($0) })
            return try portal.newApplication(draft, owner: user, at: date)
        }
        return try await ledger.submit(new)
    }

    /// The stored form of a draft (whose service was checked): the settlement and district found.
    func newApplication(_ draft: ApplicationDraft, owner: PortalUser?, actor: String? = nil, at date: Date) throws -> NewApplication {
        let place = try locate(draft.position)
        return NewApplication(serviceID: draft.serviceID, position: draft.position, applicant: draft.applicant, note: draft.note,
                              ownerNumber: owner?.number, actor: actor ?? owner?.name ?? "import", at: PortalTime.timestamp(date),
                              settlement: place.settlement, district: place.district)
    }

    /// The district containing `point` (its name) and the nearest settlement within
    /// ``ServiceApplication/settlementRadiusMetres`` on the ellipsoid (its id).
    public func locate(_ point: GeoPoint) throws -> (settlement: String?, district: String?) {
        let tiny = 1e-9
        let districtBox = BoundingBox(minLongitude: point.longitude - tiny, minLatitude: point.latitude - tiny,
                                      maxLongitude: point.longitude + tiny, maxLatitude: point.latitude + tiny)
        let districts = LayerSchema.districts
        let district = try store.features(ExportQuery(layer: districts, bbox: districtBox))
            .first { $0.geometry?.containsPlanar(point) == true }
            .flatMap { record in districts.columnIndex("name").flatMap { record.values[$0].text } }
        let radius = ServiceApplication.settlementRadiusMetres
        let dLatitude = radius / 110_000 * 1.01
        let dLongitude = min(180, dLatitude / max(0.01, cos(min(89.0, abs(point.latitude) + dLatitude) * .pi / 180)))
        let box = BoundingBox(minLongitude: max(-180, point.longitude - dLongitude), minLatitude: max(-90, point.latitude - dLatitude),
                              maxLongitude: min(180, point.longitude + dLongitude), maxLatitude: min(90, point.latitude + dLatitude))
        var nearest: (id: String, metres: Double)?
        for record in try store.features(ExportQuery(layer: .settlements, bbox: box)) {
            guard case .point(let position)? = record.geometry else { continue }
            let metres = Geodesic.distanceMeters(point, position)
            if metres <= radius, metres < nearest?.metres ?? .infinity { nearest = (record.id, metres) }
        }
        return (nearest?.id, district)
    }

    /// The application `id` as `user` may see it.
    /// - Throws: `ApplicationError.unknownApplication`; `.forbidden` when it is not theirs to see.
    public func application(_ id: String, for user: PortalUser) throws -> ServiceApplication {
        guard let application = try requireLedger().application(id: id) else { throw ApplicationError.unknownApplication(id) }
        guard try canSee(application, user: user) else {
            throw ApplicationError.forbidden("application '\(id)' is not one of yours (role \(user.role.rawValue))")
        }
        return application
    }

    /// The applications `query` selects among those `user` may see, and how many there are.
    /// - Throws: `ApplicationError.forbidden` for a provider without an organisation.
    public func applications(_ query: ApplicationQuery, for user: PortalUser) throws -> (matched: Int, items: [ServiceApplication]) {
        var visible = query
        visible.ownerNumber = nil
        visible.provider = nil
        switch user.role {
        case .admin: break
        case .applicant: visible.ownerNumber = user.number
        case .provider:
            guard let organisation = user.organisation else {
                throw ApplicationError.forbidden("provider '\(user.name)' has no organisation")
            }
            visible.provider = organisation
        }
        return try requireLedger().applications(visible)
    }

    /// The events of the application `id`, oldest first, as `user` may see them.
    public func events(ofApplication id: String, for user: PortalUser) throws -> [ApplicationEvent] {
        _ = try application(id, for: user)
        return try requireLedger().events(applicationID: id) ?? []
    }

    /// Moves the application `id` to `target` for `user`, if the version they saw is current,
    /// the workflow allows the move and their role may make it; returns once it is on disk.
    /// - Throws: `ApplicationError.unknownApplication`, `.forbidden` (not theirs, or not their
    ///   move), `.staleVersion`, `.forbiddenTransition`, `.invalidFields` (a return without a reason).
    public func transitionApplication(_ id: String, to target: ApplicationStatus, note: String?, expectedVersion: Int64?,
                                      by user: PortalUser, at date: Date = Date()) async throws -> ServiceApplication {
        let ledger = try requireLedger()
        let change = try await perform { portal in
            _ = try portal.application(id, for: user)
            return try Self.change(id, to: target, note: note, expectedVersion: expectedVersion, actor: user.name, at: date)
        }
        return try await ledger.transition(change) { current in try Self.authorise(user, moving: current, to: target) }
    }

    /// ``transitionApplication(_:to:note:expectedVersion:by:at:)`` for the command line, which
    /// holds the file and acts as the office (the actor is named in the event).
    public func transitionApplicationNow(_ id: String, to target: ApplicationStatus, note: String?, expectedVersion: Int64?,
                                         actor: String, at date: Date = Date()) throws -> ServiceApplication {
        let change = try Self.change(id, to: target, note: note, expectedVersion: expectedVersion, actor: actor, at: date)
        return try requireLedger().transitionNow(change) { _ in }
    }

    static func change(_ id: String, to target: ApplicationStatus, note: String?, expectedVersion: Int64?, actor: String,
                       at date: Date) throws -> ApplicationChange {
        let note = note.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        if target == .returned && note == nil {
            throw ApplicationError.invalidFields(["note: a return needs the reason, for the applicant"])
        }
        if let note, note.count > ApplicationDraft.maximumNoteLength {
            throw ApplicationError.invalidFields(["note: longer than \(ApplicationDraft.maximumNoteLength) characters"])
        }
        return ApplicationChange(applicationID: id, to: target, note: note, actor: actor, at: PortalTime.timestamp(date),
                                 expectedVersion: expectedVersion)
    }

    /// Refuses a move the user's role may not make (the workflow itself is checked by the ledger).
    static func authorise(_ user: PortalUser, moving current: ServiceApplication, to target: ApplicationStatus) throws {
        switch user.role {
        case .admin: return
        case .provider where target != .received: return
        case .applicant where target == .received: return
        case .provider:
            throw ApplicationError.forbidden("only the applicant resubmits a returned application")
        case .applicant:
            throw ApplicationError.forbidden("only the provider moves an application to \(target.rawValue)")
        }
    }

    // MARK: - Users

    /// Adds a user with a new token; the token is in the result only (the store keeps its hash).
    /// - Throws: `ApplicationError.invalidFields` for a bad name or a provider without an
    ///   organisation; `.duplicateUser`.
    public func addUser(name: String, role: UserRole, organisation: String?, at date: Date = Date()) throws -> (user: PortalUser, token: String) {
        var problems: [String] = []
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed.count > 100 { problems.append("name: 1 to 100 characters") }
        let organisation = organisation.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        if role == .provider && organisation == nil { problems.append("organisation: a provider needs the organisation whose services it decides") }
        if role != .provider && organisation != nil { problems.append("organisation: only providers belong to an organisation") }
        if !problems.isEmpty { throw ApplicationError.invalidFields(problems) }
        let token = AccessToken.generate()
        let user = try requireLedger().addUser(name: trimmed, role: role, organisation: organisation, tokenID: token.id,
                                               tokenSHA256: token.secretSHA256, at: PortalTime.timestamp(date))
        return (user, token.text)
    }

    /// Revokes a user's token: its next request answers 401.
    public func revokeUser(name: String, at date: Date = Date()) throws -> PortalUser {
        try requireLedger().revokeUser(name: name, at: PortalTime.timestamp(date))
    }

    /// Every user.
    public func users() throws -> [PortalUser] { try requireLedger().users() }
}
