import GiaoBanCore
import Vapor

/// Years and months named in a path or query (`/cells/reports/2021-08`, `?year=2021`), parsed the
/// same way by every page and API that takes them, so that a bad value gets the same 400 answer
/// everywhere.
enum PathParameter {
    /// The years a request may name: wide enough for any real record, narrow enough that a typo
    /// ("20211") is refused instead of opening an empty year.
    static let years = 2000...2100

    /// A month written "yyyy-MM" within ``years``.
    static func month(_ raw: String?) throws -> ReportMonth {
        guard let raw, let month = ReportMonth(raw), years.contains(month.year) else {
            throw AppError(.badRequest, code: "invalid_parameter", message: "Tháng không hợp lệ (dạng yyyy-MM, ví dụ 2021-08).",
                           fields: ["month": "Tháng không hợp lệ."])
        }
        return month
    }

    /// A year within ``years``.
    static func year(_ raw: String?) throws -> Int {
        guard let raw, let year = Int(raw), years.contains(year) else {
            throw AppError(.badRequest, code: "invalid_parameter", message: "Năm không hợp lệ.", fields: ["year": "Năm không hợp lệ."])
        }
        return year
    }

    /// The `month` path parameter (`inPath`) or query parameter, nil when absent or empty (the
    /// caller decides what a missing month means: the current one, or not found).
    static func month(_ req: Request, inPath: Bool) throws -> ReportMonth? {
        let raw = inPath ? req.parameters.get("month") : req.query[String.self, at: "month"]
        guard let raw, !raw.isEmpty else { return nil }
        return try month(raw)
    }
}
