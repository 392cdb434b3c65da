@testable import App
import Fluent
import GiaoBanCore
import GiaoBanOffice
import Testing
import Vapor
import VaporTesting

struct MeetingBody: Encodable, Sendable {
    var kind = "thuong_ky"
    var date = "2021-08-03"
    var start = "19:30"
    var end = "21:30"
    var supervisorAttended = true
    var summoned = 30
    var present = 28
    var absentWithReason = 2
    var absentWithoutReason = 0
    var absentWithReasonNames: [String] = ["Nguyễn Văn A", "Trần Thị B"]
    var chair = "Đ/c Bí thư chi bộ"
    var secretary = "Đ/c Phó bí thư"
    var content = "Kiểm điểm nghị quyết tháng 7; triển khai phòng chống dịch Covid-19 tại thôn."
    var conclusions = "Thống nhất 5 nhiệm vụ trọng tâm tháng 8."
    var feedback = "Đề nghị hỗ trợ kinh phí sửa nhà văn hóa thôn."
    var points: [String: Decimal]? = ["duration": 5, "attendance": 5, "preparation": 9, "conduct": 28, "chairing": 9,
                                      "principles": 5, "results": 27, "closing": 4]
}

@Suite("Party-cell meetings, reports, rubric and rotation")
struct CellTests {
    /// In charge of two cells (Khe Máng, Quân sự - Công an) without being a leader.
    static let tinh = DemoCommune.username(for: "Nguyễn Hữu Tình")

    static func cell(_ t: TestApp, _ name: String) async throws -> PartyCell {
        try #require(try await PartyCell.query(on: t.db).filter(\.$name == name).first())
    }

    @Test("The member in charge records, corrects and deletes a meeting; the rating follows the rubric; others are refused")
    func meetings() async throws {
        try await withTestApp { t in
            let kimLu = try await Self.cell(t, "Chi bộ thôn Kim Lữ")
            let kimCuong = try await Self.cell(t, "Chi bộ thôn Kim Cương")
            let base = "/api/v1/cells/\(try kimLu.requireID())/meetings"
            let hung = try await t.token(TestApp.Demo.supervisor)
            let created = try await t.api(.POST, base, token: hung, json: MeetingBody())
            #expect(created.status == .created, "\(created.body.string)")
            let meeting = try created.content.decode(CellMeetingDTO.self)
            #expect(meeting.total == 92)
            #expect(meeting.rating == "tot" && meeting.ratingTitle == "Tốt")
            #expect(meeting.rubricYear == 2021)
            #expect(meeting.attendanceRate.map { abs($0 - 93.333) < 0.01 } == true)
            #expect(meeting.absentWithReasonNames == ["Nguyễn Văn A", "Trần Thị B"])

            // Attendance that does not add up, and points above a criterion's maximum: every problem at once.
            var bad = MeetingBody()
            bad.present = 20
            bad.points?["conduct"] = 31
            bad.points?["spirit"] = 1
            let refused = try await t.api(.POST, base, token: hung, json: bad)
            #expect(refused.status == .unprocessableEntity)
            let fields = try refused.content.get([String: String].self, at: "error", "fields")
            #expect(fields["attendance"]?.contains("không khớp với số đảng viên được triệu tập (30)") == true)
            #expect(fields["points"]?.contains("vượt quá điểm tối đa") == true)
            #expect(fields["points"]?.contains("spirit") == true)
            var noDate = MeetingBody()
            noDate.date = "31/02/2021"
            #expect(try await t.api(.POST, base, token: hung, json: noDate).status == .unprocessableEntity)

            // Unrated extraordinary meeting, then a correction.
            var extra = MeetingBody()
            extra.kind = "bat_thuong"
            extra.date = "20/08/2021"
            extra.points = nil
            let second = try await t.api(.POST, base, token: hung, json: extra)
            #expect(second.status == .created)
            let secondID = try second.content.decode(CellMeetingDTO.self).id
            #expect(try second.content.decode(CellMeetingDTO.self).rating == nil)
            var corrected = extra
            corrected.present = 29
            corrected.absentWithReason = 1
            corrected.absentWithReasonNames = ["Nguyễn Văn A"]
            let updated = try await t.api(.PUT, "\(base)/\(secondID)", token: hung, json: corrected)
            #expect(updated.status == .ok)
            #expect(try updated.content.decode(CellMeetingDTO.self).present == 29)

            let list = try await t.api(.GET, base + "?month=2021-08", token: try await t.token(TestApp.Demo.leader))
            #expect(list.status == .ok)
            #expect(try list.content.decode(ListDTO<CellMeetingDTO>.self).items.map(\.date) == ["2021-08-03", "2021-08-20"])
            #expect(try await t.api(.GET, base + "?month=2021-13", token: hung).status == .badRequest)

            // Who may do what.
            let nam = try await t.token(TestApp.Demo.reporter)
            #expect(try await t.api(.GET, base, token: nam).status == .forbidden)
            #expect(try await t.api(.POST, base, token: nam, json: MeetingBody()).status == .forbidden)
            #expect(try await t.api(.POST, base, token: try await t.token(TestApp.Demo.office), json: MeetingBody()).status == .forbidden)
            #expect(try await t.api(.POST, base, token: try await t.token(TestApp.Demo.leader), json: MeetingBody()).status == .forbidden)
            #expect(try await t.api(.POST, "/api/v1/cells/\(try kimCuong.requireID())/meetings", token: hung, json: MeetingBody()).status == .forbidden)
            #expect(try await t.api(.POST, base, token: try await t.token(TestApp.Demo.admin), json: MeetingBody()).status == .created)
            #expect(try await t.api(.GET, "/api/v1/cells/\(UUID())/meetings", token: hung).status == .notFound)

            #expect(try await t.api(.DELETE, "\(base)/\(secondID)", token: nam).status == .forbidden)
            #expect(try await t.api(.DELETE, "\(base)/\(secondID)", token: hung).status == .noContent)
            #expect(try await t.api(.GET, "\(base)/\(secondID)", token: hung).status == .notFound)
            let audits = try await AuditEntry.query(on: t.db).filter(\.$kind == "cell_meeting").all()
            #expect(Set(audits.map(\.action)) == ["create", "update", "delete"])
        }
    }

