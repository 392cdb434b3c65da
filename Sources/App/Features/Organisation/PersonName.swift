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
        let rows = try await SQLAccess.sql(db).select().column("id").column("full_name").column("active")
            .from(Person.schema).where("commune_id", .equal, communeID).all()
        return try rows.compactMap { row -> PersonName? in
            guard let id = try SQLAccess.id(row, "id") else { return nil }
            return PersonName(id: id, fullName: try row.decode(column: "full_name", as: String.self),
                              active: try row.decode(column: "active", as: Bool.self))
        }.sortedByVietnameseName(\.fullName)
    }
}
