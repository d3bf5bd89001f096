import GeoModel
import Geodesy

/// A submission as a person sends it (a GeoJSON Feature), before the workflow takes it: the
/// position and the properties `service_id`, `applicant_name`, `applicant_iin`,
/// `applicant_phone`, `applicant_email` and `note`.
public struct ApplicationDraft: Sendable {
    /// Where the connection is wanted: EPSG:4326 degrees, GeoJSON's [longitude, latitude] order.
    public var position: GeoPoint
    /// The `id` of the service (checked against the `services` layer).
    public var serviceID: String
    /// The applicant's details, validated and normalised.
    public var applicant: ApplicantDetails
    /// The request text, at most ``maximumNoteLength`` characters, or nil.
    public var note: String?

    /// The longest note accepted, characters.
    public static let maximumNoteLength = 2000
    /// The properties a submission may carry.
    public static let propertyNames = ["service_id", "applicant_name", "applicant_iin", "applicant_phone", "applicant_email", "note"]

    /// Reads a GeoJSON Feature with a Point geometry, collecting every problem. Messages name
    /// fields and never repeat a value of the applicant's details.
    /// - Parameters:
    ///   - extraProperties: further properties the caller reads itself (an import's `events`).
    ///   - serviceExists: whether a `service_id` names a service (its problem is listed with the others).
    /// - Throws: `ApplicationError.invalidFields` with every problem.
    public static func parse(_ feature: JSONValue, extraProperties: Set<String> = [],
                             serviceExists: (String) -> Bool = { _ in true }) throws(ApplicationError) -> ApplicationDraft {
        var problems: [String] = []
        guard feature["type"]?.stringValue == "Feature" else {
            throw .invalidFields(["the body must be a GeoJSON Feature (an object with \"type\": \"Feature\")"])
        }
        var position: GeoPoint?
        if let geometry = feature["geometry"], geometry["type"]?.stringValue == "Point",
           case .array(let coordinates)? = geometry["coordinates"], coordinates.count == 2 || coordinates.count == 3,
           let longitude = coordinates[0].doubleValue, let latitude = coordinates[1].doubleValue {
            if (-180...180).contains(longitude) && (-90...90).contains(latitude) {
                position = GeoPoint(longitude: longitude, latitude: latitude)
            } else {
                problems.append("geometry: the point must be longitude −180…180 and latitude −90…90 degrees (EPSG:4326, lon/lat order)")
            }
        } else {
            problems.append("geometry: required, a GeoJSON Point [longitude, latitude]")
        }
        var strings: [String: String] = [:]
        if let properties = feature["properties"], case .object(let pairs) = properties {
            for (key, value) in pairs {
                guard Self.propertyNames.contains(key) || extraProperties.contains(key) else {
                    problems.append("properties.\(key): unknown property (known: \(propertyNames.joined(separator: ", ")))")
                    continue
                }
                if extraProperties.contains(key) { continue }
                switch value {
                case .string(let text): strings[key] = text
                case .null: break
                default: problems.append("\(key): must be a string")
                }
            }
        } else {
            problems.append("properties: required, an object")
        }
        let serviceID = strings["service_id"] ?? ""
        if serviceID.isEmpty { problems.append("service_id: required") }
        else if !serviceExists(serviceID) { problems.append("service_id: no service '\(serviceID)' (see the services collection)") }
        var applicant: ApplicantDetails?
        switch ApplicantDetails.validated(name: strings["applicant_name"], iin: strings["applicant_iin"],
                                          phone: strings["applicant_phone"], email: strings["applicant_email"]) {
        case .success(let details): applicant = details
        case .failure(.invalidFields(let found)): problems += found
        case .failure(let other): problems.append(other.description)
        }
        let note = strings["note"].flatMap { $0.isEmpty ? nil : $0 }
        if let note, note.count > maximumNoteLength { problems.append("note: longer than \(maximumNoteLength) characters") }
        guard problems.isEmpty, let position, let applicant else { throw .invalidFields(problems) }
        return ApplicationDraft(position: position, serviceID: serviceID, applicant: applicant, note: note)
    }
}
