import Foundation
import GeoModel
import PortalCore
import QamtuTestSupport
import Testing

/// `qamtu users …`, `qamtu applications …` and `qamtu report applications` (issue 17), through
/// the built executable: what goes to standard output and error, and the exit statuses.
@Suite("qamtu users, applications and report applications (the built executable)")
struct ApplicationsCLITests {
    static let services = """
        id,name,name_kk,name_ru,provider,kind,days_allowed,documents
        svc-water,Connection to the water supply network,,,Aulie-Ata Water Utility,water,10,identity document;site plan
        svc-power,Technical conditions for an electricity connection,,,Talas Valley Power Networks,electricity,5,identity document
        """

    /// West (70.5–71.2° E) and East (71.2–73° E), 42.8–44° N.
    static let districts = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[70.5,42.8],[71.2,42.8],[71.2,44],[70.5,44],[70.5,42.8]]]},"properties":{"id":"d1","name":"West"}},
        {"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[71.2,42.8],[73,42.8],[73,44],[71.2,44],[71.2,42.8]]]},"properties":{"id":"d2","name":"East"}}
        ]}
        """

    static let settlements = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","geometry":{"type":"Point","coordinates":[71.0,43.0]},"properties":{"id":"s1","name":"Aqsu","kind":"village","population":5000}},
        {"type":"Feature","geometry":{"type":"Point","coordinates":[71.5,43.2]},"properties":{"id":"s3","name":"Kokterek","kind":"village","population":1200}}
        ]}
        """

    static let sites = """
        id,kind,operator,technologies,range_m,status,lon,lat
        t1,base_station,Kcell,4G,5000,operational,71.01,43.0
        """

    /// A-000001 (svc-water, 10 days, West): received 03-02, in progress 03-03, returned 03-05.
    /// A-000002 (svc-power, 5 days, East): received 03-04 (due 03-09).
    static let applications = """
        {"type":"FeatureCollection","features":[
        {"type":"Feature","geometry":{"type":"Point","coordinates":[71.0,43.0]},"properties":{"service_id":"svc-water",
         "applicant_name":"Ерлан Сапаров","applicant_iin":"900101300126","applicant_phone":"+7 701 123 45 67","applicant_email":null,
         "note":"a house","events":[
           {"at":"2026-03-02T09:00:00+05:00","by":"resident-1","to":"received"},
           {"at":"2026-03-03T10:00:00+05:00","by":"provider-water","to":"in_progress"},
           {"at":"2026-03-05T12:00:00+05:00","by":"provider-water","to":"returned","note":"the site plan is missing"}]}},
        {"type":"Feature","geometry":{"type":"Point","coordinates":[71.5,43.2]},"properties":{"service_id":"svc-power",
         "applicant_name":"Айгүл Нұрланқызы","applicant_iin":"851231300045","applicant_phone":"8 (701) 765-43-21",
         "events":[{"at":"2026-03-04T05:00:00Z","by":"resident-2","to":"received"}]}}
        ]}
        """

    /// A portal file `p.sqlite` in `folder` with the services, districts, settlements and one
    /// site, loaded through the CLI; with `applications`, the two applications imported too.
    static func portal(in folder: TemporaryFolder, applications withApplications: Bool = true) throws {
        #expect(try qamtu(["init", "--db", "p.sqlite"], in: folder).status == 0)
        let files = [("services", "services.csv", services), ("districts", "districts.geojson", districts),
                     ("settlements", "settlements.geojson", settlements), ("sites", "sites.csv", sites)]
        for (layer, name, text) in files {
            try folder.write(name, text)
            let result = try qamtu(["import", layer, name, "--db", "p.sqlite"], in: folder)
            #expect(result.status == 0, "\(layer): \(result.stderr)")
        }
        guard withApplications else { return }
        try folder.write("apps.geojson", applications)
        let imported = try qamtu(["applications", "import", "apps.geojson", "--db", "p.sqlite"], in: folder)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout == "")
        #expect(imported.stderr == "imported 2 applications from apps.geojson with their events\n")
    }

    @Test func usersAddPrintsTheTokenAloneAndRevokeStopsIt() throws {
        let folder = try TemporaryFolder()
        try Self.portal(in: folder, applications: false)
        let added = try qamtu(["users", "add", "resident-1", "--role", "applicant", "--db", "p.sqlite"], in: folder)
        #expect(added.status == 0, "\(added.stderr)")
        let lines = added.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && lines.last == "", "one line and its newline: \(added.stdout)")
        let token = String(lines[0])
        #expect(token.wholeMatch(of: #/qamtu_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/#) != nil, "\(token)")
        #expect(added.stderr == "added applicant 'resident-1'; the token above is shown only now (the file keeps its hash)\n")

        // The printed token is the user's.
        let ledger = try SpatiaLiteStore.openLedger(at: folder.path("p.sqlite"), concurrent: false)
        let portal = Portal(store: try SpatiaLiteStore.open(at: folder.path("p.sqlite")), ledger: ledger)
        #expect(try portal.authenticate(token: token).name == "resident-1")

        let noOrganisation = try qamtu(["users", "add", "provider-water", "--role", "provider", "--db", "p.sqlite"], in: folder)
        #expect(noOrganisation.status == 1)
        #expect(noOrganisation.stdout == "")
        #expect(noOrganisation.stderr == "error: organisation: a provider needs the organisation whose services it decides\n")
        let provider = try qamtu(["users", "add", "provider-water", "--role", "provider", "--organisation", "Aulie-Ata Water Utility",
                                  "--db", "p.sqlite"], in: folder)
        #expect(provider.status == 0)
        #expect(provider.stderr == "added provider 'provider-water' of Aulie-Ata Water Utility; the token above is shown only now (the file keeps its hash)\n")
        let duplicate = try qamtu(["users", "add", "resident-1", "--role", "admin", "--db", "p.sqlite"], in: folder)
        #expect(duplicate.status == 1)
        #expect(duplicate.stdout == "")
        #expect(duplicate.stderr == "error: a user 'resident-1' exists already\n")
        let badRole = try qamtu(["users", "add", "x", "--role", "office", "--db", "p.sqlite"], in: folder)
        #expect(badRole.status == 64)

        let revoked = try qamtu(["users", "revoke", "resident-1", "--db", "p.sqlite"], in: folder)
        #expect(revoked.status == 0)
        #expect(revoked.stdout == "")
        #expect(revoked.stderr.hasPrefix("revoked the token of 'resident-1' (since 2"), "\(revoked.stderr)")
        #expect(throws: ApplicationError.unauthorised("a valid bearer token is required (Authorization: Bearer qamtu_…)")) {
            try portal.authenticate(token: token)
        }
        let unknown = try qamtu(["users", "revoke", "nobody", "--db", "p.sqlite"], in: folder)
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "error: no user 'nobody'\n")

        let list = try qamtu(["users", "list", "--db", "p.sqlite"], in: folder)
        #expect(list.status == 0)
        let rows = list.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.first == ["name", "role", "organisation", "added", "token"])
        #expect(rows.count == 3)
        #expect(rows.dropFirst().first?.prefix(2) == ["resident-1", "applicant"])
        #expect(rows.dropFirst().first?.dropLast().last == "revoked")
        #expect(rows.last?.last == "valid")
        #expect(!list.stdout.contains(String(token.suffix(43))) && !list.stdout.contains("qamtu_"))
    }

    @Test func applicationsAreListedShownAndMoved() throws {
        let folder = try TemporaryFolder()
        try Self.portal(in: folder)

        let list = try qamtu(["applications", "list", "--db", "p.sqlite"], in: folder)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stderr == "2 applications\n")
        let today = PortalTime.day(Date())
        let rows = list.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows == [
            ["id", "service", "status", "submitted", "due", "overdue", "district"],
            ["A-000001", "svc-water", "returned", "2026-03-02T09:00:00+05:00", "2026-03-12", "West"],
            ["A-000002", "svc-power", "received", "2026-03-04T10:00:00+05:00", "2026-03-09"] + (today > "2026-03-09" ? ["yes"] : []) + ["East"],
        ])
        #expect(!list.stdout.contains("Сапаров") && !list.stdout.contains("900101300126"), "the list has no personal data")
        let filtered = try qamtu(["applications", "list", "--status", "received", "--db", "p.sqlite"], in: folder)
        #expect(filtered.stderr == "1 application\n")
        #expect(filtered.stdout.contains("A-000002") && !filtered.stdout.contains("A-000001"))
        #expect(try qamtu(["applications", "list", "--status", "done", "--db", "p.sqlite"], in: folder).status == 64)

        let show = try qamtu(["applications", "show", "A-000001", "--db", "p.sqlite"], in: folder)
        #expect(show.status == 0, "\(show.stderr)")
        let shown = try JSONParser.parse(show.stdout)
        #expect(shown["application"]?["id"] == .string("A-000001"))
        #expect(shown["application"]?["properties"]?["status"] == .string("returned"))
        #expect(shown["application"]?["properties"]?["decision_note"] == .string("the site plan is missing"))
        #expect(shown["application"]?["properties"]?["applicant_phone"] == .string("+77011234567"))
        #expect(shown["application"]?["geometry"] == (try JSONParser.parse(#"{"type":"Point","coordinates":[71.0,43.0]}"#)))
        // The events of A-000001 were written first, one after the other (A-000002's is 4).
        #expect(shown["events"] == (try JSONParser.parse("""
            [{"seq":1,"at":"2026-03-02T09:00:00+05:00","by":"resident-1","from":null,"to":"received","note":null},
             {"seq":2,"at":"2026-03-03T10:00:00+05:00","by":"provider-water","from":"received","to":"in_progress","note":null},
             {"seq":3,"at":"2026-03-05T12:00:00+05:00","by":"provider-water","from":"in_progress","to":"returned",
              "note":"the site plan is missing"}]
            """)))
        let missing = try qamtu(["applications", "show", "A-999999", "--db", "p.sqlite"], in: folder)
        #expect(missing.status == 1)
        #expect(missing.stderr == "error: no application 'A-999999'\n")

        let moved = try qamtu(["applications", "transition", "A-000002", "--to", "in_progress", "--by", "office", "--db", "p.sqlite"], in: folder)
        #expect(moved.status == 0, "\(moved.stderr)")
        #expect(moved.stdout == "A-000002 in_progress (version 2)\n")
        let forbidden = try qamtu(["applications", "transition", "A-000002", "--to", "received", "--by", "office", "--db", "p.sqlite"], in: folder)
        #expect(forbidden.status == 1)
        #expect(forbidden.stdout == "")
        #expect(forbidden.stderr == "error: application 'A-000002' is in_progress: it cannot move to received (allowed: approved, returned)\n")
        let stale = try qamtu(["applications", "transition", "A-000002", "--to", "approved", "--if-version", "1", "--db", "p.sqlite"], in: folder)
        #expect(stale.status == 1)
        #expect(stale.stderr == "error: application 'A-000002' has changed: the request names version 1, the current version is 2\n")
        let noReason = try qamtu(["applications", "transition", "A-000002", "--to", "returned", "--db", "p.sqlite"], in: folder)
        #expect(noReason.status == 1)
        #expect(noReason.stderr == "error: note: a return needs the reason, for the applicant\n")
        let badStatus = try qamtu(["applications", "transition", "A-000002", "--to", "done", "--db", "p.sqlite"], in: folder)
        #expect(badStatus.status == 64)
        #expect(badStatus.stderr.contains("--to must be one of received, in_progress, approved, returned, got 'done'"), "\(badStatus.stderr)")

        let after = try JSONParser.parse(try qamtu(["applications", "show", "A-000002", "--db", "p.sqlite"], in: folder).stdout)
        #expect(after["application"]?["properties"]?["version"] == .integer(2))
        guard case .array(let events)? = after["events"] else { Issue.record("no events"); return }
        #expect(events.map { $0["to"]?.stringValue } == ["received", "in_progress"])
        #expect(events.last?["by"] == .string("office"))
        #expect(events.last?["at"]?.stringValue.flatMap(PortalTime.day(ofTimestamp:)) == today)
    }

    @Test func theApplicationsReportCountsAsOfADay() throws {
        let folder = try TemporaryFolder()
        try Self.portal(in: folder)
        func report(_ day: String) throws -> JSONValue {
            let result = try qamtu(["report", "applications", "--as-of", day, "--format", "json", "--db", "p.sqlite"], in: folder)
            #expect(result.status == 0, "\(result.stderr)")
            return try JSONParser.parse(result.stdout)
        }
        func counts(_ key: String, _ label: String, _ c: [Int]) -> String {
            #"{"key":"\#(key)","label":"\#(label)","applications":\#(c[0] + c[1] + c[2] + c[3]),"received":\#(c[0]),"#
                + #""in_progress":\#(c[1]),"approved":\#(c[2]),"returned":\#(c[3]),"overdue":\#(c[4])}"#
        }
        let water = "Connection to the water supply network", power = "Technical conditions for an electricity connection"
        // 03-04: A-000001 in progress (due 03-12), A-000002 received that day (05:00 UTC = 10:00 in the portal's day).
        #expect(try report("2026-03-04") == JSONParser.parse("""
            {"asOf":"2026-03-04","total":\(counts("total", "total", [1, 1, 0, 0, 0])),
             "byService":[\(counts("svc-water", water, [0, 1, 0, 0, 0])),\(counts("svc-power", power, [1, 0, 0, 0, 0]))],
             "byDistrict":[\(counts("East", "East", [1, 0, 0, 0, 0])),\(counts("West", "West", [0, 1, 0, 0, 0]))]}
            """))
        // 03-10: A-000001 returned (decided, never overdue), A-000002 past its due day 03-09.
        #expect(try report("2026-03-10") == JSONParser.parse("""
            {"asOf":"2026-03-10","total":\(counts("total", "total", [1, 0, 0, 1, 1])),
             "byService":[\(counts("svc-water", water, [0, 0, 0, 1, 0])),\(counts("svc-power", power, [1, 0, 0, 0, 1]))],
             "byDistrict":[\(counts("East", "East", [1, 0, 0, 0, 1])),\(counts("West", "West", [0, 0, 0, 1, 0]))]}
            """))
        // 03-01: nothing submitted yet.
        #expect(try report("2026-03-01")["total"] == JSONParser.parse(counts("total", "total", [0, 0, 0, 0, 0])))
        #expect(try report("2026-03-01")["byDistrict"] == .array([]))

        let text = try qamtu(["report", "applications", "--as-of", "2026-03-10", "--db", "p.sqlite"], in: folder)
        #expect(text.status == 0)
        #expect(text.stdout.hasPrefix("Service applications as of 2026-03-10\n"), "\(text.stdout)")
        let bad = try qamtu(["report", "applications", "--as-of", "2026-02-30", "--db", "p.sqlite"], in: folder)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--as-of must be a day YYYY-MM-DD, got '2026-02-30'"), "\(bad.stderr)")
    }

    /// `qamtu report` without a subcommand is still the coverage report.
    @Test func reportWithoutASubcommandIsTheCoverageReport() throws {
        let folder = try TemporaryFolder()
        try Self.portal(in: folder)
        let plain = try qamtu(["report", "--as-of", "2026", "--db", "p.sqlite"], in: folder)
        #expect(plain.status == 0, "\(plain.stderr)")
        let coverage = try qamtu(["report", "coverage", "--as-of", "2026", "--db", "p.sqlite"], in: folder)
        #expect(coverage.status == 0, "\(coverage.stderr)")
        #expect(plain.stdout == coverage.stdout)
        #expect(!plain.stdout.isEmpty)
        #expect(!plain.stdout.contains("Service applications"))
    }

    /// Applications come in through `applications import` only; a bad file stores nothing.
    @Test func importsOfApplicationsGoThroughTheWorkflow() throws {
        let folder = try TemporaryFolder()
        try Self.portal(in: folder, applications: false)
        try folder.write("applications.csv", """
            id,service_id,status,submitted,due,lon,lat
            A-000001,svc-water,approved,2026-03-02T09:00:00+05:00,2026-03-12,71.0,43.0
            """)
        let generic = try qamtu(["import", "applications", "applications.csv", "--db", "p.sqlite"], in: folder)
        #expect(generic.status == 1)
        #expect(generic.stderr == """
            error: applications are submitted and moved through the workflow, not imported as a layer
            hint: `qamtu applications import FILE` loads applications with their events

            """)

        try folder.write("bad.geojson", Self.applications.replacingOccurrences(of: "851231300045", with: "851231300046"))
        let bad = try qamtu(["applications", "import", "bad.geojson", "--db", "p.sqlite"], in: folder)
        #expect(bad.status == 1)
        #expect(bad.stderr == "error: bad.geojson: feature 2: applicant_iin: not a valid IIN (12 digits: a birth date, a century digit and a check digit)\n")
        #expect(!bad.stderr.contains("851231300046"))
        let list = try qamtu(["applications", "list", "--db", "p.sqlite"], in: folder)
        #expect(list.stderr == "0 applications\n")
    }
}
