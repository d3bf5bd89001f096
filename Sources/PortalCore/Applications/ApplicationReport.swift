import GeoModel

/// The applications by status, service and district as of a day, with overdue counts: what
/// `qamtu report applications` prints. No personal data: counts only.
public struct ApplicationReport: Sendable, Equatable {
    /// Counts of one group (a service, a district, or all).
    public struct Counts: Sendable, Equatable {
        /// The group: a service's id, a district's name (`(none)` outside every district), or `total`.
        public var key: String
        /// A name for people: the service's name; the key otherwise.
        public var label: String
        public var received = 0
        public var inProgress = 0
        public var approved = 0
        public var returned = 0
        /// Undecided and past the due day.
        public var overdue = 0

        public var total: Int { received + inProgress + approved + returned }

        init(key: String, label: String) {
            self.key = key
            self.label = label
        }

        mutating func add(_ status: ApplicationStatus, overdue isOverdue: Bool) {
            switch status {
            case .received: received += 1
            case .inProgress: inProgress += 1
            case .approved: approved += 1
            case .returned: returned += 1
            }
            if isOverdue { overdue += 1 }
        }
    }

    /// The day the counts are for, `YYYY-MM-DD` (UTC+05:00): events after its end are left out.
    public var asOf: String
    public var total: Counts
    /// Per service, in the catalogue's order (services without applications included).
    public var byService: [Counts]
    /// Per district, by name.
    public var byDistrict: [Counts]

    /// The report as text tables for people.
    public func text() -> String {
        let header = ["", "applications", "received", "in progress", "approved", "returned", "overdue"]
        func row(_ c: Counts, _ label: String) -> [String] {
            [label, String(c.total), String(c.received), String(c.inProgress), String(c.approved), String(c.returned), String(c.overdue)]
        }
        let right = Set(1...6)
        var lines = ["Service applications as of \(asOf)", ""]
        lines.append(TextTable.render([header, row(total, "total")], rightAligned: right))
        lines += ["", "By service"]
        lines.append(TextTable.render([header] + byService.map { row($0, "\($0.key)  \($0.label)") }, rightAligned: right))
        lines += ["", "By district"]
        lines.append(TextTable.render([header] + byDistrict.map { row($0, $0.label) }, rightAligned: right))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as JSON: `asOf`, `total`, `byService`, `byDistrict`, each group with its counts.
    public func json() -> JSONValue {
        func counts(_ c: Counts) -> JSONValue {
            .object([("key", .string(c.key)), ("label", .string(c.label)), ("applications", .integer(Int64(c.total))),
                     ("received", .integer(Int64(c.received))), ("in_progress", .integer(Int64(c.inProgress))),
                     ("approved", .integer(Int64(c.approved))), ("returned", .integer(Int64(c.returned))),
                     ("overdue", .integer(Int64(c.overdue)))])
        }
        return .object([("asOf", .string(asOf)), ("total", counts(total)),
                        ("byService", .array(byService.map(counts))), ("byDistrict", .array(byDistrict.map(counts)))])
    }
}
