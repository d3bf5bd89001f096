import Foundation
import GeoModel
import Geodesy
import QamtuTestSupport
import Testing

/// The pure parts of the service applications (issue 17): the applicant's fields, the portal's
/// times in UTC+05:00, the public 100 m position and the workflow's table of moves.
@Suite("Service applications: model")
struct ApplicationModelTests {
    // MARK: - IIN

    /// IINs whose check digit is worked out by hand (digits d1…d11, weights 1…11, modulo 11):
    ///
    /// - `900101300126`: 9·1 + 0·2 + 0·3 + 1·4 + 0·5 + 1·6 + 3·7 + 0·8 + 0·9 + 1·10 + 2·11
    ///   = 9 + 4 + 6 + 21 + 10 + 22 = 72; 72 mod 11 = 6.
    /// - `851231300045`: 8 + 10 + 3 + 8 + 15 + 6 + 21 + 0 + 0 + 0 + 44 = 115; 115 mod 11 = 5.
    /// - `900101300811` (the second weights): 9 + 4 + 6 + 21 + 8·10 + 1·11 = 131; 131 mod 11 = 10,
    ///   so weights 3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2: 27 + 6 + 8 + 27 + 8·1 + 1·2 = 78; 78 mod 11 = 1.
    /// - `240229500126` (29 February 2024, century digit 5: the 2000s):
    ///   2 + 8 + 0 + 8 + 10 + 54 + 35 + 0 + 0 + 10 + 22 = 149; 149 mod 11 = 6.
    @Test(arguments: ["900101300126", "851231300045", "900101300811", "240229500126"])
    func validIINs(iin: String) {
        #expect(ApplicantDetails.isValidIIN(iin))
    }

    /// Each IIN is wrong in one way only; where a date or century digit is wrong, the check digit
    /// is the right one for the other eleven digits (computed as above), so the date check alone
    /// must refuse it.
    @Test(arguments: [
        ("900101300127", "check digit 7 instead of 6"),
        ("900101300125", "check digit 5 instead of 6"),
        // 900101300811 is valid through the second weights; the first weights' 10 is no check digit.
        ("900101300810", "check digit 0 where the second weights give 1"),
        // d1…d10 = 9001013008: the first weights give 120 + 11·d11 ≡ 10 and the second
        // 76 + 2·d11; for d11 = 0 both are 10, so no check digit makes the number valid.
        ("900101300800", "both weightings give 10"),
        ("900101300801", "both weightings give 10"),
        ("901301300126", "month 13 (9+3+12+6+21+10+22 = 83 ≡ 6)"),
        ("900001300122", "month 00 (9+4·0+6+21+10+22 = 68 ≡ 2)"),
        ("900100300120", "day 00 (9+4+21+10+22 = 66 ≡ 0)"),
        ("900132300125", "day 32 (9+4+15+12+21+10+22 = 93 ≡ 5)"),
        ("900230300128", "30 February (9+8+15+21+10+22 = 85 ≡ 8)"),
        ("900431300120", "31 April (9+16+15+6+21+10+22 = 99 ≡ 0)"),
        ("250229500128", "29 February 2025 (2+10+8+10+54+35+10+22 = 151 ≡ 8)"),
        ("900101700121", "century digit 7 (9+4+6+49+10+22 = 100 ≡ 1)"),
        ("900101000127", "century digit 0 (9+4+6+10+22 = 51 ≡ 7)"),
        ("90010130012a", "a letter"),
        ("9001013OO126", "letters O for zeros"),
        ("900101 00126", "a space"),
        ("９００１０１３００１２６", "full-width digits"),
        ("90010130012", "11 digits"),
        ("9001013001260", "13 digits"),
        ("", "empty"),
    ])
    func invalidIINs(iin: String, why: String) {
        #expect(!ApplicantDetails.isValidIIN(iin), "\(why)")
    }

    // MARK: - Phones and e-mail

    @Test(arguments: ["+7 701 123 45 67", "8 (701) 123-45-67", "87011234567", "+77011234567", "7 701 1234567", "+7(701)1234567"])
    func kazakhPhonesAreNormalised(text: String) {
        #expect(ApplicantDetails.normalisedKazakhPhone(text) == "+77011234567")
    }

