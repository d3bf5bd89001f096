import Foundation
import GeoModel

extension Portal {
    /// The applications' counts as of the end of `day` (`YYYY-MM-DD`, UTC+05:00; nil: today),
    /// found by replaying each application's events up to then: its status then, and its due
    /// day from its last (re)submission then (from the service's days allowed now, for a day
    /// before the application's last event; its stored due day after it).
    /// - Throws: `PortalError` (invalid input) for a malformed day.
    public func applicationReport(asOf day: String? = nil, now: Date = Date()) throws -> ApplicationReport {
        let asOf = day ?? PortalTime.day(now)
        guard PortalTime.isDay(asOf) else { throw PortalError(.invalidInput, "as-of '\(asOf)' is not a day YYYY-MM-DD") }
        let services = try serviceCatalogue()
        var report = ApplicationReport(asOf: asOf, total: .init(key: "total", label: "total"),
                                       byService: services.map { .init(key: $0.id, label: $0.name) }, byDistrict: [])
        let daysAllowed = Dictionary(services.map { ($0.id, $0.days) }, uniquingKeysWith: { first, _ in first })
        var serviceIndex: [String: Int] = [:]
        for (index, service) in services.enumerated() { serviceIndex[service.id] = index }
        var districts: [String: ApplicationReport.Counts] = [:]
        for (application, events) in try requireLedger().applicationsWithEvents() {
            guard var state = Self.replay(events, through: asOf, daysAllowed: daysAllowed[application.serviceID]) else {
                continue
            }
            // Once every event is counted, the stored due day holds (the days allowed when it was
            // set; the catalogue may have changed since): the report agrees with `applications list`.
            if let last = events.last, let lastDay = PortalTime.day(ofTimestamp: last.at), lastDay <= asOf {
                state.due = application.due
            }
            let overdue = !state.status.isDecided && state.due.map { asOf > $0 } == true
            report.total.add(state.status, overdue: overdue)
            if let index = serviceIndex[application.serviceID] {
                report.byService[index].add(state.status, overdue: overdue)
            } else {
                report.byService.append(.init(key: application.serviceID, label: "(not in the catalogue)"))
                serviceIndex[application.serviceID] = report.byService.count - 1
                report.byService[report.byService.count - 1].add(state.status, overdue: overdue)
            }
            let district = application.district ?? "(none)"
            districts[district, default: .init(key: district, label: district)].add(state.status, overdue: overdue)
        }
        report.byDistrict = districts.values.sorted { $0.key < $1.key }
        return report
    }

    /// The status and due day of an application at the end of `day`, from its events; nil when
    /// it was not yet submitted then.
    static func replay(_ events: [ApplicationEvent], through day: String, daysAllowed: Int?) -> (status: ApplicationStatus, due: String?)? {
        var status: ApplicationStatus?
        var due: String?
        for event in events {
            guard let eventDay = PortalTime.day(ofTimestamp: event.at), eventDay <= day else { break }
            status = event.to
            if event.to == .received, let daysAllowed { due = PortalTime.day(eventDay, plus: daysAllowed) }
        }
        return status.map { ($0, due) }
    }

    /// The services: id, English name, provider, days allowed; in the layer's order.
    public func serviceCatalogue() throws -> [(id: String, name: String, provider: String, days: Int)] {
        let layer = LayerSchema.services
        guard let name = layer.columnIndex("name"), let provider = layer.columnIndex("provider"),
              let days = layer.columnIndex("days_allowed") else { return [] }
        return try store.features(ExportQuery(layer: layer)).map { record in
            let allowed: Int = if case .integer(let n) = record.values[days] { Int(n) } else { 0 }
            return (record.id, record.values[name].text ?? record.id, record.values[provider].text ?? "", allowed)
        }
    }
}
