import Coverage
import GeoModel
import Hummingbird
import PortalCore

/// The reports as JSON, the same as `qamtu report --format json` prints:
/// `/reports/coverage?as-of=YEAR&scenario=…&profile=…` (classes per district and in total,
/// shares, satellite schools, commitments' progress, planned work per year) and
/// `/reports/commitments?as-of=YEAR&scenario=…` (its commitments and planned work only).
/// `f=html` shows the report's text for people.
struct ReportsAPI: Sendable {
    let portal: Portal

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/reports/coverage") { request, _ in try await coverage(request) }
        router.get("/reports/commitments") { request, _ in try await commitments(request) }
    }

    /// The report of the request's year, scenario and profile.
    func report(_ request: Request, allowed: [String], profile: Bool) async throws -> (CoverageReport, ResponseFormat) {
        let parameters = try QueryParameters(raw: request.uri.query)
        try AnalysisParameters.checkNames(parameters, allowed: allowed)
        let format = try ResponseFormat.negotiate(f: parameters["f"], accept: request.headers[.accept])
        let analysis = try AnalysisParameters.request(parameters, profile: profile)
        return (try await portal.perform { try $0.report(analysis) }, format)
    }

    func coverage(_ request: Request) async throws -> Response {
        let (report, format) = try await report(request, allowed: ["as-of", "scenario", "profile", "f"], profile: true)
        if format == .html {
            var page = HTMLPage(title: "Coverage report as of \(report.asOfYear)")
            page.heading("Coverage report as of \(report.asOfYear)")
            page.preformatted(report.text())
            return page.response()
        }
        return Self.json(try await portal.perform { _ in
            let sink = MemorySink()
            try ReportFormat.json.write(report, to: sink)
            return sink.bytes
        })
    }

    func commitments(_ request: Request) async throws -> Response {
        let (report, format) = try await report(request, allowed: ["as-of", "scenario", "f"], profile: false)
        if format == .html {
            var page = HTMLPage(title: "Commitments as of \(report.asOfYear)")
            page.heading("Commitments (done by \(report.asOfYear))")
            page.table(header: ["party", "technology", "programme", "targets", "done", "total"], rows: report.commitments.map { c in
                [(c.party, nil), (c.technology ?? "", nil), (c.programme, nil), (c.targetLayer, nil), (String(c.done), nil), (String(c.total), nil)]
            })
            return page.response()
        }
        return Self.json(try await portal.perform { _ in Array(report.commitmentsJSON().utf8) })
    }

    /// An `application/json` response of `bytes`.
    static func json(_ bytes: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = Link.json
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
