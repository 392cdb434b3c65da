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
