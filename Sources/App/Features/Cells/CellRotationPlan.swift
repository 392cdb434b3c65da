import Fluent
import Foundation
import GiaoBanCore
import Vapor

// A supervisor's rotation as the API returns it and as the rotation page shows it: one builder and
// one input parser for both, so that the page and the API cannot drift apart.

extension RotationDTO {
    /// The saved plan for `year`, or (none saved, or `proposeAfresh`) the system's proposal, with
    /// the person's cells and the plan's clashes.
    static func load(person: Person, year: Int, proposeAfresh: Bool, communeID: UUID, on db: any Database) async throws -> RotationDTO {
        let personID = try person.requireID()
        let cells = try await CellService.rotationCells(personID: personID, communeID: communeID, on: db)
        let (usable, without) = try CellService.rotationInput(cells)
        let names = Dictionary(uniqueKeysWithValues: cells.map { ($0.id!.canonicalText, $0.name) })
        let stored = proposeAfresh ? nil : try await CellService.rotationPlan(personID: personID, year: year, on: db)
        let busy = try await CellService.otherCommitments(personID: personID, communeID: communeID, year: year, on: db)
        let plan: CellRotation.Plan
        if let stored {
            plan = CellRotation.Plan(person: personID.canonicalText, year: year, visits: try stored.visits)
        } else {
            do { plan = try CellRotation.propose(person: personID.canonicalText, cells: usable, year: year, busy: busy) }
            catch let error as CellMeetingError { throw AppError.invalid(["visits": error.vietnameseMessage]) }
        }
        let clashes = CellRotation.check(plan, cells: usable, otherCommitments: busy)
        return RotationDTO(
            personId: personID, year: year, saved: stored != nil,
            visits: plan.visits.compactMap { visit in
                UUID(uuidString: visit.cellKey).map {
                    .init(cellId: $0, cellName: names[visit.cellKey], date: visit.date.iso, start: visit.start.text, end: visit.end.text)
                }
            },
            cells: usable.compactMap { cell in UUID(uuidString: cell.key).map { .init(cellId: $0, name: cell.name, meetingRule: MeetingRuleDTO(cell.rule)) } },
            cellsWithoutMeetingRule: without.map { .init(cellId: $0.id!, name: $0.name, meetingRule: nil) },
            clashes: clashes.map(\.message))
    }
}

extension RotationInput {
    /// The typed visits as rotation visits (dates ISO or Vietnamese); every bad line is named in
    /// one 422 so that the form can show them all at once.
    static func rotationVisits(_ input: [Visit]) throws -> [CellRotation.Visit] {
        var problems: [String] = []
        let visits = input.enumerated().compactMap { index, visit -> CellRotation.Visit? in
            guard let date = LocalDate(iso: visit.date) ?? LocalDate(vietnamese: visit.date),
                  let start = LocalTime(string: visit.start), let end = LocalTime(string: visit.end) else {
                problems.append("Dòng \(index + 1): ngày hoặc giờ không hợp lệ.")
                return nil
            }
            return CellRotation.Visit(cellKey: visit.cellId.canonicalText, date: date, start: start, end: end)
        }
        if !problems.isEmpty { throw AppError.invalid(["visits": problems.joined(separator: " ")]) }
        return visits
    }
}
