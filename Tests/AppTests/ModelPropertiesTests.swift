@testable import App
import FluentKit
import Foundation
import Testing

/// Every model lists its Fluent properties by hand (`properties`), so that reading a row does not
/// go through reflection. These tests keep the lists honest: the same wrappers, in the same order,
/// as reflection finds, for every model in the sources.
@Suite("Models list their properties exactly")
struct ModelPropertiesTests {
    static let models: [any Model.Type] = [
        UserSession.self, APIToken.self, LoginAttempt.self, AuditEntry.self, CellMeeting.self,
        CellMonthReport.self, MeetingRubricRecord.self, CellRotationPlan.self, GroupWeek.self, AppNotification.self,
        LeaveRecord.self, MonthlyReport.self, MonthlyCompilation.self, Commune.self, OrgUnit.self,
        Person.self, PersonUnit.self, ReportGroup.self, GroupMembership.self, Room.self,
        PartyCell.self, CellSupervisor.self, OutboxMessage.self, OutboxDelivery.self, DeliveryAttempt.self,
        ChannelPreference.self, CommuneIntegration.self, WeeklyReport.self, ReportFigure.self, ReportWorkItem.self,
        ReportPlanItem.self, CalendarFeed.self, ScheduleEntry.self, SchedulePublication.self, Target.self,
        ActivityType.self, BriefingMoveRecord.self, TargetWeekFigure.self, PendingLoginSlips.self,
        ActivityType.self, BriefingMoveRecord.self, BriefingConclusion.self, BriefingTask.self, FoldedFigure.self,
    ]

    @Test("each listed model's properties are the ones reflection finds, in order", arguments: ModelPropertiesTests.models.indices)
    func sameAsReflection(index: Int) {
        let model = Self.models[index].init()
        let listed = model.properties.map { $0 as AnyObject }
        let reflected = Mirror(reflecting: model).children.compactMap { $0.value as? any AnyProperty }.map { $0 as AnyObject }
        #expect(listed.count == reflected.count, "\(type(of: model)): \(listed.count) listed, \(reflected.count) declared")
        #expect(zip(listed, reflected).allSatisfy { $0 === $1 }, "\(type(of: model)): the listed properties differ from the declared ones")
    }

    @Test("every model in the sources is in the list above")
    func everyModelListed() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/App")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        var declared: Set<String> = []
        for case let file as URL in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: /final class (\w+): Model, @unchecked Sendable/) { declared.insert(String(match.1)) }
        }
        #expect(declared == Set(Self.models.map { String(describing: $0) }))
    }
}
