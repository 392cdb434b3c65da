import Fluent
import Foundation
import GiaoBanCore

/// The facts `AccessPolicy` asks about, read from the database. The web layer loads them and
/// asks the policy; it decides nothing itself (see docs/decisions.md, "Every permission is one
/// AccessPolicy question").
enum AccessFacts {
    /// One person's facts: their groups (as a member) and those groups' approvers.
    static func person(_ person: Person, on db: any Database) async throws -> PersonFacts {
        let id = try person.requireID()
        return try await people([person], on: db)[id] ?? PersonFacts(id: id, communeID: person.communeID)
    }

    /// Many people's facts in two queries, whatever their number (the monthly list asks for each).
    static func people(_ people: [Person], on db: any Database) async throws -> [UUID: PersonFacts] {
        let ids = try people.map { try $0.requireID() }
        guard !ids.isEmpty else { return [:] }
        let memberships = try await GroupMembership.query(on: db).filter(\.$personID ~~ ids).filter(\.$kind == .member).all()
        let groupIDs = Array(Set(memberships.map(\.groupID)))
        var approvers: [UUID: UUID] = [:]
        if !groupIDs.isEmpty {
            for group in try await ReportGroup.query(on: db).filter(\.$id ~~ groupIDs).filter(\.$approverID != nil).all() {
                approvers[group.id!] = group.approverID
            }
        }
        let groupsByPerson = Dictionary(grouping: memberships, by: \.personID).mapValues { Set($0.map(\.groupID)) }
        var facts: [UUID: PersonFacts] = [:]
        for person in people {
            let id = person.id!
            let groups = groupsByPerson[id] ?? []
            facts[id] = PersonFacts(id: id, communeID: person.communeID, groupIDs: groups,
                                    groupApproverIDs: Set(groups.compactMap { approvers[$0] }))
        }
        return facts
    }
}

extension GroupFacts {
    /// A stored group's facts: no query, the group row carries them.
    init(_ group: ReportGroup) {
        self.init(id: group.id!, communeID: group.communeID, approverID: group.approverID)
    }
}

extension MemberReportStatus {
    /// A member's stored report as the return control sees it (`nil`: none).
    init(_ report: WeeklyReport?) {
        guard let report, report.status == .submitted else { self = .notSubmitted; return }
        self = report.returnedAt == nil ? .submitted : .returned
    }
}
