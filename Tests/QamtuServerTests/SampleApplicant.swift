import Foundation
import Geodesy

/// An applicant's personal data as a test submits it, with the forms in which it must never
/// appear in public outputs, logs or error messages. The IINs are valid (date, century digit,
/// check digit computed by the published rule: weights 1…11 modulo 11, then 3…11, 1, 2).
struct SampleApplicant: Sendable, CustomStringConvertible {
    let name: String
    let iin: String
    /// The phone as sent.
    let phone: String
    /// The phone as the server stores it: `+7` and ten digits.
    let normalisedPhone: String
    let email: String?

    var description: String { "applicant #\(iin.suffix(2))" }

    /// Every string of this applicant that must stay private: the name, the IIN, the phone as
    /// sent, normalised and as bare digits, and the e-mail.
    var secrets: [String] {
        [name, iin, phone, normalisedPhone, String(normalisedPhone.dropFirst()), email].compactMap { $0 }
    }

    static let aigerim = SampleApplicant(name: "Айгерим Жумабаева", iin: "850312401235", phone: "+7 701 234 56 78",
                                         normalisedPhone: "+77012345678", email: "aigerim.zh@example.kz")
    static let boris = SampleApplicant(name: "Boris Quentin-Lamarck", iin: "901105502348", phone: "8 (705) 111-22-33",
                                       normalisedPhone: "+77051112233", email: "b.quentin@example.org")
    static let dana = SampleApplicant(name: "Дана Өтепқызы Сейітқали", iin: "770727303452", phone: "87479876543",
                                      normalisedPhone: "+77479876543", email: nil)
    static let xavier = SampleApplicant(name: "Xavier Ōtsuka-Brandt", iin: "010203604562", phone: "+7-777-000-11-99",
                                        normalisedPhone: "+77770001199", email: "xotsuka+gis@example.net")
}

extension SampleApplicant {
    /// A submission of this applicant: a GeoJSON Feature with a Point at `point` (lon, lat).
    func submission(service: String, at point: GeoPoint, note: String? = nil) -> String {
        var properties: [String: Any] = ["service_id": service, "applicant_name": name, "applicant_iin": iin, "applicant_phone": phone]
        if let email { properties["applicant_email"] = email }
        if let note { properties["note"] = note }
        let feature: [String: Any] = ["type": "Feature", "properties": properties,
                                      "geometry": ["type": "Point", "coordinates": [point.longitude, point.latitude]]]
        let data = (try? JSONSerialization.data(withJSONObject: feature, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