    @Test("The month's report: due before the 10th of the next month, first submission kept; the district's compilation")
    func monthReport() async throws {
        try await withTestApp { t in
            let kimLu = try await Self.cell(t, "Chi bộ thôn Kim Lữ")
            let kheMang = try await Self.cell(t, "Chi bộ thôn Khe Máng")
            let hung = try await t.token(TestApp.Demo.supervisor)
            let submit = "/api/v1/cells/\(try kimLu.requireID())/reports/2021-08/submit"
            // No regular meeting and no reason: refused.
            let empty = try await t.api(.POST, submit, token: hung)
            #expect(empty.status == .unprocessableEntity)
            #expect(try empty.content.get(String.self, at: "error", "fields", "note").contains("chưa có buổi sinh hoạt thường kỳ"))
            _ = try await t.api(.POST, "/api/v1/cells/\(try kimLu.requireID())/meetings", token: hung, json: MeetingBody())
            let first = try await t.api(.POST, submit, token: hung)
            #expect(first.status == .ok, "\(first.body.string)")
            let report = try first.content.decode(CellMonthReportDTO.self)
            #expect(report.status == "on_time")
            #expect(report.dueAt == "2021-09-10T00:00:00+07:00")
            #expect(report.firstSubmittedAt == "2021-08-18T09:00:00+07:00")
            // A reason instead of a meeting.
            struct Note: Content { var note: String }
            let noted = try await t.api(.POST, "/api/v1/cells/\(try kheMang.requireID())/reports/2021-08/submit", token: hung,
                                        json: Note(note: "Thôn bị cô lập do mưa lũ, chi bộ hoãn sinh hoạt sang tháng 9."))
            #expect(noted.status == .ok)
            #expect(try await t.api(.POST, "/api/v1/cells/\(try kimLu.requireID())/reports/2021-10/submit", token: hung).status == .conflict)
            #expect(try await t.api(.POST, "/api/v1/cells/\(try kimLu.requireID())/reports/2021-8/submit", token: hung).status == .badRequest)
            #expect(try await t.api(.POST, submit, token: try await t.token(TestApp.Demo.reporter)).status == .forbidden)

            // Submitting again later keeps the first instant.
            t.clock.set(Date(timeIntervalSince1970: 1_631_300_000)) // 11/09/2021
            let again = try await t.api(.POST, submit, token: hung)
            #expect(try again.content.decode(CellMonthReportDTO.self).firstSubmittedAt == "2021-08-18T09:00:00+07:00")
            #expect(try again.content.decode(CellMonthReportDTO.self).status == "on_time")

            let leader = try await t.token(TestApp.Demo.leader)
            let compiled = try await t.api(.GET, "/api/v1/cells/reports/2021-08", token: leader)
            #expect(compiled.status == .ok)
            let body = try compiled.content.decode(CellCompilationDTO.self)
            #expect(body.cells.count == 8)
            let rows = Dictionary(uniqueKeysWithValues: body.cells.map { ($0.name, $0) })
            #expect(rows["Chi bộ thôn Kim Lữ"]?.ratingTitle == "Tốt")
            #expect(rows["Chi bộ thôn Kim Lữ"]?.status == "on_time")
            #expect(rows["Chi bộ thôn Khe Máng"]?.regularMeetings == 0)
            #expect(rows["Chi bộ thôn Khe Máng"]?.note?.contains("mưa lũ") == true)
            #expect(rows["Chi bộ thôn Kim Cương"]?.status == "missing")
            #expect(body.ratingCounts.first { $0.rating == "tot" }?.count == 1)
            #expect(body.attendanceRate.map { abs($0 - 93.333) < 0.01 } == true)
            // A member in charge who is not a leader sees their own cells; a plain reporter nothing.
            let tinh = try await t.token(Self.tinh)
            let mine = try await t.api(.GET, "/api/v1/cells/reports/2021-08", token: tinh)
            #expect(try mine.content.decode(CellCompilationDTO.self).cells.count == 2)
            #expect(try await t.api(.GET, "/api/v1/cells/reports/2021-08", token: try await t.token(TestApp.Demo.reporter)).status == .forbidden)

            // The document for the district's organisation board.
            let docx = try await t.api(.GET, "/api/v1/cells/reports/2021-08/report.docx", token: leader)
            #expect(docx.status == .ok)
            let data = Data(buffer: docx.body)
            let text = try DocxReader.text(data)
            #expect(text.contains("ĐẢNG ỦY XÃ SƠN KIM 2"))
            #expect(text.contains("Kết quả sinh hoạt chi bộ tháng 8 năm 2021"))
            #expect(text.contains("Chi bộ thôn Kim Lữ"))
            #expect(text.contains("Ban Tổ chức Huyện ủy"))
            #expect(text.contains("Đề nghị hỗ trợ kinh phí sửa nhà văn hóa thôn."))
            #expect(text.contains("28/30"))
            #expect(try await t.api(.GET, "/api/v1/cells/reports/2021-08/report.docx", token: tinh).status == .forbidden)
            if let size = try libreOfficePDFSize(of: data) { #expect(size > 5000, "LibreOffice opens the cell report") }

            // Both obligations in the ledger.
            let ledger = try await t.api(.GET, "/api/v1/ledger/monthly?year=2021", token: leader)
            #expect(ledger.status == .ok)
            let monthly = try ledger.content.decode(MonthlyLedgerDTO.self)
            let kimLuRow = try #require(monthly.cellReports.first { $0.name == "Chi bộ thôn Kim Lữ" })
            #expect(kimLuRow.months.count == 9) // January to September have begun by 11/09
            #expect(kimLuRow.months[7].status == "on_time")
            #expect(kimLuRow.months[8].status == "not_due")
            #expect(monthly.monthlyReports.count == 17)
            let tinhLedger = try await t.api(.GET, "/api/v1/ledger/monthly?year=2021", token: tinh)
            let own = try tinhLedger.content.decode(MonthlyLedgerDTO.self)
            #expect(own.cellReports.map(\.name) == ["Chi bộ Quân sự - Công an", "Chi bộ thôn Khe Máng"])
            #expect(own.monthlyReports.map(\.name) == ["Đảng ủy"])
        }
    }

    @Test("The rubric is data per year: the default, a commune's own, refused when inconsistent")
    func rubric() async throws {
        try await withTestApp { t in
            let office = try await t.token(TestApp.Demo.office)
            let initial = try await t.api(.GET, "/api/v1/cells/rubrics/2026", token: office)
            #expect(initial.status == .ok)
            let dto = try initial.content.decode(RubricDTO.self)
            #expect(!dto.stored && dto.maxTotal == 100 && dto.rubric.criteria.count == 8)
            #expect(dto.rubric.thresholds.map(\.title) == ["Tốt", "Khá", "Trung bình", "Kém"])

            // Guideline 42-HD/BTCTW (2025) style: four criteria of 25 points.
            let own = MeetingRubric(year: 0, basis: "Chỉ thị 50-CT/TW; Hướng dẫn 42-HD/BTCTW",
                                    criteria: [RubricCriterion(key: "chuan_bi", title: "Chuẩn bị", maxPoints: 25),
                                               RubricCriterion(key: "noi_dung", title: "Nội dung", maxPoints: 25),
                                               RubricCriterion(key: "dieu_hanh", title: "Điều hành", maxPoints: 25),
                                               RubricCriterion(key: "ket_qua", title: "Kết quả", maxPoints: 25)],
                                    thresholds: [RatingThreshold(key: "tot", title: "Tốt", minPoints: 85),
                                                 RatingThreshold(key: "dat", title: "Đạt", minPoints: 50),
                                                 RatingThreshold(key: "chua_dat", title: "Chưa đạt", minPoints: 0)])
            let saved = try await t.api(.PUT, "/api/v1/cells/rubrics/2026", token: office, json: own)
            #expect(saved.status == .ok, "\(saved.body.string)")
            #expect(try saved.content.decode(RubricDTO.self).rubric.year == 2026)
            let after = try await t.api(.GET, "/api/v1/cells/rubrics/2026", token: try await t.token(TestApp.Demo.supervisor))
            #expect(try after.content.decode(RubricDTO.self).stored)
            // 2021 keeps the default.
            #expect(try await t.api(.GET, "/api/v1/cells/rubrics/2021", token: office).content.decode(RubricDTO.self).stored == false)

            var wrong = own
            wrong.thresholds = [RatingThreshold(key: "tot", title: "Tốt", minPoints: 50), RatingThreshold(key: "dat", title: "Đạt", minPoints: 60)]
            let refused = try await t.api(.PUT, "/api/v1/cells/rubrics/2026", token: office, json: wrong)
            #expect(refused.status == .unprocessableEntity)
            #expect(try refused.content.get(String.self, at: "error", "fields", "rubric").contains("giảm dần"))
            #expect(try await t.api(.PUT, "/api/v1/cells/rubrics/2026", token: try await t.token(TestApp.Demo.leader), json: own).status == .forbidden)
            #expect(try await t.api(.PUT, "/api/v1/cells/rubrics/2026", token: try await t.token(TestApp.Demo.reporter), json: own).status == .forbidden)
            #expect(try await t.api(.GET, "/api/v1/cells/rubrics/20x6", token: office).status == .badRequest)

            // A 2026 meeting is scored with the commune's rubric.
            t.clock.set(Date(timeIntervalSince1970: 1_775_000_000)) // April 2026
            let kimLu = try await Self.cell(t, "Chi bộ thôn Kim Lữ")
            var body = MeetingBody()
            body.date = "2026-03-03"
            body.points = ["chuan_bi": 20, "noi_dung": 20, "dieu_hanh": 20, "ket_qua": 20]
            let meeting = try await t.api(.POST, "/api/v1/cells/\(try kimLu.requireID())/meetings", token: try await t.token(TestApp.Demo.supervisor), json: body)
            #expect(meeting.status == .created, "\(meeting.body.string)")
            #expect(try meeting.content.decode(CellMeetingDTO.self).ratingTitle == "Đạt")
        }
    }

    @Test("Rotation: proposed in turn, edited, and refused when someone is planned into two meetings at once")
    func rotation() async throws {
        try await withTestApp { t in
            let hung = try await t.token(TestApp.Demo.supervisor)
            let kimLu = try await Self.cell(t, "Chi bộ thôn Kim Lữ")
            let kheMang = try await Self.cell(t, "Chi bộ thôn Khe Máng")
            let proposal = try await t.api(.GET, "/api/v1/cells/rotations/2021", token: hung)
            #expect(proposal.status == .ok)
            let plan = try proposal.content.decode(RotationDTO.self)
            #expect(!plan.saved)
            #expect(plan.visits.count == 12)
            #expect(plan.clashes.isEmpty)
            // Both cells meet on the 3rd at overlapping times: one per month, taken in turn.
            #expect(Set(plan.visits.map(\.cellId)) == [try kimLu.requireID(), try kheMang.requireID()])
            #expect(zip(plan.visits, plan.visits.dropFirst()).allSatisfy { $0.cellId != $1.cellId })
            #expect(plan.visits.allSatisfy { $0.date.hasSuffix("-03") })

            let clash = RotationInput(visits: [
                .init(cellId: try kimLu.requireID(), date: "2021-09-03", start: "19:30", end: "21:30"),
                .init(cellId: try kheMang.requireID(), date: "03/09/2021", start: "20:00", end: "22:00"),
            ])
            let refused = try await t.api(.PUT, "/api/v1/cells/rotations/2021", token: hung, json: clash)
            #expect(refused.status == .conflict)
            #expect(try refused.content.get(String.self, at: "error", "fields", "visits").contains("trùng giờ"))
            let kimCuong = try await Self.cell(t, "Chi bộ thôn Kim Cương")
            let foreign = RotationInput(visits: [.init(cellId: try kimCuong.requireID(),
                                                       date: "2021-09-03", start: "19:30", end: "21:30")])
            #expect(try await t.api(.PUT, "/api/v1/cells/rotations/2021", token: hung, json: foreign).status == .unprocessableEntity)

            let edited = RotationInput(visits: Array(plan.visits.map { .init(cellId: $0.cellId, date: $0.date, start: $0.start, end: $0.end) }.dropLast()))
            let saved = try await t.api(.PUT, "/api/v1/cells/rotations/2021", token: hung, json: edited)
            #expect(saved.status == .ok, "\(saved.body.string)")
            let stored = try await t.api(.GET, "/api/v1/cells/rotations/2021", token: hung)
            #expect(try stored.content.decode(RotationDTO.self).saved)
            #expect(try stored.content.decode(RotationDTO.self).visits.count == 11)
            // A fresh proposal is still available without overwriting.
            #expect(try await t.api(.GET, "/api/v1/cells/rotations/2021/proposal", token: hung).content.decode(RotationDTO.self).visits.count == 12)

            let hungID = try await t.person(TestApp.Demo.supervisor).requireID()
            #expect(try await t.api(.GET, "/api/v1/cells/rotations/2021?personId=\(hungID)", token: try await t.token(TestApp.Demo.office)).status == .ok)
            #expect(try await t.api(.GET, "/api/v1/cells/rotations/2021?personId=\(hungID)", token: try await t.token(TestApp.Demo.reporter)).status == .forbidden)
            #expect(try await t.api(.GET, "/api/v1/cells/rotations/2021", token: try await t.token(TestApp.Demo.reporter)).status == .forbidden)
            // An id that is no id is not found, on the API and the page alike (never the asker's own plan).
            #expect(try await t.api(.GET, "/api/v1/cells/rotations/2021?personId=garbage", token: try await t.token(TestApp.Demo.office)).status == .notFound)
            let office = t.browser()
            try await office.login(TestApp.Demo.office)
            let garbage = try await office.get("/cells/rotation?year=2021&personId=garbage")
            #expect(garbage.status == .notFound)
            #expect(garbage.body.string.contains("Không tìm thấy cán bộ này."))
            #expect(try await office.get("/cells/rotation?year=2021&personId=\(hungID)").status == .ok)
        }
    }

    @Test("The cell pages render for the members in charge and the leaders; a refused meeting form keeps what was typed")
    func pages() async throws {
        try await withTestApp { t in
            let kheMang = try await Self.cell(t, "Chi bộ thôn Khe Máng")
            let browser = t.browser()
            try await browser.login(Self.tinh)
            for path in ["/cells", "/cells?month=2021-07", "/cells/rotation?year=2021", "/cells/rubric?year=2021",
                         "/cells/\(try kheMang.requireID())/meetings/new?month=2021-08"] {
                let page = try await browser.get(path)
                #expect(page.status == .ok, "\(path): \(page.status)")
            }
            let index = try await browser.get("/cells")
            #expect(index.body.string.contains("Chi bộ thôn Khe Máng"))
            #expect(!index.body.string.contains("Chi bộ thôn Kim Cương"))
            let form = try await browser.get("/cells/\(try kheMang.requireID())/meetings/new?month=2021-08")
            #expect(form.body.string.contains("03/08/2021"), "the form starts on the cell's meeting day")

            let typed = "Bàn biện pháp giữ vững an ninh trật tự trong mùa mưa bão"
            let refused = try await browser.post("/cells/\(try kheMang.requireID())/meetings", [
                ("kind", "thuong_ky"), ("date", "03/08/2021"), ("start", "20:00"), ("end", "22:00"), ("supervisorAttended", "true"),
                ("summoned", "30"), ("present", "25"), ("absentWithReason", "1"), ("absentWithoutReason", "0"),
                ("chair", "Đ/c Bí thư"), ("content", typed), ("points[duration]", "5"),
            ])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains(typed))
            #expect(refused.body.string.contains("không khớp"))
            #expect(refused.body.string.contains("Chưa chấm điểm tiêu chí"))
            let accepted = try await browser.post("/cells/\(try kheMang.requireID())/meetings", [
                ("kind", "thuong_ky"), ("date", "03/08/2021"), ("start", "20:00"), ("end", "22:00"), ("supervisorAttended", "true"),
                ("summoned", "30"), ("present", "29"), ("absentWithReason", "1"), ("absentWithoutReason", "0"),
                ("absentWithReasonNames", "Nguyễn Văn A\n"), ("chair", "Đ/c Bí thư"), ("content", typed),
            ])
            #expect(accepted.status == .seeOther, "\(accepted.body.string)")
            let meeting = try #require(try await CellMeeting.query(on: t.db).first())
            #expect(try await browser.get("/cells/\(try kheMang.requireID())/meetings/\(try meeting.requireID())").status == .ok)
            let submitted = try await browser.post("/cells/\(try kheMang.requireID())/reports/2021-08/submit", [("note", "")])
            #expect(submitted.status == .seeOther)
            #expect(try await browser.get("/cells/reports/2021-08").status == .forbidden)

            let leader = t.browser()
            try await leader.login(TestApp.Demo.leader)
            for path in ["/cells", "/cells/reports/2021-08", "/cells/rubric", "/ledger/monthly?year=2021"] {
                #expect(try await leader.get(path).status == .ok, "\(path)")
            }
            #expect(try await leader.get("/cells/reports/2021-08/report.docx").status == .ok)
            #expect(try await leader.get("/cells/reports/2021-08").body.string.contains("Đúng hạn"))

            let reporter = t.browser()
            try await reporter.login(TestApp.Demo.reporter)
            #expect(try await reporter.get("/cells").status == .forbidden)
            #expect(try await reporter.get("/cells/rotation").status == .forbidden)

            let office = t.browser()
            try await office.login(TestApp.Demo.office)
            #expect(try await office.get("/cells/rotation").body.string.contains("Kế hoạch luân phiên"))
            let rubric = try await office.post("/cells/rubric/2022", [
                ("basis", "Hướng dẫn 42-HD/BTCTW"), ("criteria[0][key]", "a"), ("criteria[0][title]", "Chuẩn bị"), ("criteria[0][points]", "50"),
                ("criteria[1][title]", "Kết quả"), ("criteria[1][points]", "50"),
                ("thresholds[0][key]", "tot"), ("thresholds[0][title]", "Tốt"), ("thresholds[0][points]", "80"),
                ("thresholds[1][key]", "dat"), ("thresholds[1][title]", "Đạt"), ("thresholds[1][points]", "90"),
            ])
            #expect(rubric.status == .unprocessableEntity)
            #expect(rubric.body.string.contains("Kết quả"), "the typed rows come back")
            let fixed = try await office.post("/cells/rubric/2022", [
                ("criteria[0][key]", "a"), ("criteria[0][title]", "Chuẩn bị"), ("criteria[0][points]", "50"),
                ("criteria[1][title]", "Kết quả"), ("criteria[1][points]", "50"),
                ("thresholds[0][key]", "tot"), ("thresholds[0][title]", "Tốt"), ("thresholds[0][points]", "80"),
                ("thresholds[1][key]", "dat"), ("thresholds[1][title]", "Đạt"), ("thresholds[1][points]", "0"),
            ])
            #expect(fixed.status == .seeOther)
            let stored = try await CellService.rubric(year: 2022, communeID: kheMang.communeID, on: t.db)
            #expect(stored.stored && stored.rubric.criteria.map(\.key) == ["a", "ket_qua"])
        }
    }