    @Test(arguments: [
        "+7 701 ABC 45 67", "+7 701 123 45 6x", "+7 701 123 45 6", "8701123456", "+7 701 123 45 678",
        "+44 20 7946 0958", "+1 202 555 0143", "+996 555 123 456", "7+7011234567", "+7.701.123.45.67", "", "+",
        // `+8` is no country code for Kazakhstan (+870 is Inmarsat): only a leading 8 without `+` is the trunk prefix.
        "+8 701 123 45 67", "+87011234567",
    ])
    func otherPhonesAreRefused(text: String) {
        #expect(ApplicantDetails.normalisedKazakhPhone(text) == nil)
    }

    @Test func emailPlausibility() {
        for good in ["a@b.kz", "adilet.akhmetov46@example.kz", "x+tag@mail.example.com"] {
            #expect(ApplicantDetails.isPlausibleEmail(good), "\(good)")
        }
        let long = String(repeating: "a", count: 245) + "@example.kz"  // 256 characters
        for bad in ["", "a", "a@b", "@b.kz", "a@", "a@@b.kz", "a@b@c.kz", "a b@c.kz", "a@b .kz", "a@.kz", "a@kz.", long] {
            #expect(!ApplicantDetails.isPlausibleEmail(bad), "\(bad)")
        }
    }

