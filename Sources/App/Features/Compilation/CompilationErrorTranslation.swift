import Foundation
import GiaoBanCore
import Vapor

/// What a refused compilation action answers, for the API and the pages alike (as
/// `CalendarError.appError`): the service says what went wrong, this says which status and code.
extension CompilationService.ActionError {
    var appError: AppError {
        switch self {
        case .flow(.forbidden(let message)): return AppError(.forbidden, code: "forbidden", message: message)
        case .flow(.illegal(let message)): return AppError(.conflict, code: "illegal_transition", message: message)
        case .invalid(let fields): return AppError.invalid(fields)
        case .notFound(let message): return AppError.notFound(message)
        case .membersStillReporting(let names):
            return AppError(.conflict, code: "members_still_reporting",
                            message: "Còn \(names.count) người chưa nộp và vẫn còn hạn: \(names.joined(separator: ", ")). Xác nhận để tổng hợp ngay (confirmMissing).",
                            fields: ["members": names.joined(separator: ", ")])
        }
    }
}
