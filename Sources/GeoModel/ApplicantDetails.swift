import Foundation

/// The personal data of an applicant: kept in a table of its own, shown only to the applicant,
/// the provider deciding the application and the office, never in public outputs, logs or
/// error messages.
public struct ApplicantDetails: Sendable, Hashable {
    /// Full name.
    public var name: String
    /// The 12-digit individual identification number (ИИН / ЖСН).
    public var iin: String
    /// Phone number, normalised to `+7` and ten digits.
    public var phone: String
    /// E-mail address, or nil.
    public var email: String?

    public init(name: String, iin: String, phone: String, email: String?) {
        self.name = name
        self.iin = iin
        self.phone = phone
        self.email = email
    }

    /// Validates and normalises raw fields (trimmed; the phone to `+7XXXXXXXXXX`).
    /// - Returns: the details, or every problem found, each naming its field and never its value.
    public static func validated(name: String?, iin: String?, phone: String?, email: String?)
        -> Result<ApplicantDetails, ApplicationError> {
        var problems: [String] = []
        let name = name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if name.isEmpty { problems.append("applicant_name: required") }
        else if name.count > 200 { problems.append("applicant_name: longer than 200 characters") }
        let iin = iin?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if iin.isEmpty { problems.append("applicant_iin: required") }
        else if !isValidIIN(iin) { problems.append("applicant_iin: not a valid IIN (12 digits: a birth date, a century digit and a check digit)") }
        let phoneText = phone?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        var normalisedPhone = ""
        if phoneText.isEmpty { problems.append("applicant_phone: required") }
        else if let normalised = normalisedKazakhPhone(phoneText) { normalisedPhone = normalised }
        else { problems.append("applicant_phone: not a Kazakh phone number (+7 and ten digits, or 8 and ten digits)") }
        var emailValue: String?
        if let email = email?.trimmingCharacters(in: .whitespacesAndNewlines), !email.isEmpty {
            if isPlausibleEmail(email) { emailValue = email } else { problems.append("applicant_email: not an e-mail address") }
        }
        if !problems.isEmpty { return .failure(.invalidFields(problems)) }
        return .success(ApplicantDetails(name: name, iin: iin, phone: normalisedPhone, email: emailValue))
    }

    /// Whether `text` is a well-formed IIN: 12 digits, the first six a date `YYMMDD` that
    /// exists, the seventh a century-and-sex digit 1–6, and the twelfth the check digit (weights 1…11 modulo
    /// 11; when that gives 10, weights 3…11, 1, 2; when that gives 10 again the number is invalid).
    /// The century digit gives the year (1, 2: 1800s; 3, 4: 1900s; 5, 6: 2000s) for 29 February.
    public static func isValidIIN(_ text: String) -> Bool {
        let digits = text.utf8.map { Int($0) - 48 }
        guard digits.count == 12, digits.allSatisfy({ (0...9).contains($0) }) else { return false }
        // The seventh digit gives the century of birth (1–2: 1800s, 3–4: 1900s, 5–6: 2000s) and the sex.
        guard (1...6).contains(digits[6]) else { return false }
        let year = 1800 + (digits[6] - 1) / 2 * 100 + digits[0] * 10 + digits[1]
        let day = String(format: "%04d-%d%d-%d%d", year, digits[2], digits[3], digits[4], digits[5])
        guard PortalTime.isDay(day) else { return false }
        func check(_ weights: [Int]) -> Int { zip(digits.prefix(11), weights).reduce(0) { $0 + $1.0 * $1.1 } % 11 }
        var control = check(Array(1...11))
        if control == 10 { control = check([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]) }
        return control != 10 && control == digits[11]
    }

    /// `+7` and the ten digits of a Kazakh number written with spaces, dashes or parentheses,
    /// starting `+7`, `7` or `8`; nil for anything else.
    public static func normalisedKazakhPhone(_ text: String) -> String? {
        var digits = ""
        for (index, character) in text.enumerated() {
            if character.isASCII, character.isNumber { digits.append(character) }
            else if character == "+" && index == 0 { continue }
            else if " -()".contains(character) { continue }
            else { return nil }
        }
        // `+8…` is no Kazakh number (+870 is Inmarsat): 8 is the trunk prefix only without `+`.
        guard digits.count == 11, digits.first == "7" || (digits.first == "8" && !text.hasPrefix("+")) else { return nil }
        return "+7" + digits.dropFirst()
    }

    /// A light check of an e-mail address: one `@`, text on both sides, a dot in the domain, no
    /// spaces, at most 254 characters.
    public static func isPlausibleEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard text.count <= 254, parts.count == 2, !parts[0].isEmpty, !text.contains(where: \.isWhitespace) else { return false }
        let domain = parts[1]
        return domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix(".")
    }
}