    /// The whole record: trimmed and normalised, or every problem named by field without its value.
    @Test func validatedDetailsListEveryProblemWithoutValues() throws {
        let details = try ApplicantDetails.validated(name: "  Әлия Бекова ", iin: "900101300126", phone: "8 (701) 123-45-67",
                                                     email: " ").get()
        #expect(details == ApplicantDetails(name: "Әлия Бекова", iin: "900101300126", phone: "+77011234567", email: nil))
        let result = ApplicantDetails.validated(name: nil, iin: "900101300127", phone: "+44 20 7946 0958", email: "nobody")
        #expect(result == .failure(.invalidFields([
            "applicant_name: required",
            "applicant_iin: not a valid IIN (12 digits: a birth date, a century digit and a check digit)",
            "applicant_phone: not a Kazakh phone number (+7 and ten digits, or 8 and ten digits)",
            "applicant_email: not an e-mail address",
        ])))
        if case .failure(let error) = result {
            for value in ["900101300127", "7946", "nobody"] { #expect(!error.description.contains(value)) }
            #expect(error.category == .invalidContent)
        }
    }

    // MARK: - PortalTime

    /// Known instants (seconds since 1970 from `datetime.fromisoformat(…).timestamp()`) in UTC+05:00.
    @Test(arguments: [
        (1_772_424_900.0, "2026-03-02T09:15:00+05:00"),    // 2026-03-02T04:15:00Z
        (1_772_424_900.999, "2026-03-02T09:15:00+05:00"),  // fractions are cut, not rounded
        (1_709_233_200.0, "2024-03-01T00:00:00+05:00"),    // 2024-02-29T19:00:00Z: the leap day ends
        (1_709_233_199.0, "2024-02-29T23:59:59+05:00"),
        (1_767_207_600.0, "2026-01-01T00:00:00+05:00"),    // 2025-12-31T19:00:00Z: the year ends
        (0.0, "1970-01-01T05:00:00+05:00"),
        (-1.0, "1970-01-01T04:59:59+05:00"),
        (-18_001.0, "1969-12-31T23:59:59+05:00"),
    ])
    func timestamps(seconds: Double, expected: String) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(PortalTime.timestamp(date) == expected)
        #expect(PortalTime.day(date) == String(expected.prefix(10)))
    }

    @Test(arguments: [
        ("2026-03-02T09:15:00+05:00", 1_772_424_900.0),
        ("2026-03-02T04:15:00Z", 1_772_424_900.0),
        ("2026-03-02t04:15:00z", 1_772_424_900.0),
        ("2026-03-02T00:45:00-03:30", 1_772_424_900.0),
        ("2026-03-02T04:15:00.25Z", 1_772_424_900.25),
        ("2026-03-02T09:15:00.5+05:00", 1_772_424_900.5),
        ("2026-03-02T04:15:00.123456789Z", 1_772_424_900.123456789),
        ("2024-02-29T19:00:00Z", 1_709_233_200.0),
        ("2000-02-29T00:00:00Z", 951_782_400.0),
        ("1969-12-31T23:59:59Z", -1.0),
    ])
    func parsesTimes(text: String, seconds: Double) throws {
        let date = try #require(PortalTime.parse(text))
        // Fractions to a microsecond (a Double of 1.7e9 s resolves about 0.24 µs).
        #expect(abs(date.timeIntervalSince1970 - seconds) <= 1e-6, "\(text): \(date.timeIntervalSince1970)")
    }

    @Test(arguments: [
        "", "garbage", "2026-03-02", "2026-03-02T09:15:00", "2026-03-02 09:15:00+05:00", "2026-03-02T09:15:00+0500",
        "2026-03-02T09:15+05:00", "2026-3-02T09:15:00Z", "2026-03-02T09:15:00.Z", "2026-03-02T09:15:00Z ",
        "2026-03-02T09:15:00+05", "2026-03-02T09:15:00+05:00Z", "2026-03-02T24:00:00Z", "2026-03-02T09:60:00Z",
        "2026-03-02T09:15:60Z", "2026-03-02T09:15:00+05:60", "2026-03-02T09:15:00+24:00", "2026-03-02T09:15:00x05:00",
        "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-32T00:00:00Z", "２026-03-02T09:15:00Z",
    ])
    func refusesMalformedTimesAndDates(text: String) {
        #expect(PortalTime.parse(text) == nil)
    }

    @Test(arguments: [
        ("2026-01-31", 1, "2026-02-01"), ("2026-02-28", 1, "2026-03-01"), ("2024-02-28", 1, "2024-02-29"),
        ("2024-02-29", 1, "2024-03-01"), ("2025-12-31", 1, "2026-01-01"), ("2026-01-01", -1, "2025-12-31"),
        ("2024-03-01", -1, "2024-02-29"), ("2026-03-01", -1, "2026-02-28"), ("2026-01-01", 365, "2027-01-01"),
        ("2024-01-01", 365, "2024-12-31"), ("2026-03-02", 15, "2026-03-17"), ("2026-12-20", 15, "2027-01-04"),
        ("2000-02-28", 1, "2000-02-29"), ("2100-02-28", 1, "2100-03-01"), ("1970-01-01", -1, "1969-12-31"),
        ("2026-03-02", 0, "2026-03-02"),
    ])
    func daysPlus(day: String, plus: Int, expected: String) {
        #expect(PortalTime.day(day, plus: plus) == expected)
        #expect(PortalTime.day(expected, plus: -plus) == day)
    }

    @Test func daysMustBeDays() {
        for bad in ["2026-02-29", "2026-2-01", "2026-02-01T", "20260201", "2026-02-01Z", ""] {
            #expect(PortalTime.day(bad, plus: 1) == nil, "\(bad)")
            #expect(!PortalTime.isDay(bad), "\(bad)")
        }
        #expect(PortalTime.isDay("2024-02-29"))
        #expect(PortalTime.day(ofTimestamp: "2026-03-02T19:30:00Z") == "2026-03-03")
        #expect(PortalTime.day(ofTimestamp: "2026-03-02T18:59:59Z") == "2026-03-02")
        #expect(PortalTime.day(ofTimestamp: "2026-03-02") == nil)
    }

    // MARK: - PublicPosition

    /// Every point of a grid over latitudes −60…70 and longitudes −180…180 (about 0.37° by
    /// 0.73°, with an offset so that points fall inside cells, on their edges and on 180°).
    static func grid() -> [GeoPoint] {
        var points: [GeoPoint] = []
        var random = SplitMix64(seed: 17)
        for row in 0...350 {
            let latitude = -60 + Double(row) * 130.0 / 350
            for column in 0...490 {
                let longitude = -180 + Double(column) * 360.0 / 490
                // Every point of the grid, and one nudged by up to a cell (about 0.002°).
                points.append(GeoPoint(longitude: longitude, latitude: latitude))
                points.append(GeoPoint(longitude: min(180, longitude + random.uniform(0, 0.002)),
                                       latitude: latitude + random.uniform(-0.002, 0.002)))
            }
        }
        return points
    }

    /// A point moves at most half a cell's diagonal: 50.3 m north–south (0.00045° of latitude,
    /// at most 50.25 m on the ellipsoid at 70°) and about 50.3 m east–west, so under 72 m
    /// (Karney's geodesic on WGS84; tolerance: none beyond the bound).
    @Test func roundingMovesAPointLessThan72Metres() {
        var worst = 0.0
        for point in Self.grid() {
            let shown = PublicPosition.rounded(point)
            let metres = Geodesic.distanceMeters(point, shown)
            worst = max(worst, metres)
            if metres > 72 { Issue.record("\(point) → \(shown): \(metres) m") }
            if !(-180...180).contains(shown.longitude) || !(-90...90).contains(shown.latitude) {
                Issue.record("\(point) → \(shown) is off the globe")
            }
        }
        // The bound is nearly reached somewhere: the cells are 100 m, not smaller.
        #expect(worst > 65, "the largest displacement is \(worst) m")
    }

    /// Rounding a rounded point gives it back, everywhere on the grid (across 180° too).
    @Test func roundingIsIdempotent() {
        for point in Self.grid() {
            let shown = PublicPosition.rounded(point)
            let again = PublicPosition.rounded(shown)
            if again != shown { Issue.record("\(point) → \(shown) → \(again)") }
        }
    }

    /// Points of one cell share their public position; the centre's neighbours 0.0008° (about
    /// 89 m of latitude) away fall in other cells.
    @Test func pointsOfOneCellRoundAlike() throws {
        var random = SplitMix64(seed: 100)
        for _ in 0..<2_000 {
            let centre = PublicPosition.rounded(GeoPoint(longitude: random.uniform(-179.9, 179.9), latitude: random.uniform(-60, 70)))
            let halfLatitude = PublicPosition.latitudeStepDegrees / 2
            let halfLongitude = halfLatitude / cos(centre.latitude * .pi / 180)
            // Strictly inside the cell (a margin of 2 % of a half cell for the 7-decimal centre).
            for _ in 0..<4 {
                let inside = GeoPoint(longitude: centre.longitude + random.uniform(-0.98, 0.98) * halfLongitude,
                                      latitude: centre.latitude + random.uniform(-0.98, 0.98) * halfLatitude)
                #expect(PublicPosition.rounded(inside) == centre, "\(inside) is in the cell of \(centre)")
            }
            let north = GeoPoint(longitude: centre.longitude, latitude: centre.latitude + 0.0008)
            #expect(PublicPosition.rounded(north) != centre)
        }
        // Taraz: both points lie in row 47 777 (42.9993°…43.0002°, centre 42.99975°) and column
        // 204 268 of 0.00123059° (71.370098°…71.371329°, centre 71.3707137°).
        let a = PublicPosition.rounded(GeoPoint(longitude: 71.3703, latitude: 42.99960))
        let b = PublicPosition.rounded(GeoPoint(longitude: 71.3706, latitude: 42.99990))
        #expect(a == b)
        #expect(abs(a.latitude - 42.99975) <= 1e-9)
        #expect(abs(a.longitude - 71.3707137) <= 1e-9)
    }

    // MARK: - Workflow

    /// Exactly four moves: received → in_progress → approved | returned, returned → received.
    @Test func theWorkflowAllowsExactlyFourMoves() {
        var allowed: Set<String> = []
        for from in ApplicationStatus.allCases {
            for to in ApplicationStatus.allCases where from.allows(to) { allowed.insert("\(from.rawValue)→\(to.rawValue)") }
            #expect(Set(from.next) == Set(ApplicationStatus.allCases.filter { from.allows($0) }))
        }
        #expect(allowed == ["received→in_progress", "in_progress→approved", "in_progress→returned", "returned→received"])
        #expect(ApplicationStatus.approved.next.isEmpty)
        #expect(ApplicationStatus.allCases.filter(\.isDecided) == [.approved, .returned])
        #expect(ApplicationStatus.spellings == "received, in_progress, approved, returned")
        #expect(ApplicationError.forbiddenTransition(id: "A-000001", from: .approved, to: .received).description
            == "application 'A-000001' is approved: it cannot move to received (approved is final)")
        #expect(ApplicationError.forbiddenTransition(id: "A-000001", from: .received, to: .approved).description
            == "application 'A-000001' is received: it cannot move to approved (allowed: in_progress)")
        #expect(ApplicationError.forbiddenTransition(id: "A-000001", from: .received, to: .approved).category == .conflict)
    }

    /// Overdue: undecided and past the due day (the due day itself is not late).
    @Test func overdueMeansUndecidedAfterTheDueDay() {
        var application = ServiceApplication(
            id: "A-000001", serviceID: "svc", status: .inProgress, submitted: "2026-03-02T09:15:00+05:00", decided: nil,
            due: "2026-03-17", settlement: nil, district: nil, decisionNote: nil, version: 2,
            position: GeoPoint(longitude: 71.37, latitude: 42.9),
            applicant: ApplicantDetails(name: "n", iin: "900101300126", phone: "+77011234567", email: nil), note: nil, ownerNumber: nil)
        #expect(!application.isOverdue(on: "2026-03-17"))
        #expect(application.isOverdue(on: "2026-03-18"))
        application.status = .returned
        #expect(!application.isOverdue(on: "2026-03-18"))
        application.status = .received
        #expect(application.isOverdue(on: "2027-01-01"))
    }

    /// One move by the workflow's rules: the version and the move are checked; a decision keeps
    /// its time and note; a resubmission clears them and counts the days from its own day.
    @Test func aMoveChecksTheVersionAndTheWorkflowAndRestartsTheClockOnResubmission() throws {
        let returned = ServiceApplication(
            id: "A-000007", serviceID: "svc", status: .returned, submitted: "2026-03-02T09:15:00+05:00",
            decided: "2026-03-05T10:00:00+05:00", due: "2026-03-17", settlement: nil, district: nil,
            decisionNote: "the site plan is missing", version: 3, position: GeoPoint(longitude: 71.37, latitude: 42.9),
            applicant: ApplicantDetails(name: "n", iin: "900101300126", phone: "+77011234567", email: nil), note: nil, ownerNumber: nil)
        let resubmit = ApplicationChange(applicationID: "A-000007", to: .received, note: nil, actor: "aigerim",
                                         at: "2026-04-01T23:30:00+05:00", expectedVersion: 3)
        try returned.check(resubmit)
        let again = try returned.moved(by: resubmit, daysAllowed: 15)
        #expect(again.status == .received && again.version == 4)
        #expect(again.decided == nil && again.decisionNote == nil)
        #expect(again.due == "2026-04-16")
        #expect(again.submitted == returned.submitted)
        #expect(throws: ApplicationError.invalidFields(["service_id: no service 'svc'"])) { try returned.moved(by: resubmit, daysAllowed: nil) }

        var stale = resubmit
        stale.expectedVersion = 2
        #expect(throws: ApplicationError.staleVersion(id: "A-000007", given: 2, current: 3)) { try returned.check(stale) }
        let approve = ApplicationChange(applicationID: "A-000007", to: .approved, note: "ok", actor: "office",
                                        at: "2026-04-02T09:00:00+05:00", expectedVersion: nil)
        #expect(throws: ApplicationError.forbiddenTransition(id: "A-000007", from: .returned, to: .approved)) { try returned.check(approve) }
        let moving = try again.moved(by: ApplicationChange(applicationID: "A-000007", to: .inProgress, note: nil, actor: "office",
                                                           at: "2026-04-02T09:00:00+05:00", expectedVersion: 4), daysAllowed: nil)
        let approved = try moving.moved(by: approve, daysAllowed: nil)
        #expect(approved.status == .approved && approved.version == 6)
        #expect(approved.decided == "2026-04-02T09:00:00+05:00" && approved.decisionNote == "ok")
        #expect(approved.due == "2026-04-16")
    }
}