    @Test("The admin sets a cell's regular meeting day (page and API)")
    func meetingRule() async throws {
        try await withTestApp { t in
            let cell = try await Self.cell(t, "Chi bộ thôn Kim Lữ")
            let admin = try await t.token(TestApp.Demo.admin)
            struct Patch: Content { var meetingRule: MeetingRuleDTO }
            let patched = try await t.api(.PATCH, "/api/v1/cells/\(try cell.requireID())", token: admin,
                                          json: Patch(meetingRule: MeetingRuleDTO(ordinal: -1, weekday: "sunday", start: "08:00", end: "10:00")))
            #expect(patched.status == .ok, "\(patched.body.string)")
            #expect(try patched.content.decode(CellDTO.self).meetingRule?.title == "Chủ nhật cuối cùng của tháng, 08:00–10:00")
            let bad = try await t.api(.PATCH, "/api/v1/cells/\(try cell.requireID())", token: admin,
                                      json: Patch(meetingRule: MeetingRuleDTO(dayOfMonth: 40, start: "08:00", end: "07:00")))
            #expect(bad.status == .unprocessableEntity)

            let browser = t.browser()
            try await browser.login(TestApp.Demo.admin)
            let refused = try await browser.post("/admin/cells/\(try cell.requireID())", [
                ("name", "Chi bộ thôn Kim Lữ"), ("ruleKind", "day"), ("ruleDay", "3"), ("ruleStart", "21:00"), ("ruleEnd", "19:00"),
            ])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Giờ kết thúc"))
            let saved = try await browser.post("/admin/cells/\(try cell.requireID())", [
                ("name", "Chi bộ thôn Kim Lữ"), ("ruleKind", "day"), ("ruleDay", "7"), ("ruleStart", "19:00"), ("ruleEnd", "21:00"),
            ])
            #expect(saved.status == .seeOther)
            let reloaded = try await Self.cell(t, "Chi bộ thôn Kim Lữ")
            #expect(try reloaded.meetingRule?.meetingDate(in: ReportMonth(year: 2021, month: 8)!) == LocalDate(year: 2021, month: 8, day: 7))
        }
    }
}
