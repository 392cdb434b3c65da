import Foundation
import Testing
@testable import GiaoBanCore

/// The policy questions that carry facts the web layer reads from the database (a person's
/// groups, a group's approver and week state, a member's report): every "may" of the web
/// layer is one of these, so each is checked here with allowed and refused examples.
@Suite("Access policy, with facts about a person or a group")
struct AccessFactsPolicyTests {
    static let communeA = UUID(), communeB = UUID()

    static func actor(_ roles: Set<Role>, commune: UUID = communeA, aggregates: Set<UUID> = [], supervises: Set<UUID> = [],
                      units: Set<UUID> = [], approves: Set<UUID> = [], id: UUID = UUID()) -> Actor {
        Actor(personID: id, communeID: commune, roles: roles, aggregatedGroupIDs: aggregates, supervisedCellIDs: supervises,
              unitIDs: units, approvedGroupIDs: approves)
    }

    @Test("A person's reports: the person, leaders, office, admin, the focal points and approver of the person's groups; never another commune")
    func readPersonReports() {
        let group = UUID(), other = UUID(), approver = UUID()
        let person = PersonFacts(id: UUID(), communeID: Self.communeA, groupIDs: [group], groupApproverIDs: [approver])
        let read = Action.readPersonReports(person: person)
        #expect(AccessPolicy.allows(Self.actor([.reporter], id: person.id), read), "the person")
        for role in [Role.leader, .office, .admin] { #expect(AccessPolicy.allows(Self.actor([role]), read), "\(role)") }
        #expect(AccessPolicy.allows(Self.actor([.reporter], aggregates: [group]), read), "focal point of the person's group")
        #expect(!AccessPolicy.allows(Self.actor([.reporter], aggregates: [other]), read), "focal point of another group")
        #expect(AccessPolicy.allows(Self.actor([.reporter], id: approver), read), "approver of the person's group")
        #expect(!AccessPolicy.allows(Self.actor([.reporter]), read), "another reporter")
        #expect(!AccessPolicy.allows(Self.actor([.reporter], supervises: [UUID()]), read), "a cell supervisor")
        #expect(!AccessPolicy.allows(Self.actor([.regional]), read), "regional-only")
        // Commune B's leader, admin or focal point (even with the same group id) reads nothing of commune A.
        for actor in [Self.actor([.leader], commune: Self.communeB), Self.actor([.admin], commune: Self.communeB),
                      Self.actor([.reporter], commune: Self.communeB, aggregates: [group]),
                      Self.actor([.reporter], commune: Self.communeB, id: approver)] {
            #expect(!AccessPolicy.allows(actor, read), "\(actor.roles) of another commune")
        }
        // A person in no group: themselves and the commune-wide roles only.
        let loner = Action.readPersonReports(person: PersonFacts(id: UUID(), communeID: Self.communeA))
        #expect(!AccessPolicy.allows(Self.actor([.reporter], aggregates: [group]), loner))
        #expect(AccessPolicy.allows(Self.actor([.office]), loner))
    }

    @Test("A group's week: its focal points and approver, leaders, office, admin; not other focal points, supervisors, regional or another commune")
    func readGroupWeek() {
        let approver = UUID()
        let group = GroupFacts(id: UUID(), communeID: Self.communeA, approverID: approver)
        let read = Action.readGroupWeek(group: group)
        #expect(AccessPolicy.allows(Self.actor([.reporter], aggregates: [group.id]), read))
        #expect(AccessPolicy.allows(Self.actor([.reporter], id: approver), read))
        for role in [Role.leader, .office, .admin] { #expect(AccessPolicy.allows(Self.actor([role]), read), "\(role)") }
        #expect(!AccessPolicy.allows(Self.actor([.reporter], aggregates: [UUID()]), read))
        #expect(!AccessPolicy.allows(Self.actor([.reporter], supervises: [UUID()]), read))
        #expect(!AccessPolicy.allows(Self.actor([.regional]), read))
        #expect(!AccessPolicy.allows(Self.actor([.leader], commune: Self.communeB), read))
        #expect(!AccessPolicy.allows(Self.actor([.reporter], commune: Self.communeB, aggregates: [group.id]), read))
        // A group without an approver is not "approved" by someone whose id is missing.
        let open = GroupFacts(id: UUID(), communeID: Self.communeA, approverID: nil)
        #expect(!AccessPolicy.allows(Self.actor([.reporter]), .readGroupWeek(group: open)))
    }

    @Test("The groups list opens for whoever reads at least one group's week")
    func openGroupWeeks() {
        #expect(AccessPolicy.allows(Self.actor([.reporter], aggregates: [UUID()]), .openGroupWeeks))
        #expect(AccessPolicy.allows(Self.actor([.reporter], approves: [UUID()]), .openGroupWeeks))
        for role in [Role.leader, .office, .admin] { #expect(AccessPolicy.allows(Self.actor([role]), .openGroupWeeks), "\(role)") }
        #expect(!AccessPolicy.allows(Self.actor([.reporter]), .openGroupWeeks))
        #expect(!AccessPolicy.allows(Self.actor([.reporter], supervises: [UUID()]), .openGroupWeeks))
        #expect(!AccessPolicy.allows(Self.actor([.regional]), .openGroupWeeks))
    }

    @Test("Reminding a group's members: its focal points and the commune-wide readers, not its approver")
    func remind() {
        let approver = UUID()
        let group = GroupFacts(id: UUID(), communeID: Self.communeA, approverID: approver)
        let remind = Action.remindGroupMembers(group: group)
        #expect(AccessPolicy.allows(Self.actor([.reporter], aggregates: [group.id]), remind))
        #expect(AccessPolicy.allows(Self.actor([.leader]), remind))
        #expect(!AccessPolicy.allows(Self.actor([.reporter], id: approver), remind))
        #expect(!AccessPolicy.allows(Self.actor([.reporter], aggregates: [UUID()]), remind))
        #expect(!AccessPolicy.allows(Self.actor([.regional]), remind))
        #expect(!AccessPolicy.allows(Self.actor([.office], commune: Self.communeB), remind))
    }

    @Test("Acting on a group's week follows GroupWeekFlow with the actor's part in the group")
    func actOnGroupWeek() {
        let approver = UUID()
        let approved = GroupFacts(id: UUID(), communeID: Self.communeA, approverID: approver)
        let plain = GroupFacts(id: UUID(), communeID: Self.communeA, approverID: nil)
        let focal = Self.actor([.reporter], aggregates: [approved.id, plain.id])
        let approverActor = Self.actor([.reporter], id: approver)
        #expect(AccessPolicy.allows(focal, .actOnGroupWeek(.submit, group: approved, state: .open)))
        #expect(!AccessPolicy.allows(focal, .actOnGroupWeek(.submit, group: approved, state: .approved)), "approved: unlock first")
        #expect(!AccessPolicy.allows(focal, .actOnGroupWeek(.approve, group: approved, state: .compiled)))
        #expect(AccessPolicy.allows(approverActor, .actOnGroupWeek(.approve, group: approved, state: .compiled)))
        #expect(!AccessPolicy.allows(approverActor, .actOnGroupWeek(.approve, group: approved, state: .open)))
        #expect(AccessPolicy.allows(approverActor, .actOnGroupWeek(.unlock, group: approved, state: .approved)))
        #expect(AccessPolicy.allows(focal, .actOnGroupWeek(.reopen, group: plain, state: .compiled)))
        #expect(!AccessPolicy.allows(focal, .actOnGroupWeek(.reopen, group: approved, state: .compiled)), "the approver returns instead")
        for role in [Role.leader, .office, .admin] {
            #expect(!AccessPolicy.allows(Self.actor([role]), .actOnGroupWeek(.submit, group: plain, state: .open)), "\(role) reads only")
        }
        let elsewhere = Self.actor([.reporter], commune: Self.communeB, aggregates: [plain.id])
        #expect(!AccessPolicy.allows(elsewhere, .actOnGroupWeek(.submit, group: plain, state: .open)))
        #expect(!AccessPolicy.allows(Self.actor([.reporter], commune: Self.communeB, id: approver),
                                     .actOnGroupWeek(.approve, group: approved, state: .compiled)))
    }

    @Test("Returning a member's report: the group's focal point, a submitted report not yet returned, while the week is open to members")
    func returnMemberReport() {
        let group = GroupFacts(id: UUID(), communeID: Self.communeA, approverID: UUID())
        let focal = Self.actor([.reporter], aggregates: [group.id])
        #expect(AccessPolicy.allows(focal, .returnMemberReport(group: group, groupWeekState: .open, report: .submitted)))
        #expect(AccessPolicy.allows(focal, .returnMemberReport(group: group, groupWeekState: .returned, report: .submitted)))
        #expect(MemberReportReturnRefusal.of(focal, group: group, groupWeekState: .compiled, report: .submitted) == .groupWeekClosed)
        #expect(MemberReportReturnRefusal.of(focal, group: group, groupWeekState: .open, report: .returned) == .alreadyReturned)
        #expect(MemberReportReturnRefusal.of(focal, group: group, groupWeekState: .open, report: .notSubmitted) == .notSubmitted)
        for actor in [Self.actor([.leader]), Self.actor([.admin]), Self.actor([.reporter], id: group.approverID!),
                      Self.actor([.reporter], aggregates: [UUID()]), Self.actor([.regional]),
                      Self.actor([.reporter], commune: Self.communeB, aggregates: [group.id])] {
            #expect(MemberReportReturnRefusal.of(actor, group: group, groupWeekState: .open, report: .submitted) == .notFocalPoint)
            #expect(!AccessPolicy.allows(actor, .returnMemberReport(group: group, groupWeekState: .open, report: .submitted)))
        }
    }

    @Test("What a person is to a group is derived from the actor and the group, and is nothing across communes")
    func groupWeekActor() {
        let approver = UUID()
        let group = GroupFacts(id: UUID(), communeID: Self.communeA, approverID: approver)
        #expect(GroupWeekActor(Self.actor([.reporter], aggregates: [group.id]), group: group) == .init(isAggregator: true, isApprover: false))
        #expect(GroupWeekActor(Self.actor([.reporter], id: approver), group: group) == .init(isAggregator: false, isApprover: true))
        #expect(GroupWeekActor(Self.actor([.leader]), group: group) == .init(isAggregator: false, isApprover: false))
        #expect(GroupWeekActor(Self.actor([.reporter], commune: Self.communeB, aggregates: [group.id], id: approver), group: group)
                == .init(isAggregator: false, isApprover: false))
    }

