import Fluent
import Foundation
import GiaoBanCore
import SQLKit

/// A person of the commune as lists and forms name them (chairs, participants, who entered a
/// figure, who returned or filed a report): three columns instead of the whole person.
struct PersonName: Sendable {
    var id: UUID
    var fullName: String
    var active: Bool

    /// The commune's people, active or not, in Vietnamese order (given name first), in one statement.
    static func all(communeID: UUID, on db: any Database) async throws -> [PersonName] {
        let rows = try await SQLAccess.plainRows("SELECT id, full_name, active FROM people WHERE commune_id = \(bind: communeID)", on: db)
        return try rows.compactMap { row -> PersonName? in
            guard let id = try row.id("id") else { return nil }
            return PersonName(id: id, fullName: try row.string("full_name"), active: try row.bool("active"))
        }.sortedByVietnameseName(\.fullName)
    }
}
