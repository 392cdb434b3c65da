import Vapor

/// The words of the UI, Vietnamese first and English second, in one table so that someone who
/// reads Vietnamese can review all the wording in one place. Templates read them as `t.key`.
enum Language: String, Codable, Sendable, CaseIterable {
    case vi, en
}

enum Strings {
    static let table: [String: (vi: String, en: String)] = [
        "app_name": ("GiaoBan", "GiaoBan"),
        "app_tagline": ("Báo cáo tuần, giao ban và sổ theo dõi", "Weekly reports, briefings and the compliance ledger"),
        "skip_to_content": ("Bỏ qua, tới nội dung chính", "Skip to main content"),
        "language_toggle": ("English", "Tiếng Việt"),
        // Navigation
        "nav_home": ("Trang chủ", "Home"),
        "nav_week": ("Lịch tuần", "Week"),
        "nav_admin": ("Quản trị", "Administration"),
        "nav_units": ("Đơn vị", "Units"),
        "nav_people": ("Cán bộ", "People"),
        "nav_groups": ("Nhóm báo cáo", "Report groups"),
        "nav_rooms": ("Phòng họp", "Rooms"),
        "nav_cells": ("Chi bộ", "Party cells"),
        "nav_settings": ("Cài đặt xã", "Commune settings"),
        "nav_account": ("Tài khoản", "Account"),
        "nav_password": ("Đổi mật khẩu", "Change password"),
        "nav_logout": ("Đăng xuất", "Sign out"),
        // Login
        "login_title": ("Đăng nhập", "Sign in"),
        "login_username": ("Tên đăng nhập", "Username"),
        "login_password": ("Mật khẩu", "Password"),
        "login_submit": ("Đăng nhập", "Sign in"),
        "login_failed": ("Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong username or password."),
        "login_throttled": ("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %@ phút.", "Too many failed attempts. Try again in %@ minutes."),
        "logged_out": ("Bạn đã đăng xuất.", "You are signed out."),
        // Home
        "home_title": ("Trang chủ", "Home"),
        "home_current_week": ("Tuần báo cáo hiện tại", "Current report week"),
        "home_deadlines": ("Hạn nộp trong tuần", "Deadlines this week"),
        "home_next_briefing": ("Cuộc giao ban tiếp theo", "Next briefing"),
        "home_no_briefing": ("Chưa có lịch giao ban.", "No briefing scheduled."),
        "home_monthly": ("Hạn nộp báo cáo tháng", "Monthly deadlines"),
        "home_my_groups": ("Nhóm báo cáo của tôi", "My report groups"),
        "home_roles": ("Vai trò", "Roles"),
        "deadline_weekly_report": ("Báo cáo tuần và kế hoạch tuần tới gửi đầu mối", "Weekly report and next week's plan to the focal point"),
        "deadline_group_compilation": ("Đầu mối nộp báo cáo tổng hợp của nhóm", "Focal points submit the group's compiled report"),
        "deadline_cell_report": ("Báo cáo sinh hoạt chi bộ tháng %@", "Party-cell meeting report for %@"),
        "deadline_monthly_report": ("Báo cáo tháng %@ (có lũy kế)", "Monthly report for %@ (with year-to-date)"),
        "deadline_who_everyone": ("Mọi cán bộ", "Every official"),
        "deadline_who_aggregators": ("Đầu mối tổng hợp", "Focal points"),
        "deadline_who_supervisors": ("Đảng ủy viên phụ trách chi bộ", "Committee members in charge of cells"),
        "deadline_who_units": ("Các đơn vị, tổ chức", "Every unit"),
        "deadline_passed": ("Đã qua hạn", "Past"),
        "moved": ("đã dời", "moved"),
        // Week page
        "week_title": ("Lịch tuần", "Week"),
        "week_previous": ("Tuần trước", "Previous week"),
        "week_next": ("Tuần sau", "Next week"),
        "week_meetings": ("Các cuộc giao ban", "Briefings"),
        "week_move": ("Dời cuộc họp", "Move a briefing"),
        "week_move_slot": ("Cuộc họp", "Briefing"),
        "week_move_date": ("Ngày (dd/mm/yyyy)", "Date (dd/mm/yyyy)"),
        "week_move_start": ("Bắt đầu (HH:mm)", "Start (HH:mm)"),
        "week_move_end": ("Kết thúc (HH:mm)", "End (HH:mm)"),
        "week_move_reason": ("Lý do", "Reason"),
        "week_move_submit": ("Dời lịch", "Move"),
        "week_move_done": ("Đã dời cuộc họp. Nội dung báo cáo và hạn nộp giữ nguyên.", "The briefing was moved. Report content and deadlines are unchanged."),
        "week_move_restore": ("Trả về lịch thường lệ", "Back to the usual slot"),
        "week_move_restored": ("Cuộc họp đã trở về lịch thường lệ.", "The briefing is back in its usual slot."),
        // Common words
        "save": ("Lưu", "Save"),
        "create": ("Thêm mới", "Add"),
        "edit": ("Sửa", "Edit"),
        "cancel": ("Hủy", "Cancel"),
        "back": ("Quay lại", "Back"),
        "name": ("Tên", "Name"),
        "kind": ("Loại", "Kind"),
        "active": ("Đang hoạt động", "Active"),
        "inactive": ("Ngừng hoạt động", "Inactive"),
        "deactivate": ("Ngừng hoạt động", "Deactivate"),
        "reactivate": ("Hoạt động lại", "Reactivate"),
        "status": ("Trạng thái", "Status"),
        "actions": ("Thao tác", "Actions"),
        "none": ("Không có", "None"),
        "saved": ("Đã lưu.", "Saved."),
        "form_has_errors": ("Biểu mẫu còn lỗi, vui lòng sửa các mục được đánh dấu.", "The form has errors; please fix the marked fields."),
        "date": ("Ngày", "Date"),
        "time": ("Giờ", "Time"),
        "time_left": ("Thời gian còn lại", "Time left"),
        "due": ("Hạn", "Due"),
        "who": ("Ai nộp", "Who"),
        "count": ("Số lượng", "Count"),
        // Units
        "units_title": ("Đơn vị", "Units"),
        "unit_new": ("Thêm đơn vị", "New unit"),
        "unit_edit": ("Sửa đơn vị", "Edit unit"),
        "unit_members": ("Số cán bộ", "People"),
        // People
        "people_title": ("Cán bộ và tài khoản", "People and accounts"),
        "person_new": ("Thêm cán bộ", "New person"),
        "person_edit": ("Sửa cán bộ", "Edit person"),
        "person_full_name": ("Họ và tên", "Full name"),
        "person_username": ("Tên đăng nhập", "Username"),
        "person_password": ("Mật khẩu", "Password"),
        "person_password_hint": ("Ít nhất 8 ký tự. Để trống nếu không đổi.", "At least 8 characters. Leave empty to keep it."),
        "person_position": ("Chức vụ", "Position"),
        "person_units": ("Thuộc đơn vị", "Units"),
        "person_roles": ("Vai trò", "Roles"),
        "person_search": ("Tìm theo tên", "Search by name"),
        "search": ("Tìm", "Search"),
        // Groups
        "groups_title": ("Nhóm báo cáo", "Report groups"),
        "group_new": ("Thêm nhóm báo cáo", "New report group"),
        "group_edit": ("Sửa nhóm báo cáo", "Edit report group"),
        "group_aggregators": ("Đầu mối tổng hợp", "Focal points (aggregators)"),
        "group_members": ("Thành viên báo cáo", "Members"),
        "group_approver": ("Người xét duyệt (nếu có)", "Approver (optional)"),
        "group_no_approver": ("Không cần xét duyệt", "No approval needed"),
        // Rooms
        "rooms_title": ("Phòng họp", "Meeting rooms"),
        "room_new": ("Thêm phòng họp", "New room"),
        "room_edit": ("Sửa phòng họp", "Edit room"),
        "room_capacity": ("Sức chứa (người)", "Capacity (people)"),
        // Cells
        "cells_title": ("Chi bộ", "Party cells"),
        "cell_new": ("Thêm chi bộ", "New party cell"),
        "cell_edit": ("Sửa chi bộ", "Edit party cell"),
        "cell_supervisors": ("Đảng ủy viên phụ trách", "Committee members in charge"),
        // Settings
        "settings_title": ("Cài đặt của xã", "Commune settings"),
        "settings_name": ("Tên xã", "Commune name"),
        "settings_time_zone": ("Múi giờ", "Time zone"),
        "settings_week_start": ("Ngày bắt đầu tuần báo cáo", "First day of the report week"),
        "settings_weekly_deadline": ("Hạn nộp báo cáo tuần", "Weekly report deadline"),
        "settings_compilation_deadline": ("Hạn nộp báo cáo tổng hợp của nhóm", "Group compilation deadline"),
        "settings_meetings": ("Các cuộc giao ban hằng tuần", "Weekly briefings"),
        "settings_cell_due": ("Báo cáo sinh hoạt chi bộ: trước ngày (của tháng sau)", "Party-cell report: before day (of the next month)"),
        "settings_monthly_due": ("Báo cáo tháng: trước ngày (trong tháng)", "Monthly report: before day (of the month)"),
        "weekday": ("Thứ", "Weekday"),
        // Password
        "password_title": ("Đổi mật khẩu", "Change password"),
        "password_current": ("Mật khẩu hiện tại", "Current password"),
        "password_new": ("Mật khẩu mới (ít nhất 8 ký tự)", "New password (at least 8 characters)"),
        "password_confirm": ("Nhập lại mật khẩu mới", "Repeat the new password"),
        "password_changed": ("Đã đổi mật khẩu. Các phiên đăng nhập khác đã được đăng xuất.", "Password changed. Your other sessions were signed out."),
        // Validation messages
        "err_required": ("Không được để trống.", "Required."),
        "err_too_long": ("Quá dài (tối đa %@ ký tự).", "Too long (at most %@ characters)."),
        "err_unit_kind": ("Chọn loại đơn vị.", "Choose the kind of unit."),
        "err_duplicate_name": ("Tên này đã có.", "This name is already used."),
        "err_username_format": ("Chỉ dùng chữ thường không dấu, số, dấu chấm, gạch ngang, gạch dưới (3–40 ký tự).", "Use lowercase letters, digits, '.', '-', '_' (3–40 characters)."),
        "err_username_taken": ("Tên đăng nhập này đã được dùng.", "This username is taken."),
        "err_password_short": ("Mật khẩu cần ít nhất 8 ký tự.", "The password needs at least 8 characters."),
        "err_password_mismatch": ("Hai mật khẩu không khớp.", "The two passwords differ."),
        "err_password_wrong": ("Mật khẩu hiện tại không đúng.", "The current password is wrong."),
        "err_unknown_unit": ("Đơn vị không tồn tại.", "Unknown unit."),
        "err_unknown_person": ("Cán bộ không tồn tại.", "Unknown person."),
        "err_need_aggregator": ("Cần ít nhất một đầu mối tổng hợp.", "At least one focal point is needed."),
        "err_capacity": ("Sức chứa là số nguyên từ 1 đến 10.000.", "Capacity is a whole number from 1 to 10,000."),
        "err_time": ("Giờ theo dạng HH:mm, ví dụ 14:00.", "Time as HH:mm, e.g. 14:00."),
        "err_date": ("Ngày theo dạng dd/mm/yyyy, ví dụ 23/08/2021.", "Date as dd/mm/yyyy, e.g. 23/08/2021."),
        "err_end_before_start": ("Giờ kết thúc phải sau giờ bắt đầu.", "The end must be after the start."),
        "err_time_zone": ("Múi giờ không hợp lệ (ví dụ Asia/Ho_Chi_Minh).", "Unknown time zone (e.g. Asia/Ho_Chi_Minh)."),
        "err_day_of_month": ("Ngày trong tháng từ 1 đến 28.", "Day of month from 1 to 28."),
        "err_weekday": ("Chọn một ngày trong tuần.", "Choose a weekday."),
        "err_admin_self": ("Bạn không thể tự bỏ quyền quản trị hoặc tự ngừng hoạt động tài khoản của mình.", "You cannot remove your own admin role or deactivate yourself."),
        // Weekly report
        "nav_report": ("Báo cáo tuần", "Weekly report"),
        "report_title": ("Báo cáo tuần", "Weekly report"),
        "report_status": ("Trạng thái", "Status"),
        "report_status_new": ("Chưa lập", "Not started"),
        "report_status_draft": ("Bản nháp (chưa nộp)", "Draft (not submitted)"),
        "report_status_submitted": ("Đã nộp", "Submitted"),
        "report_submitted_at": ("Nộp lần đầu lúc", "First submitted at"),
        "report_submitted": ("Đã nộp báo cáo. Bạn vẫn có thể sửa cho tới khi đầu mối tổng hợp; mọi lần sửa đều được ghi lại.", "Report submitted. You can still correct it until the group is compiled; every change is recorded."),
        "report_due": ("Hạn nộp", "Due"),
        "report_targets": ("1. Kết quả thực hiện chỉ tiêu", "1. Progress against targets"),
        "report_targets_hint": ("Chỉ ghi số liệu đã hoàn thành trong tuần; việc đang làm ghi ở phần việc khác.", "Only completed work counts; work in progress goes under other work."),
        "report_no_targets": ("Bạn không phụ trách chỉ tiêu nào trong năm nay.", "You are not responsible for any target this year."),
        "report_this_week": ("Tuần này", "This week"),
        "report_ytd": ("Lũy kế đến tuần trước", "Year to date (to last week)"),
        "report_plan": ("Kế hoạch năm", "Annual plan"),
        "report_percent": ("% KH", "% of plan"),
        "report_completed": ("Đã hoàn thành", "Completed"),
        "report_yes": ("Đạt", "Met"),
        "report_no": ("Chưa đạt", "Not met"),
        "report_work": ("2. Công việc khác đã làm (có số liệu)", "2. Other work done (with figures)"),
        "report_work_hint": ("Mỗi việc ghi rõ số lượng và đơn vị tính, ví dụ: 2 công văn, 15 hộ, 3 buổi.", "Every line needs a quantity and a unit, e.g. 2 letters, 15 households, 3 sessions."),
        "report_work_description": ("Nội dung công việc", "Work done"),
        "report_work_quantity": ("Số lượng", "Quantity"),
        "report_work_unit": ("Đơn vị tính", "Unit"),
        "report_work_type": ("Loại công việc", "Activity type"),
        "report_work_place": ("Địa điểm, thôn", "Place, village"),
        "report_work_dates": ("Ngày thực hiện", "Dates"),
        "report_work_from_plan": ("từ kế hoạch tuần trước", "from last week's plan"),
        "report_offered": ("Danh sách bắt đầu từ kế hoạch tuần trước của bạn: bổ sung số lượng, đơn vị tính; xóa trắng dòng không làm.", "The list starts from your plan of last week: add quantities and units; clear the lines you did not do."),
        "report_plans": ("3. Kế hoạch công tác tuần tới", "3. Next week's plan"),
        "report_plan_date": ("Ngày", "Day"),
        "report_plan_start": ("Từ (HH:mm)", "From (HH:mm)"),
        "report_plan_end": ("Đến (HH:mm)", "To (HH:mm)"),
        "report_plan_title": ("Nội dung", "Content"),
        "report_plan_room": ("Phòng họp", "Room"),
        "report_plan_place": ("Hoặc địa điểm khác", "Or another place"),
        "report_plan_chair": ("Chủ trì", "Chair"),
        "report_plan_participants": ("Thành phần tham dự", "Participants"),
        "report_plan_prepared": ("Đơn vị/người chuẩn bị", "Prepared by"),
        "report_add_line": ("Thêm dòng", "Add a line"),
        "report_save": ("Lưu", "Save"),
        "report_submit": ("Nộp báo cáo", "Submit the report"),
        "report_resubmit": ("Lưu bản sửa", "Save the correction"),
        "report_restored": ("Đã khôi phục nội dung tự lưu lúc %@ (chưa lưu chính thức).", "Restored what was saved automatically at %@ (not saved for real yet)."),
        "report_problems": ("Báo cáo chưa lưu được vì:", "The report was not saved because:"),
        "report_autosave_idle": ("Nội dung được tự lưu khi bạn gõ.", "What you type is saved automatically."),
        "report_late": ("Nộp muộn", "Submitted late"),
        // Errors
        "error_title": ("Có lỗi", "Error"),
        "error_back_home": ("Về trang chủ", "Back to home"),
    ]

    static func dictionary(_ language: Language) -> [String: String] {
        var result: [String: String] = [:]
        result.reserveCapacity(table.count)
        for (key, value) in table { result[key] = language == .vi ? value.vi : value.en }
        return result
    }

    static let vietnamese = dictionary(.vi)
    static let english = dictionary(.en)

    static func text(_ key: String, _ language: Language, _ arguments: String...) -> String {
        let template = (language == .vi ? vietnamese[key] : english[key]) ?? key
        var result = template
        for argument in arguments {
            if let range = result.range(of: "%@") { result.replaceSubrange(range, with: argument) }
        }
        return result
    }
}

extension Request {
    static let languageCookie = "giaoban_lang"

    var language: Language {
        cookies[Request.languageCookie].flatMap { Language(rawValue: $0.string) } ?? .vi
    }

    /// A UI string in the visitor's language.
    func t(_ key: String, _ arguments: String...) -> String {
        var result = Strings.text(key, language)
        for argument in arguments {
            if let range = result.range(of: "%@") { result.replaceSubrange(range, with: argument) }
        }
        return result
    }
}
