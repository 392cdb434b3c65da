import Foundation

/// Accounts for a commune's staff list: usernames proposed from names, one-time passwords, and
/// role names as offices write them.
public enum StaffAccounts {
    // MARK: Usernames

    /// The username a commune office would give a person: the given name (the last word), a dot,
    /// then the initials of the family and middle names, all without diacritics.
    /// "Phan Thị Nương" → "nuong.pt", "Phạm Thị Ngọc Anh" → "anh.ptn", "Nương" → "nuong".
    /// Only a–z, 0–9 and "." remain; nil when the name has no letter or digit at all.
    public static func proposedUsername(fullName: String) -> String? {
        let words = VietnameseText.folded(fullName)
            .split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
            .map(String.init)
        guard let given = words.last else { return nil }
        let initials = words.dropLast().compactMap(\.first).map(String.init).joined()
        var username = initials.isEmpty ? given : "\(given).\(initials)"
        if username.count > maxUsernameLength - 3 { username = String(username.prefix(maxUsernameLength - 3)) }
        if username.hasSuffix(".") { username.removeLast() }
        return username
    }

    public static let minUsernameLength = 3
    public static let maxUsernameLength = 40

    /// `base` when free, else `base2`, `base3`… (the first free one). A base shorter than three
    /// characters starts at `base1` so that every result is a valid username.
    public static func uniqueUsername(_ base: String, taken: (String) -> Bool) -> String {
        if base.count >= minUsernameLength && !taken(base) { return base }
        var number = base.count >= minUsernameLength ? 2 : 1
        while true {
            let candidate = "\(base)\(number)"
            if !taken(candidate) { return candidate }
            number += 1
        }
    }

    /// Lower-case ASCII letters, digits and ".-_", 3 to 40 characters.
    public static func isValidUsername(_ username: String) -> Bool {
        (minUsernameLength...maxUsernameLength).contains(username.count)
            && username.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || ".-_".contains($0) }
    }

    // MARK: One-time passwords

    /// Letters and digits that cannot be mistaken for one another when read off paper: no 0/O/o,
    /// 1/l/I/i, 5/S/s, 2/Z/z, 8/B, u/v.
    public static let passwordAlphabet = Array("abcdefghjkmnpqrtwxy34679ACDEFGHJKLMNPQRTWXY")
    public static let oneTimePasswordLength = 10

    /// A random password of `oneTimePasswordLength` characters from `passwordAlphabet`, drawn
    /// without bias (rejection sampling) from `randomByte`, which must be a cryptographic source.
    public static func oneTimePassword(randomByte: () -> UInt8) -> String {
        let count = passwordAlphabet.count
        let limit = 256 - (256 % count)
        var result = ""
        while result.count < oneTimePasswordLength {
            let byte = Int(randomByte())
            guard byte < limit else { continue }
            result.append(passwordAlphabet[byte % count])
        }
        return result
    }

    /// `oneTimePassword` from the system's cryptographic generator.
    public static func oneTimePassword() -> String {
        var generator = SystemRandomNumberGenerator()
        return oneTimePassword { UInt8.random(in: .min ... .max, using: &generator) }
    }

    // MARK: Roles

    /// Role names as an office writes them, in Vietnamese or English, several separated by ",",
    /// ";", "/", "+" or " và ". Empty text: nil (the caller's default). Unknown words: `.failure`
    /// with the words not understood.
    public static func roles(from text: String) -> Result<Set<Role>, RoleNamesError>? {
        let folded = VietnameseText.folded(text)
        guard !folded.isEmpty else { return nil }
        let parts = folded.replacingOccurrences(of: " va ", with: ",")
            .split { ",;/+\n".contains($0) }
            .map { $0.trimmedWhitespace }
            .filter { !$0.isEmpty }
        var roles = Set<Role>()
        var unknown: [String] = []
        for part in parts {
            if let role = role(named: part) { roles.insert(role) } else { unknown.append(part) }
        }
        if !unknown.isEmpty { return .failure(RoleNamesError(unknown: unknown)) }
        return roles.isEmpty ? nil : .success(roles)
    }

    private static func role(named folded: String) -> Role? {
        switch folded {
        case "quan tri", "quan tri vien", "quan tri he thong", "admin", "administrator":
            return .admin
        case "lanh dao", "leader", "thuong truc", "ban thuong vu":
            return .leader
        case "van phong", "office", "van phong xa":
            return .office
        case "nguoi bao cao", "bao cao", "can bo", "reporter", "nguoi nop bao cao":
            return .reporter
        default:
            return nil
        }
    }

    public struct RoleNamesError: Error, Hashable, Sendable {
        public var unknown: [String]
    }
}
