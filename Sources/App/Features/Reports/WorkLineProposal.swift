import Foundation
import GiaoBanCore
import Vapor

/// The quantity and unit a work line names ("Vận động 12 hộ vay vốn tại Kim Lộc" → 12 hộ), for
/// the form to propose (the reporter accepts it; nothing is rewritten silently). The rule is
/// `QuantityInput` in GiaoBanCore, so the form and the server never disagree.
enum WorkLineProposal {
    /// `quantityValue` is the exact number, encoded as a JSON number from its decimal digits.
    struct Split: Content, Equatable { var quantity: String; var quantityValue: Decimal; var unit: String }
    struct Answer: Content, Equatable {
        var text: String
        /// Set when the whole text is a quantity with its unit ("3 buổi"): what the quantity field becomes.
        var split: Split?
        /// Set when a sentence names a quantity and unit: what the form proposes.
        var proposal: Split?
    }

    static func answer(_ req: Request) throws -> Answer {
        guard let text = req.query[String.self, at: "text"] else {
            throw AppError(.badRequest, code: "missing_text", message: "Thiếu nội dung cần đọc (tham số text).")
        }
        guard text.count <= WeeklyReportRules.maxTextLength else {
            throw AppError(.unprocessableEntity, code: "too_long", message: "Quá dài (tối đa \(WeeklyReportRules.maxTextLength) ký tự).")
        }
        func dto(_ split: QuantityInput.Split?) -> Split? {
            split.map { Split(quantity: $0.quantityText, quantityValue: $0.quantity, unit: $0.unit) }
        }
        return Answer(text: text, split: dto(QuantityInput.split(text)), proposal: dto(QuantityInput.propose(text)))
    }

    /// `GET /reports/proposal?text=` (the form's script, signed in) and `GET /api/v1/work-lines/proposal?text=`.
    static func handle(_ req: Request) async throws -> Answer {
        _ = try req.requireUser()
        return try answer(req)
    }
}
