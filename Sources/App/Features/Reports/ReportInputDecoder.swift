import Foundation
import GiaoBanCore
import Vapor

/// The one reading of a weekly report a reporter sends, for the page's form (url-encoded) and the
/// API's JSON (`PUT /api/v1/reports/{weekId}`, openapi `ReportInput`) alike: both give a
/// `WeeklyReportInput`, text as typed, so a field means the same wherever it comes from and a
/// refused form comes back exactly as typed.
///
/// The field names are the API's (`targets`, `targetId`, `groupIds`…), which the form uses too.
/// What differs between the two is only how a value is spelled, and each field takes every
/// spelling: a figure or quantity as text ("1.234,5") or as a JSON number; a flag as a JSON
/// boolean or as a ticked checkbox ("on"); `inProgress` is the form's way of saying
/// `completed: false`.
struct ReportInputDecoder: Decodable {
    let input: WeeklyReportInput

    /// The request's body as a report: the form's or the API's, by its content type.
    static func decode(_ req: Request) throws -> WeeklyReportInput {
        try req.content.decode(ReportInputDecoder.self).input
    }

    private struct Figure: Decodable {
        var targetId: UUID
        var value: TypedText?
        var completed: Flag?
        /// The form's box "Đang thực hiện": ticked, the figure is work still under way.
        var inProgress: Flag?
        /// Confirms an unusual jump from last week's figure (else 422 with the reason).
        var confirmJump: Flag?
    }
    private struct Work: Decodable {
        var description: String?; var quantity: TypedText?; var unit: String?; var activityType: String?
        var place: String?; var dates: String?
        /// The author's groups whose compilation carries the line; absent: the author's default.
        var groupIds: [String]?
        /// Expected by Friday (dự kiến).
        var forecast: Flag?
    }
    private struct Plan: Decodable {
        var date: String?; var start: String?; var end: String?; var title: String?; var roomId: String?
        var place: String?; var chairId: String?; var participantIds: [String]?; var preparedBy: String?
        var groupIds: [String]?
    }
    private enum CodingKeys: String, CodingKey { case targets, work, plans, difficulties }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let targets = try c.decodeIfPresent([Figure].self, forKey: .targets) ?? []
        let work = try c.decodeIfPresent([Work].self, forKey: .work) ?? []
        let plans = try c.decodeIfPresent([Plan].self, forKey: .plans) ?? []
        input = WeeklyReportInput(
            figures: targets.map {
                .init(targetID: $0.targetId, value: $0.value?.text ?? "",
                      completed: ($0.completed?.isSet ?? true) && !($0.inProgress?.isSet ?? false),
                      confirmJump: $0.confirmJump?.isSet ?? false)
            },
            work: work.map {
                .init(description: $0.description ?? "", quantity: $0.quantity?.text ?? "", unit: $0.unit ?? "",
                      activityType: $0.activityType ?? "", place: $0.place ?? "", dates: $0.dates ?? "",
                      groupIDs: $0.groupIds ?? [], forecast: $0.forecast?.isSet ?? false)
            },
            plans: plans.map {
                .init(date: $0.date ?? "", start: $0.start ?? "", end: $0.end ?? "", title: $0.title ?? "",
                      roomID: $0.roomId ?? "", place: $0.place ?? "", chairID: $0.chairId ?? "",
                      participantIDs: $0.participantIds ?? [], preparedBy: $0.preparedBy ?? "", groupIDs: $0.groupIds ?? [])
            },
            difficulties: try c.decodeIfPresent(String.self, forKey: .difficulties) ?? "")
    }
}

/// A figure or quantity as the rules read it: text as typed, or a JSON number written the way a
/// reporter would type it (`WeeklyReportInput.typed`). The number is decoded as `Decimal`, which
/// Foundation's JSONDecoder reads from the number's own digits, never through binary floating
/// point, so 0.3 stays 0.3 and 12.345 stays twelve point three four five.
private struct TypedText: Decodable {
    var text: String
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Text first: a form field is always text, and must never be read as a number by a
        // decoder that does not know Vietnamese notation ("1.200" is one thousand two hundred).
        if container.decodeNil() { text = "" }
        else if let typed = try? container.decode(String.self) { text = typed }
        else if let number = try? container.decode(Decimal.self) { text = WeeklyReportInput.typed(number) }
        else { text = try container.decode(Bool.self) ? "1" : "0" }
    }
}

/// A yes/no field: a JSON boolean, or a checkbox's value ("on") or its absence.
private struct Flag: Decodable {
    var isSet: Bool
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let typed = try? container.decode(String.self) {
            switch typed.trimmedWhitespace.lowercased() {
            case "on", "true", "1", "yes": isSet = true
            case "", "off", "false", "0", "no": isSet = false
            default:
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "Not a yes/no value: \(typed)")
            }
        } else {
            isSet = try container.decode(Bool.self)
        }
    }
}
