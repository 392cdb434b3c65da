import Foundation
import Testing
@testable import GiaoBanCore

@Suite("Briefing headline and member tallies")
struct BriefingHeadlineTests {
    static func uid(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-4000-8000-%012x", n))! }
    static let nam = uid(1), hai = uid(2), lan = uid(3), minh = uid(4), ngoc = uid(5), tuan = uid(6)

    static func member(_ id: UUID, _ name: String, _ status: LedgerStatus?, late: Int = 0) -> BriefingHeadline.Member {
        .init(personID: id, name: name, entry: status.map { LedgerEntry(status: $0, lateBySeconds: late) })
    }

    @Test("a person in two groups counts once; only reports already due count towards on time")
    func countOnce() {
        let government = BriefingHeadline.Group(compiled: true, members: [
            Self.member(Self.nam, "Hồ Sỹ Nam", .onTime), Self.member(Self.hai, "Lê Văn Hải", .late, late: 5400),
            Self.member(Self.lan, "Nguyễn Thị Lan", .notDue),
        ], behindTargetIDs: [Self.uid(100), Self.uid(101)])
        let ntm = BriefingHeadline.Group(compiled: false, members: [
            Self.member(Self.nam, "Hồ Sỹ Nam", .onTime), Self.member(Self.minh, "Trần Minh", .missing),
            Self.member(Self.hai, "Lê Văn Hải", .late, late: 5400),
        ], behindTargetIDs: [Self.uid(102)])
        let covid = BriefingHeadline.Group(compiled: true, members: [
            Self.member(Self.ngoc, "Phạm Ngọc", .excused), Self.member(Self.tuan, "Võ Tuấn", nil),
        ], behindTargetIDs: [])
        let headline = BriefingHeadline(groups: [government, ntm, covid])
        #expect(headline.groupsCompiled == 2)
        #expect(headline.groups == 3)
        // Nam (two groups) once, Hải (two groups) once, Minh: 3 due; Lan not due; Ngọc excused; Tuấn owes nothing.
        #expect(headline.due == 3)
        #expect(headline.onTime == 1)
        #expect(headline.notDue == 1)
        #expect(headline.excused == 1)
        #expect(headline.late.map(\.name) == ["Lê Văn Hải"])
        #expect(headline.late.first?.lateBySeconds == 5400)
        #expect(headline.missing.map(\.name) == ["Trần Minh"])
        #expect(headline.behindPlan == 3)
    }

    @Test("different statuses of one person in two groups: the more serious one counts, once")
    func mergedStatus() {
        let a = BriefingHeadline.Group(compiled: false, members: [Self.member(Self.nam, "Hồ Sỹ Nam", .onTime)], behindTargetIDs: [Self.uid(100)])
        let b = BriefingHeadline.Group(compiled: false, members: [Self.member(Self.nam, "Hồ Sỹ Nam", .missing)], behindTargetIDs: [Self.uid(100)])
        let headline = BriefingHeadline(groups: [a, b])
        #expect(headline.due == 1)
        #expect(headline.onTime == 0)
        #expect(headline.missing.map(\.name) == ["Hồ Sỹ Nam"])
        #expect(headline.late.isEmpty)
        // The same target listed twice is one target behind plan.
        #expect(headline.behindPlan == 1)
    }

    @Test("before any deadline: nobody due, nobody late or missing; no group at all")
    func earlyAndEmpty() {
        let group = BriefingHeadline.Group(compiled: false, members: [Self.member(Self.nam, "Hồ Sỹ Nam", .notDue),
                                                                     Self.member(Self.hai, "Lê Văn Hải", .notDue)], behindTargetIDs: [])
        let headline = BriefingHeadline(groups: [group])
        #expect(headline.due == 0 && headline.onTime == 0 && headline.notDue == 2)
        #expect(headline.late.isEmpty && headline.missing.isEmpty)
        let empty = BriefingHeadline(groups: [])
        #expect(empty.groups == 0 && empty.groupsCompiled == 0 && empty.due == 0 && empty.behindPlan == 0)
    }

    @Test("late and missing keep the order of the groups' member lists")
    func order() {
        let group = BriefingHeadline.Group(compiled: true, members: [
            Self.member(Self.minh, "Trần Minh", .missing), Self.member(Self.hai, "Lê Văn Hải", .late, late: 60),
            Self.member(Self.lan, "Nguyễn Thị Lan", .missing), Self.member(Self.nam, "Hồ Sỹ Nam", .late, late: 120),
        ], behindTargetIDs: [])
        let headline = BriefingHeadline(groups: [group])
        #expect(headline.missing.map(\.name) == ["Trần Minh", "Nguyễn Thị Lan"])
        #expect(headline.late.map(\.name) == ["Lê Văn Hải", "Hồ Sỹ Nam"])
    }

    @Test("a group's tally accounts for every member: the parts add up to the total")
    func memberTally() {
        let entries: [LedgerEntry?] = [LedgerEntry(status: .onTime)] + Array(repeating: LedgerEntry(status: .notDue), count: 18)
        let tally = MemberTally(entries)
        #expect(tally.total == 19)
        #expect(tally.vietnameseSentence == "Tổng số 19 cán bộ: đúng hạn 1, muộn 0, chưa nộp 0, chưa đến hạn 18.")
        let mixed = MemberTally([LedgerEntry(status: .onTime), LedgerEntry(status: .late, lateBySeconds: 60), LedgerEntry(status: .missing),
                                 LedgerEntry(status: .excused), nil, nil])
        #expect(mixed.total == 6)
        #expect(mixed.withoutDuty == 2)
        #expect(mixed.vietnameseSentence
            == "Tổng số 6 cán bộ: đúng hạn 1, muộn 1, chưa nộp 1, vắng có lý do 1, không phải báo cáo tuần này 2.")
        let t = mixed.tally
        #expect(t.onTime + t.late + t.missing + t.notDue + t.excused + mixed.withoutDuty == mixed.total)
        #expect(MemberTally([LedgerEntry?]()).vietnameseSentence == "Tổng số 0 cán bộ: đúng hạn 0, muộn 0, chưa nộp 0.")
    }
}
