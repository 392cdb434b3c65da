import Fluent
import Foundation
import GiaoBanCore
import GiaoBanOffice
import Vapor

/// The demo commune's targets: the sample target table (`../shared/data/chi-tieu-2021.csv`, the
/// flat form of `chi-tieu-2021.xlsx`) for each year asked for, the 19 national New Rural
/// Development criteria as yes/no targets of the NTM group, and the activity catalogue for
/// "other work" lines. The sample files are small, so they live here as text: the demo loads the
/// same way from any working directory.
enum DemoTargets {
    /// `chi-tieu-2021.csv`: 31 targets of the four report groups.
    static let targetTable = #"""
STT,Mã,Chỉ tiêu,Đơn vị tính,Kế hoạch năm 2021,Cách tính lũy kế,Loại giá trị,Đơn vị phụ trách,Nhóm báo cáo
1,KT01,Diện tích gieo trồng lúa cả năm,ha,320,cộng dồn,số thập phân,Địa chính - Nông nghiệp,Khối chính quyền
2,KT02,Diện tích trồng rừng tập trung mới,ha,45,cộng dồn,số thập phân,Địa chính - Nông nghiệp,Khối chính quyền
3,KT03,Số vườn mẫu xây dựng mới đạt chuẩn,vườn,20,cộng dồn,số đếm,Hội Nông dân,Khối chính quyền
4,KT04,Số khu dân cư nông thôn mới kiểu mẫu đạt chuẩn,khu,2,mới nhất,số đếm,Hội Nông dân,Khối chính quyền
5,KT05,Tổng đàn trâu bò,con,2500,mới nhất,số đếm,Địa chính - Nông nghiệp,Khối chính quyền
6,KT06,Thu ngân sách nhà nước trên địa bàn,triệu đồng,1850,cộng dồn,số thập phân,Tài chính - Kế toán,Khối chính quyền
7,KT07,Đường giao thông nông thôn được cứng hóa mới,km,"3,5",cộng dồn,số thập phân,Địa chính - Xây dựng,Khối chính quyền
8,XH01,Tỷ lệ dân số tham gia bảo hiểm y tế,%,95,mới nhất,số thập phân,Văn hóa - Xã hội,Khối chính quyền
9,XH02,Số hộ nghèo giảm trong năm,hộ,25,cộng dồn,số đếm,Văn hóa - Xã hội,Khối chính quyền
10,XH03,Số lao động được tạo việc làm mới,người,120,cộng dồn,số đếm,Văn hóa - Xã hội,Khối chính quyền
11,XH04,Số lượt tuyên truyền trên hệ thống truyền thanh xã,lượt,150,cộng dồn,số đếm,Văn hóa - Xã hội,Khối chính quyền
12,XH05,Tỷ lệ hộ gia đình đạt danh hiệu gia đình văn hóa,%,90,mới nhất,số thập phân,Văn hóa - Xã hội,Khối chính quyền
13,QP01,Số thanh niên nhập ngũ,người,8,cộng dồn,số đếm,Quân sự,Khối chính quyền
14,QP02,Số dân quân được huấn luyện,người,60,cộng dồn,số đếm,Quân sự,Khối chính quyền
15,AN01,Số buổi tuần tra bảo đảm an ninh trật tự,buổi,100,cộng dồn,số đếm,Công an xã,Khối chính quyền
16,AN02,Số vụ việc hòa giải thành ở cơ sở,vụ,15,cộng dồn,số đếm,Tư pháp - Hộ tịch,Khối chính quyền
17,DT01,Số đảng viên mới được kết nạp,đảng viên,8,cộng dồn,số đếm,Đảng ủy,"Khối Đảng, Mặt trận, đoàn thể"
18,DT02,Số hội viên Hội Nông dân kết nạp mới,hội viên,40,cộng dồn,số đếm,Hội Nông dân,"Khối Đảng, Mặt trận, đoàn thể"
19,DT03,Số hộ nghèo được Hội Phụ nữ giúp đỡ,hộ,10,cộng dồn,số đếm,Hội Phụ nữ,"Khối Đảng, Mặt trận, đoàn thể"
20,DT04,Số công trình thanh niên hoàn thành,công trình,3,cộng dồn,số đếm,Đoàn Thanh niên,"Khối Đảng, Mặt trận, đoàn thể"
21,DT05,Số mô hình kinh tế giỏi của hội viên cựu chiến binh,mô hình,5,cộng dồn,số đếm,Hội Cựu chiến binh,"Khối Đảng, Mặt trận, đoàn thể"
22,DT06,"Quỹ ""Vì người nghèo"" vận động được",triệu đồng,50,cộng dồn,số thập phân,Mặt trận Tổ quốc,"Khối Đảng, Mặt trận, đoàn thể"
23,NTM01,Số tiêu chí nông thôn mới nâng cao đạt chuẩn,tiêu chí,15,mới nhất,số đếm,Địa chính - Nông nghiệp,Nông thôn mới
24,NTM02,Tiêu chí số 2 - Giao thông đạt chuẩn,đạt/chưa đạt,đạt,mới nhất,có/không,Địa chính - Xây dựng,Nông thôn mới
25,NTM03,Tỷ lệ hộ có nhà tiêu hợp vệ sinh,%,90,mới nhất,số thập phân,Địa chính - Nông nghiệp,Nông thôn mới
26,NTM04,Kênh mương được kiên cố hóa mới,km,2,cộng dồn,số thập phân,Địa chính - Xây dựng,Nông thôn mới
27,CV01,Số người từ vùng có dịch về địa phương được quản lý,người,,cộng dồn,số đếm,Trạm y tế,Phòng chống Covid-19
28,CV02,Số người đang cách ly y tế tại nhà,người,,mới nhất,số đếm,Trạm y tế,Phòng chống Covid-19
29,CV03,Số mũi vắc xin Covid-19 đã tiêm,mũi,5000,cộng dồn,số đếm,Trạm y tế,Phòng chống Covid-19
30,CV04,Số lượt người được xét nghiệm,lượt,,cộng dồn,số đếm,Trạm y tế,Phòng chống Covid-19
31,CV05,Số ca mắc cao nhất trong một tuần,ca,,lớn nhất,số đếm,Trạm y tế,Phòng chống Covid-19
"""#

    /// `tieu-chi-ntm.csv`: the 19 commune-level NTM criteria.
    static let ntmCriteria = #"""
Số,Tiêu chí,Nhóm
1,Quy hoạch,Quy hoạch
2,Giao thông,Hạ tầng kinh tế - xã hội
3,Thủy lợi và phòng chống thiên tai,Hạ tầng kinh tế - xã hội
4,Điện,Hạ tầng kinh tế - xã hội
5,Trường học,Hạ tầng kinh tế - xã hội
6,Cơ sở vật chất văn hóa,Hạ tầng kinh tế - xã hội
7,Cơ sở hạ tầng thương mại nông thôn,Hạ tầng kinh tế - xã hội
8,Thông tin và Truyền thông,Hạ tầng kinh tế - xã hội
9,Nhà ở dân cư,Hạ tầng kinh tế - xã hội
10,Thu nhập,Kinh tế và tổ chức sản xuất
11,Nghèo đa chiều,Kinh tế và tổ chức sản xuất
12,Lao động,Kinh tế và tổ chức sản xuất
13,Tổ chức sản xuất và phát triển kinh tế nông thôn,Kinh tế và tổ chức sản xuất
14,Giáo dục và Đào tạo,Văn hóa - xã hội - môi trường
15,Y tế,Văn hóa - xã hội - môi trường
16,Văn hóa,Văn hóa - xã hội - môi trường
17,Môi trường và an toàn thực phẩm,Văn hóa - xã hội - môi trường
18,Hệ thống chính trị và tiếp cận pháp luật,Hệ thống chính trị
19,Quốc phòng và An ninh,Hệ thống chính trị
"""#

    /// `danh-muc-cong-viec.csv`: activity types with the unit each is usually counted in.
    static let activityCatalogue = #"""
Mã,Loại công việc,Đơn vị tính thường dùng
BC,Xây dựng báo cáo,báo cáo
CV,Ban hành công văn,công văn
KH,Xây dựng kế hoạch,kế hoạch
TT,Tuyên truyền trên hệ thống truyền thanh,lần
VD,Vận động hộ dân,hộ
LT,Đi cơ sở / làm việc tại thôn,lượt
HOP,Họp / hội nghị,cuộc
LD,Lao động xây dựng nông thôn mới tại thôn,buổi
TD,Tiếp dân / giải quyết hồ sơ,hồ sơ
KT,Kiểm tra / giám sát,cuộc
HL,Hòa giải cơ sở,vụ
TH,Tập huấn,lớp
"""#

    static let ntmGroupName = "Nông thôn mới"

    /// Which demo unit follows each NTM criterion (by number).
    static let criterionUnits: [Int: String] = [
        1: "Địa chính - Xây dựng", 2: "Địa chính - Xây dựng", 3: "Địa chính - Nông nghiệp", 4: "Địa chính - Xây dựng",
        5: "Văn hóa - Xã hội", 6: "Văn hóa - Xã hội", 7: "Địa chính - Nông nghiệp", 8: "Văn hóa - Xã hội",
        9: "Địa chính - Xây dựng", 10: "Tài chính - Kế toán", 11: "Văn hóa - Xã hội", 12: "Văn hóa - Xã hội",
        13: "Địa chính - Nông nghiệp", 14: "Văn hóa - Xã hội", 15: "Trạm y tế", 16: "Văn hóa - Xã hội",
        17: "Địa chính - Xây dựng", 18: "Tư pháp - Hộ tịch", 19: "Quân sự",
    ]

    struct LoadError: Error, CustomStringConvertible {
        var description: String
    }

    /// The sample table, read by the same importer users have.
    static func sampleTargets() throws -> [ImportedTarget] {
        let result = TargetTableImport.parse(rows: try CSVTable.read(Data(targetTable.utf8)), defaultGroupName: nil)
        guard result.problems.isEmpty else {
            throw LoadError(description: "Demo target table: " + result.problems.map(\.description).joined(separator: "; "))
        }
        return result.targets
    }

    /// Loads the catalogue (once per commune) and, for each year, the sample table and the NTM
    /// criteria. Codes that already exist in a year are left alone, so loading twice adds nothing.
    static func load(commune: Commune, years: [Int], on db: any Database) async throws {
        let communeID = try commune.requireID()
        async let groupsQuery = ReportGroup.query(on: db).filter(\.$communeID == communeID).all()
        async let unitsQuery = OrgUnit.query(on: db).filter(\.$communeID == communeID).all()
        async let typesQuery = ActivityType.query(on: db).filter(\.$communeID == communeID).all()
        let groups = Dictionary(try await groupsQuery.compactMap { group in group.id.map { (VietnameseText.folded(group.name), $0) } },
                                uniquingKeysWith: { first, _ in first })
        let units = Dictionary(try await unitsQuery.compactMap { unit in unit.id.map { (VietnameseText.folded(unit.name), $0) } },
                               uniquingKeysWith: { first, _ in first })

        let knownTypes = Set(try await typesQuery.map(\.code))
        let types = try CSVTable.read(Data(activityCatalogue.utf8)).dropFirst()
            .filter { $0.count >= 3 && !$0[0].isEmpty && !knownTypes.contains($0[0]) }
            .map { ActivityType(communeID: communeID, code: $0[0], name: $0[1], defaultUnit: $0[2]) }
        if !types.isEmpty { try await types.create(on: db) }

        let sample = try sampleTargets()
        let criteria = try CSVTable.read(Data(ntmCriteria.utf8)).dropFirst().filter { $0.count >= 2 && Int($0[0]) != nil }
        guard let ntmGroup = groups[VietnameseText.folded(ntmGroupName)] else {
            throw LoadError(description: "Demo targets: no group “\(ntmGroupName)”")
        }
        for year in Set(years).sorted() {
            let existing = Set(try await Target.query(on: db).filter(\.$communeID == communeID).filter(\.$year == year).all()
                .map { $0.code.uppercased() })
            var targets: [Target] = []
            for item in sample {
                guard let groupName = item.groupName, let groupID = groups[VietnameseText.folded(groupName)] else {
                    throw LoadError(description: "Demo targets: unknown group “\(item.groupName ?? "")”")
                }
                let planned: Decimal? = item.valueKind == .yesNo ? item.plannedYes.map { $0 ? 1 : 0 } : item.plannedValue
                targets.append(Target(communeID: communeID, year: year, groupID: groupID, code: item.code, name: item.name,
                                      unitOfMeasure: item.unitOfMeasure, planned: planned, valueKind: item.valueKind,
                                      yearToDateRule: item.yearToDateRule,
                                      responsibleUnitID: item.responsibleUnitName.flatMap { units[VietnameseText.folded($0)] },
                                      sortOrder: targets.count + 1))
            }
            for row in criteria {
                let number = Int(row[0]) ?? 0
                let code = "TC" + (number < 10 ? "0" : "") + String(number)
                targets.append(Target(communeID: communeID, year: year, groupID: ntmGroup, code: code,
                                      name: "Tiêu chí số \(number) - \(row[1])", unitOfMeasure: "đạt/chưa đạt", planned: 1,
                                      valueKind: .yesNo, yearToDateRule: .latest,
                                      responsibleUnitID: criterionUnits[number].flatMap { units[VietnameseText.folded($0)] },
                                      sortOrder: targets.count + 1))
            }
            let fresh = targets.filter { !existing.contains($0.code.uppercased()) }
            if !fresh.isEmpty { try await fresh.create(on: db) }
        }
    }
}
