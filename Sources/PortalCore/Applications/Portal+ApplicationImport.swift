import Foundation
import GeoModel

extension Portal {
    /// The most problems an import lists (all are counted).
    static let maximumListedImportProblems = 20

    /// Imports applications with their histories from a GeoJSON FeatureCollection (moving them
    /// from another system, or the demo), all or nothing. Each Feature is a submission (a Point
    /// and the properties of ``ApplicationDraft``) with an `events` array of
    /// `{"at", "by", "to", "note"}`, oldest first, the first one `received`; the workflow's
    /// rules apply to every step. Ids are assigned in file order (`A-` and the row number); a
    /// feature's `id`, when given, must not be stored already (a file is imported once). A first
    /// event by an existing applicant user makes that user the owner.
    /// - Parameter name: the file's name, for messages.
    /// - Throws: `ApplicationError.invalidFields` listing every problem by feature; nothing is stored then.
    public func importApplications(json bytes: [UInt8], name: String) throws -> [ServiceApplication] {
        let ledger = try requireLedger()
        let document: JSONValue
        do { document = try JSONParser.parse(bytes) } catch {
            throw ApplicationError.invalidFields(["\(name): not JSON (\(error))"])
        }
        guard document["type"]?.stringValue == "FeatureCollection", case .array(let features)? = document["features"] else {
            throw ApplicationError.invalidFields(["\(name): not a GeoJSON FeatureCollection"])
        }
        let applicants = Dictionary(try ledger.users().filter { $0.role == .applicant }.map { ($0.name, $0) },
                                    uniquingKeysWith: { first, _ in first })
        let services = Set(try serviceCatalogue().map(\.id))
        var problems: [String] = []
        var fileIDs = Set<String>()
        var items: [(application: NewApplication, changes: [ApplicationChange])] = []
        for (index, feature) in features.enumerated() {
            let label = "\(name): feature \(index + 1)"
            do {
                let draft = try ApplicationDraft.parse(feature, extraProperties: ["id", "events"],
                                                      serviceExists: { services.contains($0) })
                let events = try Self.importedEvents(feature["properties"]?["events"])
                guard let first = events.first else { continue }
                var new = try newApplication(draft, owner: applicants[first.by], actor: first.by, at: first.at)
                new.eventNote = first.note
                if let id = feature["properties"]?["id"]?.stringValue {
                    // Ids are assigned on import; one the ledger holds says the file was imported before.
                    if !fileIDs.insert(id).inserted { throw ApplicationError.invalidFields(["id: '\(id)' is given twice in the file"]) }
                    if try ledger.application(id: id) != nil {
                        throw ApplicationError.invalidFields(["id: '\(id)' is already stored (was this file imported before?)"])
                    }
                }
                let changes = events.dropFirst().map { event in
                    ApplicationChange(applicationID: "", to: event.to, note: event.note, actor: event.by,
                                      at: PortalTime.timestamp(event.at), expectedVersion: nil)
                }
                items.append((new, Array(changes)))
            } catch ApplicationError.invalidFields(let found) {
                problems += found.map { "\(label): \($0)" }
            }
        }
        if !problems.isEmpty {
            var listed = Array(problems.prefix(Self.maximumListedImportProblems))
            if problems.count > listed.count { listed.append("… and \(problems.count - listed.count) more") }
            throw ApplicationError.invalidFields(listed)
        }
        return try ledger.importApplications(items)
    }

    /// One step of an imported history.
    struct ImportedEvent {
        var at: Date
        var by: String
        var to: ApplicationStatus
        var note: String?
    }

    /// The `events` of an imported application, checked against the workflow.
    static func importedEvents(_ value: JSONValue?) throws(ApplicationError) -> [ImportedEvent] {
        guard case .array(let items)? = value, !items.isEmpty else {
            throw .invalidFields(["events: required, an array of {at, by, to, note}, the first one to 'received'"])
        }
        var problems: [String] = []
        var events: [ImportedEvent] = []
        var status: ApplicationStatus?
        for (index, item) in items.enumerated() {
            let label = "events[\(index)]"
            guard let atText = item["at"]?.stringValue, let at = PortalTime.parse(atText) else {
                problems.append("\(label).at: required, an ISO 8601 time with an offset"); continue
            }
            guard let by = item["by"]?.stringValue, !by.isEmpty else { problems.append("\(label).by: required, a user name"); continue }
            guard let toText = item["to"]?.stringValue, let to = ApplicationStatus(rawValue: toText) else {
                problems.append("\(label).to: one of \(ApplicationStatus.spellings)"); continue
            }
            let note = item["note"]?.stringValue
            if let previous = events.last, at < previous.at { problems.append("\(label).at: earlier than the event before it") }
            if let status, !status.allows(to) {
                problems.append("\(label).to: \(status.rawValue) cannot move to \(to.rawValue)")
            } else if status == nil && to != .received {
                problems.append("\(label).to: the first event must be 'received'")
            }
            if to == .returned && (note ?? "").isEmpty { problems.append("\(label).note: a return needs the reason") }
            status = to
            events.append(ImportedEvent(at: at, by: by, to: to, note: note))
        }
        if !problems.isEmpty { throw .invalidFields(problems) }
        return events
    }
}
