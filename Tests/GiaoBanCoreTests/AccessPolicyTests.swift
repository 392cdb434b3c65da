import Foundation
import Testing
@testable import GiaoBanCore

@Suite("Access policy, for every role")
struct AccessPolicyTests {
    static func actor(_ roles: Set<Role>, aggregates: Bool = false, supervises: Bool = false) -> Actor {
        Actor(personID: UUID(), communeID: UUID(), roles: roles,
              aggregatedGroupIDs: aggregates ? [UUID()] : [], supervisedCellIDs: supervises ? [UUID()] : [])
    }

    @Test("Who may do what", arguments: [
        (Role.admin, [Action.manageOrganisation, .readDirectory, .moveBriefing, .readCalendar, .changeOwnPassword, .readCommuneLedger, .manageLeave], [Action]()),
        (.leader, [.readDirectory, .moveBriefing, .readCalendar, .changeOwnPassword, .readCommuneLedger], [.manageOrganisation, .manageLeave]),
        (.office, [.readDirectory, .moveBriefing, .readCalendar, .changeOwnPassword, .readCommuneLedger, .manageLeave], [.manageOrganisation]),
        (.reporter, [.readDirectory, .readCalendar, .changeOwnPassword], [.manageOrganisation, .moveBriefing, .readCommuneLedger, .manageLeave]),
    ])
    func roles(role: Role, allowed: [Action], refused: [Action]) {
        let actor = Self.actor([role])
        for action in allowed { #expect(AccessPolicy.allows(actor, action), "\(role) may \(action)") }
        for action in refused { #expect(!AccessPolicy.allows(actor, action), "\(role) may not \(action)") }
    }

    @Test("Aggregating or supervising grants no commune-wide rights by itself")
    func derivedRoles() {
        let aggregator = Self.actor([.reporter], aggregates: true, supervises: true)
        #expect(aggregator.isAggregator && aggregator.isCellSupervisor)
        #expect(!AccessPolicy.allows(aggregator, .readCommuneLedger))
        #expect(!AccessPolicy.allows(aggregator, .manageOrganisation))
        #expect(!aggregator.readsWholeCommune)
    }

    @Test("Targets: the admin manages every group's; a focal point only their own groups'; nobody else")
    func manageTargets() {
        let group = UUID(), other = UUID()
        let admin = Self.actor([.admin])
        #expect(AccessPolicy.allows(admin, .manageTargets(groupID: nil)))
        #expect(AccessPolicy.allows(admin, .manageTargets(groupID: group)))
        let aggregator = Actor(personID: UUID(), communeID: UUID(), roles: [.reporter], aggregatedGroupIDs: [group])
        #expect(AccessPolicy.allows(aggregator, .manageTargets(groupID: nil)))
        #expect(AccessPolicy.allows(aggregator, .manageTargets(groupID: group)))
        #expect(!AccessPolicy.allows(aggregator, .manageTargets(groupID: other)))
        for role in [Role.leader, .office, .reporter] {
            let actor = Self.actor([role])
            #expect(!AccessPolicy.allows(actor, .manageTargets(groupID: nil)), "\(role)")
            #expect(!AccessPolicy.allows(actor, .manageTargets(groupID: group)), "\(role)")
        }
    }

    @Test("Party cells: members in charge record their own cells; leaders and the office read all; rubric by admin and office")
    func cells() {
        let cell = UUID(), other = UUID()
        let supervisor = Actor(personID: UUID(), communeID: UUID(), roles: [.reporter], supervisedCellIDs: [cell])
        #expect(AccessPolicy.allows(supervisor, .recordCellMeeting(cellID: cell)))
        #expect(!AccessPolicy.allows(supervisor, .recordCellMeeting(cellID: other)))
        #expect(!AccessPolicy.allows(supervisor, .readCellReports))
        #expect(AccessPolicy.allows(supervisor, .manageRotation(personID: supervisor.personID)))
        #expect(!AccessPolicy.allows(supervisor, .manageRotation(personID: UUID())))
        let plain = Self.actor([.reporter])
        #expect(!AccessPolicy.allows(plain, .manageRotation(personID: plain.personID)), "nobody to rotate between")
        #expect(!AccessPolicy.allows(plain, .manageRubric))
        for role in [Role.leader, .office, .admin] {
            #expect(AccessPolicy.allows(Self.actor([role]), .readCellReports), "\(role)")
        }
        #expect(AccessPolicy.allows(Self.actor([.admin]), .recordCellMeeting(cellID: cell)))
        #expect(!AccessPolicy.allows(Self.actor([.leader]), .recordCellMeeting(cellID: cell)))
        #expect(!AccessPolicy.allows(Self.actor([.office]), .recordCellMeeting(cellID: cell)))
        #expect(AccessPolicy.allows(Self.actor([.office]), .manageRubric))
        #expect(!AccessPolicy.allows(Self.actor([.leader]), .manageRubric))
        #expect(AccessPolicy.allows(Self.actor([.office]), .manageRotation(personID: UUID())))
    }

    @Test("Monthly reports: a unit's people write it; office and focal points compile; leaders read")
    func monthly() {
        let unit = UUID(), other = UUID()
        let member = Actor(personID: UUID(), communeID: UUID(), roles: [.reporter], unitIDs: [unit])
        #expect(AccessPolicy.allows(member, .writeMonthlyReport(unitID: unit)))
        #expect(!AccessPolicy.allows(member, .writeMonthlyReport(unitID: other)))
        #expect(!AccessPolicy.allows(member, .readMonthlyReports))
        #expect(!AccessPolicy.allows(member, .compileMonthlyReports))
        let focal = Self.actor([.reporter], aggregates: true)
        #expect(AccessPolicy.allows(focal, .readMonthlyReports) && AccessPolicy.allows(focal, .compileMonthlyReports))
        let leader = Self.actor([.leader])
        #expect(AccessPolicy.allows(leader, .readMonthlyReports))
        #expect(!AccessPolicy.allows(leader, .compileMonthlyReports))
        #expect(!AccessPolicy.allows(leader, .writeMonthlyReport(unitID: unit)))
        for role in [Role.office, .admin] {
            let actor = Self.actor([role])
            #expect(AccessPolicy.allows(actor, .writeMonthlyReport(unitID: unit)) && AccessPolicy.allows(actor, .compileMonthlyReports), "\(role)")
        }
    }

    @Test("Roll-ups are for district and province accounts only")
    func rollups() {
        #expect(AccessPolicy.allows(Self.actor([.regional]), .readRollups))
        for role in [Role.admin, .leader, .office, .reporter] {
            #expect(!AccessPolicy.allows(Self.actor([role]), .readRollups), "\(role)")
        }
        let regional = Self.actor([.regional])
        for action in [Action.readCommuneLedger, .manageOrganisation, .viewBriefing, .readCellReports, .readMonthlyReports] {
            #expect(!AccessPolicy.allows(regional, action), "a regional account reads no commune's data: \(action)")
        }
    }

    @Test("Login throttle: five failures in fifteen minutes lock until the oldest leaves the window")
    func throttle() {
        let throttle = LoginThrottle()
        let now = Date(timeIntervalSince1970: 1_000_000)
        let four = (1...4).map { now.addingTimeInterval(Double(-$0 * 60)) }
        #expect(throttle.lockedUntil(failures: four, now: now) == nil)
        let five = four + [now.addingTimeInterval(-600)]
        #expect(throttle.lockedUntil(failures: five, now: now) == now.addingTimeInterval(-600 + 900))
        let old = four + [now.addingTimeInterval(-1000)]
        #expect(throttle.lockedUntil(failures: old, now: now) == nil)
    }
}