    @Test("The week ledger of groups: the commune's ledger readers and focal points")
    func readGroupLedgers() {
        #expect(AccessPolicy.allows(Self.actor([.reporter], aggregates: [UUID()]), .readGroupLedgers))
        for role in [Role.leader, .office, .admin] { #expect(AccessPolicy.allows(Self.actor([role]), .readGroupLedgers), "\(role)") }
        #expect(!AccessPolicy.allows(Self.actor([.reporter]), .readGroupLedgers))
        #expect(!AccessPolicy.allows(Self.actor([.reporter], approves: [UUID()]), .readGroupLedgers), "an approver reads people, not the week")
        #expect(!AccessPolicy.allows(Self.actor([.reporter], supervises: [UUID()]), .readGroupLedgers))
        #expect(!AccessPolicy.allows(Self.actor([.regional]), .readGroupLedgers))
    }

    @Test("Monthly reports: who opens the list, reads and writes a unit's or a person's report")
    func monthly() {
        let unit = UUID(), group = UUID()
        let unitMember = Self.actor([.reporter], units: [unit])
        func open(_ actor: Actor, units: Bool = true, inPerson: Bool = false) -> Bool {
            AccessPolicy.allows(actor, .openMonthlyReports(communeAsksUnits: units, asksActorInPerson: inPerson))
        }
        #expect(open(unitMember))
        #expect(!open(unitMember, units: false), "the commune asks no unit: nothing for a unit's people")
        #expect(open(Self.actor([.reporter]), inPerson: true))
        #expect(!open(Self.actor([.reporter])))
        #expect(open(Self.actor([.reporter], aggregates: [group]), units: false))
        #expect(open(Self.actor([.leader]), units: false))
        #expect(!open(Self.actor([.regional]), inPerson: true))
        #expect(!open(Self.actor([.reporter], supervises: [UUID()])))

        #expect(AccessPolicy.allows(unitMember, .readUnitMonthlyReport(unitID: unit)))
        #expect(!AccessPolicy.allows(unitMember, .readUnitMonthlyReport(unitID: UUID())))
        #expect(AccessPolicy.allows(Self.actor([.leader]), .readUnitMonthlyReport(unitID: unit)))
        #expect(!AccessPolicy.allows(Self.actor([.regional]), .readUnitMonthlyReport(unitID: unit)))

        let person = PersonFacts(id: UUID(), communeID: Self.communeA, groupIDs: [group])
        let write = Action.writePersonMonthlyReport(person: person), read = Action.readPersonMonthlyReport(person: person)
        let author = Self.actor([.reporter], id: person.id)
        #expect(AccessPolicy.allows(author, write) && AccessPolicy.allows(author, read))
        let focal = Self.actor([.reporter], aggregates: [group])
        #expect(AccessPolicy.allows(focal, write) && AccessPolicy.allows(focal, read))
        let otherFocal = Self.actor([.reporter], aggregates: [UUID()])
        #expect(!AccessPolicy.allows(otherFocal, write))
        #expect(AccessPolicy.allows(otherFocal, read), "focal points read every monthly report")
        #expect(AccessPolicy.allows(Self.actor([.office]), write))
        #expect(!AccessPolicy.allows(Self.actor([.leader]), write))
        #expect(AccessPolicy.allows(Self.actor([.leader]), read))
        #expect(!AccessPolicy.allows(Self.actor([.reporter]), read))
        #expect(!AccessPolicy.allows(Self.actor([.regional], id: person.id), write), "a regional account never reports")
        for actor in [Self.actor([.office], commune: Self.communeB), Self.actor([.leader], commune: Self.communeB),
                      Self.actor([.reporter], commune: Self.communeB, aggregates: [group])] {
            #expect(!AccessPolicy.allows(actor, write) && !AccessPolicy.allows(actor, read), "another commune")
        }
    }

    @Test("Party cells: the list opens for readers and members in charge; one cell for readers and its own members in charge")
    func cells() {
        let cell = UUID()
        let supervisor = Self.actor([.reporter], supervises: [cell])
        #expect(AccessPolicy.allows(supervisor, .openCellMeetings))
        #expect(AccessPolicy.allows(supervisor, .readCell(cellID: cell)))
        #expect(!AccessPolicy.allows(supervisor, .readCell(cellID: UUID())))
        for role in [Role.leader, .office, .admin] {
            #expect(AccessPolicy.allows(Self.actor([role]), .openCellMeetings) && AccessPolicy.allows(Self.actor([role]), .readCell(cellID: cell)))
        }
        for actor in [Self.actor([.reporter]), Self.actor([.reporter], aggregates: [UUID()]), Self.actor([.regional])] {
            #expect(!AccessPolicy.allows(actor, .openCellMeetings) && !AccessPolicy.allows(actor, .readCell(cellID: cell)))
        }
    }

    @Test("The pages everyone opens from the menu, a regional account included")
    func everyone() {
        for actor in [Self.actor([.reporter]), Self.actor([.regional]), Self.actor([.admin])] {
            for action in [Action.readHome, .readOwnReport, .readTargets, .readCalendar] { #expect(AccessPolicy.allows(actor, action)) }
        }
    }
}
