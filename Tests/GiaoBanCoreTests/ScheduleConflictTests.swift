import Foundation
import Testing
@testable import GiaoBanCore

// MARK: - Fixtures

/// Hand-made IDs and names; the IDs are fixed so failures are easy to read.
private enum SchedFixture {
    static func uid(_ n: Int) -> UUID {
        let hex = String(n, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: 12 - hex.count) + hex
        return UUID(uuidString: "00000000-0000-4000-8000-\(padded)")!
    }

    static func day(_ iso: String) -> LocalDate {
        guard let date = LocalDate(iso: iso) else { fatalError("bad fixture date \(iso)") }
        return date
    }

    static func time(_ text: String) -> LocalTime {
        guard let time = LocalTime(string: text) else { fatalError("bad fixture time \(text)") }
        return time
    }

    // 2025-08-18 is a Monday; 2025-08-17 a Sunday.
    static let monday = day("2025-08-18")
    static let tuesday = day("2025-08-19")
    static let sunday = day("2025-08-17")

    static let hall = ScheduleResource(id: uid(0x100), name: "Hội trường UBND", capacity: 120,
                                       opensAt: time("07:00"), closesAt: time("17:30"),
                                       openWeekdays: [.monday, .tuesday, .wednesday, .thursday, .friday])
    static let room2 = ScheduleResource(id: uid(0x101), name: "Phòng họp tầng 2", capacity: 20,
                                        opensAt: time("07:00"), closesAt: time("21:00"))
    static let small = ScheduleResource(id: uid(0x102), name: "Phòng họp nhỏ", capacity: 8)
    static let annex = ScheduleResource(id: uid(0x103), name: "Ấp nhà văn hoá", capacity: 20)
    static let car = ScheduleResource(id: uid(0x104), name: "Xe ô tô 7 chỗ", kind: .vehicle, capacity: 7)
    static let projector = ScheduleResource(id: uid(0x105), name: "Máy chiếu", kind: .equipment)
    static let rooms = [hall, room2, small, annex, car, projector]

    static let nam = uid(0x200)
    static let hai = uid(0x201)
    static let lan = uid(0x202)
    static let minh = uid(0x203)
    static let hoiNongDan = uid(0x300)
    static let doanThanhNien = uid(0x301)
    static let units: [UUID: Set<UUID>] = [hoiNongDan: [hai, lan], doanThanhNien: [minh, lan]]

    static let names: [UUID: String] = [
        hall.id: "Hội trường UBND", room2.id: "Phòng họp tầng 2", car.id: "Xe ô tô 7 chỗ",
        nam: "Hồ Sỹ Nam", hai: "Lê Văn Hải", lan: "Nguyễn Thị Lan", minh: "Trần Minh",
        hoiNongDan: "Hội Nông dân", doanThanhNien: "Đoàn Thanh niên",
    ]

    static func item(_ n: Int, _ date: LocalDate = monday, _ start: String, _ end: String,
                     room: ScheduleResource? = nil, chair: UUID? = nil, people: Set<UUID> = [],
                     units: Set<UUID> = [], resources: Set<UUID> = []) -> ScheduleItem {
        ScheduleItem(id: uid(n), date: date, start: time(start), end: time(end), roomID: room?.id, chairID: chair,
                     participantIDs: people, unitIDs: units, resourceIDs: resources, title: "Lịch \(n)")
    }

    static func detect(_ items: [ScheduleItem]) -> [ScheduleConflict] {
        ScheduleConflicts.detect(items: items, rooms: rooms, unitMembers: units)
    }
}

// MARK: - Brute force reference and generated weeks

/// The core's seeded generator (`SplitMix64`), so generated weeks are reproducible.
private extension SplitMix64 {

    mutating func uuid() -> UUID {
        func hex(_ value: UInt64) -> String {
            let text = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: 16 - text.count) + text
        }
        let h = Array(hex(next()) + hex(next()))
        let text = String(h[0..<8]) + "-" + String(h[8..<12]) + "-" + String(h[12..<16]) + "-"
            + String(h[16..<20]) + "-" + String(h[20..<32])
        return UUID(uuidString: text)!
    }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &self) < percent }
}

/// Every pair compared with every other: the straightforward O(n²) definition of the rules.
private func bruteForceConflicts(items: [ScheduleItem], rooms: [ScheduleResource],
                                 unitMembers: [UUID: Set<UUID>]) -> Set<ScheduleConflict> {
    var result = Set<ScheduleConflict>()
    var roomByID: [UUID: ScheduleResource] = [:]
    for room in rooms where roomByID[room.id] == nil { roomByID[room.id] = room }
    func resources(_ item: ScheduleItem) -> Set<UUID> { item.resourceIDs.union(item.roomID.map { [$0] } ?? []) }
    func people(_ item: ScheduleItem) -> Set<UUID> { item.participantIDs.union(item.chairID.map { [$0] } ?? []) }

    for item in items {
        for id in resources(item) {
            guard let room = roomByID[id] else { continue }
            let start = item.start.minutesFromMidnight
            let end = max(start, item.end.minutesFromMidnight)
            var outside = false
            if let days = room.openWeekdays, !days.contains(item.date.weekday) { outside = true }
            if let opens = room.opensAt, start < opens.minutesFromMidnight { outside = true }
            if let closes = room.closesAt, end > closes.minutesFromMidnight { outside = true }
            if outside { result.insert(ScheduleConflict(kind: .hours, itemIDs: [item.id], roomID: id)) }
        }
    }
    for i in items.indices {
        for j in items.indices where j > i {
            let a = items[i], b = items[j]
            guard a.id != b.id, a.date == b.date else { continue }
            let from = max(a.start.minutesFromMidnight, b.start.minutesFromMidnight)
            let to = min(a.end.minutesFromMidnight, b.end.minutesFromMidnight)
            guard from < to else { continue }
            let pair = [a.id, b.id]
            for id in resources(a).intersection(resources(b)) {
                result.insert(ScheduleConflict(kind: .room, itemIDs: pair, roomID: id))
            }
            for id in people(a).intersection(people(b)) {
                result.insert(ScheduleConflict(kind: .person, itemIDs: pair, personID: id))
            }
            for unit in a.unitIDs.intersection(b.unitIDs) {
                result.insert(ScheduleConflict(kind: .unit, itemIDs: pair, unitID: unit))
            }
            for (inviter, other) in [(a, b), (b, a)] {
                for unit in inviter.unitIDs {
                    for person in unitMembers[unit] ?? [] where people(other).contains(person) {
                        result.insert(ScheduleConflict(kind: .unit, itemIDs: pair, personID: person, unitID: unit))
                    }
                }
            }
        }
    }
    return result
}

/// A random week: 5 rooms (some with hours and days) plus a projector and a car, 40 people,
/// 6 units, `count` items on a 15-minute grid so that many items touch; a few are empty or inverted.
private struct GeneratedWeek {
    var rooms: [ScheduleResource] = []
    var people: [UUID] = []
    var unitMembers: [UUID: Set<UUID>] = [:]
    var items: [ScheduleItem] = []

    init(seed: UInt64, count: Int = 300) {
        var rng = SplitMix64(state: seed)
        let t = { (minutes: Int) in LocalTime(minutesFromMidnight: minutes)! }
        rooms = [
            ScheduleResource(id: rng.uuid(), name: "Hội trường", capacity: 120, opensAt: t(7 * 60), closesAt: t(17 * 60 + 30),
                             openWeekdays: [.monday, .tuesday, .wednesday, .thursday, .friday]),
            ScheduleResource(id: rng.uuid(), name: "Phòng họp tầng 2", capacity: 20, opensAt: t(7 * 60), closesAt: t(21 * 60)),
            ScheduleResource(id: rng.uuid(), name: "Phòng họp tầng 3", capacity: 12, closesAt: t(18 * 60)),
            ScheduleResource(id: rng.uuid(), name: "Phòng tiếp dân", capacity: 6, opensAt: t(7 * 60 + 30),
                             openWeekdays: [.monday, .wednesday, .friday, .saturday]),
            ScheduleResource(id: rng.uuid(), name: "Nhà văn hoá", capacity: 80),
            ScheduleResource(id: rng.uuid(), name: "Máy chiếu", kind: .equipment, opensAt: t(6 * 60)),
            ScheduleResource(id: rng.uuid(), name: "Xe ô tô", kind: .vehicle, capacity: 7),
        ]
        let roomCount = 5
        people = (0..<40).map { _ in rng.uuid() }
        for _ in 0..<6 {
            let size = Int.random(in: 3...9, using: &rng)
            unitMembers[rng.uuid()] = Set((0..<size).map { _ in people.randomElement(using: &rng)! })
        }
        let units = unitMembers.keys.sorted(by: ScheduleConflicts.uuidLess)
        let firstDay = SchedFixture.day("2025-08-16")  // a Saturday: one reporting week
        let durations = [15, 30, 45, 60, 60, 90, 90, 120, 120, 180, 240]

        for _ in 0..<count {
            let date = firstDay.adding(days: Int.random(in: 0..<7, using: &rng))
            let start = 6 * 60 + 15 * Int.random(in: 0...52, using: &rng)  // 06:00 ... 19:00
            var end = start + durations.randomElement(using: &rng)!
            if rng.chance(3) { end = start }  // empty
            if rng.chance(2) { end = start - 30 }  // inverted
            var item = ScheduleItem(id: rng.uuid(), date: date, start: t(start), end: t(end), title: "Việc")
            if rng.chance(75) { item.roomID = rooms[Int.random(in: 0..<roomCount, using: &rng)].id }
            if rng.chance(15) { item.resourceIDs.insert(rooms[Int.random(in: roomCount..<rooms.count, using: &rng)].id) }
            if rng.chance(85) { item.chairID = people.randomElement(using: &rng)! }
            for _ in 0..<Int.random(in: 0...4, using: &rng) { item.participantIDs.insert(people.randomElement(using: &rng)!) }
            if let chair = item.chairID, rng.chance(15) { item.participantIDs.insert(chair) }
            if rng.chance(25) { item.unitIDs.insert(units.randomElement(using: &rng)!) }
            if rng.chance(5) { item.unitIDs.insert(units.randomElement(using: &rng)!) }
            items.append(item)
        }
    }
}

// MARK: - Hand-made cases

@Suite("Schedule conflicts")
struct ScheduleConflictTests {
    fileprivate typealias F = SchedFixture

    @Test("same room at overlapping times")
    func roomOverlap() {
        let a = F.item(1, F.monday, "08:00", "10:00", room: F.room2)
        let b = F.item(2, F.monday, "09:30", "11:00", room: F.room2)
        let c = F.item(3, F.monday, "09:00", "10:00", room: F.small)
        let conflicts = F.detect([a, b, c])
        #expect(conflicts == [ScheduleConflict(kind: .room, itemIDs: [b.id, a.id], roomID: F.room2.id)])
        #expect(conflicts[0].itemIDs == [a.id, b.id])
        #expect(conflicts[0].vietnameseDescription(names: F.names) == "Phòng họp tầng 2 bị trùng lịch: 2 cuộc họp cùng lúc")
    }

    @Test("touching items do not conflict; nested and identical ones do")
    func touching() {
        let morning = F.item(1, F.monday, "10:00", "11:00", room: F.room2, chair: F.nam, units: [F.hoiNongDan])
        let next = F.item(2, F.monday, "11:00", "12:00", room: F.room2, chair: F.nam, people: [F.hai], units: [F.hoiNongDan])
        let before = F.item(3, F.monday, "09:00", "10:00", room: F.room2, chair: F.nam, people: [F.lan])
        #expect(F.detect([morning, next, before]).isEmpty)

        let inner = F.item(4, F.monday, "10:15", "10:30", room: F.room2)
        let same = F.item(5, F.monday, "10:00", "11:00", room: F.room2)
        let found = F.detect([morning, inner, same])
        #expect(Set(found) == [
            ScheduleConflict(kind: .room, itemIDs: [morning.id, inner.id], roomID: F.room2.id),
            ScheduleConflict(kind: .room, itemIDs: [morning.id, same.id], roomID: F.room2.id),
            ScheduleConflict(kind: .room, itemIDs: [inner.id, same.id], roomID: F.room2.id),
        ])
        #expect(found.count == 3)
    }

    @Test("one conflict per pair: a long item against two that only touch each other")
    func pairwise() {
        let long = F.item(1, F.monday, "08:00", "12:00", room: F.hall)
        let first = F.item(2, F.monday, "09:00", "10:00", room: F.hall)
        let second = F.item(3, F.monday, "10:00", "11:00", room: F.hall)
        #expect(F.detect([second, long, first]) == [
            ScheduleConflict(kind: .room, itemIDs: [long.id, first.id], roomID: F.hall.id),
            ScheduleConflict(kind: .room, itemIDs: [long.id, second.id], roomID: F.hall.id),
        ])
    }

    @Test("an item never conflicts with itself")
    func sameItem() {
        // Chair also listed as participant, unit invited with its own member named: no conflict.
        let a = F.item(1, F.monday, "08:00", "10:00", room: F.room2, chair: F.hai, people: [F.hai, F.lan],
                       units: [F.hoiNongDan])
        #expect(F.detect([a]).isEmpty)
        // The same entry twice (e.g. an edit merged with its old version) is still one item.
        #expect(F.detect([a, a]).isEmpty)
        var edited = a
        edited.start = F.time("09:00")
        #expect(F.detect([a, edited]).isEmpty)
    }

    @Test("same times on different days do not conflict")
    func multiDay() {
        let mon = F.item(1, F.monday, "08:00", "10:00", room: F.room2, chair: F.nam, units: [F.hoiNongDan])
        let tue = F.item(2, F.tuesday, "08:00", "10:00", room: F.room2, chair: F.nam, people: [F.hai], units: [F.hoiNongDan])
        let tue2 = F.item(3, F.tuesday, "09:00", "09:30", room: F.room2)
        #expect(F.detect([mon, tue, tue2]) == [
            ScheduleConflict(kind: .room, itemIDs: [tue.id, tue2.id], roomID: F.room2.id),
        ])
    }

    @Test("the same person in two overlapping items, as chair or participant")
    func person() {
        let a = F.item(1, F.monday, "14:00", "16:00", chair: F.nam, people: [F.nam, F.hai])
        let b = F.item(2, F.monday, "15:00", "17:00", chair: F.lan, people: [F.nam])
        let c = F.item(3, F.monday, "16:00", "17:00", chair: F.nam)
        let found = F.detect([a, b, c])
        #expect(found == [
            ScheduleConflict(kind: .person, itemIDs: [a.id, b.id], personID: F.nam),
            ScheduleConflict(kind: .person, itemIDs: [b.id, c.id], personID: F.nam),
        ])
        #expect(found[0].vietnameseDescription(names: F.names) == "Đ/c Hồ Sỹ Nam có 2 lịch trùng giờ")
        #expect(found[0].vietnameseDescription(names: [:]) == "Một đồng chí có 2 lịch trùng giờ")
    }

    @Test("a whole unit invited while one of its people is booked elsewhere")
    func unit() {
        let congress = F.item(1, F.monday, "08:00", "11:00", room: F.hall, units: [F.hoiNongDan])
        let visit = F.item(2, F.monday, "10:00", "12:00", people: [F.hai])
        let chaired = F.item(3, F.monday, "07:00", "08:30", chair: F.lan)
        let later = F.item(4, F.monday, "11:00", "12:00", chair: F.lan)  // only touches
        let found = F.detect([congress, visit, chaired, later])
        #expect(found == [
            ScheduleConflict(kind: .unit, itemIDs: [chaired.id, congress.id], personID: F.lan, unitID: F.hoiNongDan),
            ScheduleConflict(kind: .unit, itemIDs: [congress.id, visit.id], personID: F.hai, unitID: F.hoiNongDan),
        ])
        #expect(found[1].vietnameseDescription(names: F.names)
            == "Đơn vị Hội Nông dân được mời cả đơn vị trong khi Đ/c Lê Văn Hải có lịch khác")
    }

    @Test("a member of the invited unit named in both items gives a person and a unit conflict")
    func unitAndPerson() {
        let a = F.item(1, F.monday, "08:00", "10:00", people: [F.hai], units: [F.hoiNongDan])
        let b = F.item(2, F.monday, "09:00", "10:00", chair: F.hai)
        #expect(Set(F.detect([a, b])) == [
            ScheduleConflict(kind: .person, itemIDs: [a.id, b.id], personID: F.hai),
            ScheduleConflict(kind: .unit, itemIDs: [a.id, b.id], personID: F.hai, unitID: F.hoiNongDan),
        ])
    }

    @Test("the same unit invited to two overlapping items; two different units sharing a member are not reported")
    func unitTwice() {
        let a = F.item(1, F.monday, "08:00", "10:00", units: [F.hoiNongDan])
        let b = F.item(2, F.monday, "09:00", "11:00", units: [F.hoiNongDan, F.doanThanhNien])
        let found = F.detect([a, b])
        #expect(found == [ScheduleConflict(kind: .unit, itemIDs: [a.id, b.id], unitID: F.hoiNongDan)])
        #expect(found[0].vietnameseDescription(names: F.names) == "Đơn vị Hội Nông dân được mời cả đơn vị vào 2 lịch trùng giờ")

        // Lan is in both units, but neither item names her.
        let c = F.item(3, F.tuesday, "08:00", "10:00", units: [F.hoiNongDan])
        let d = F.item(4, F.tuesday, "09:00", "11:00", units: [F.doanThanhNien])
        #expect(F.detect([c, d]).isEmpty)
    }

    @Test("an item outside its room's days or hours")
    func hours() {
        let sunday = F.item(1, F.sunday, "08:00", "09:00", room: F.hall)
        let early = F.item(2, F.monday, "06:30", "08:00", room: F.hall)
        let late = F.item(3, F.tuesday, "16:00", "17:45", room: F.hall)
        let untilClosing = F.item(4, F.tuesday, "07:00", "17:30", room: F.small)
        let exactly = F.item(5, F.monday, "07:30", "17:30", room: F.hall)
        let unknownRoom = ScheduleItem(id: F.uid(6), date: F.sunday, start: F.time("05:00"), end: F.time("23:00"),
                                       roomID: F.uid(0x999), title: "Phòng chưa khai báo")
        let found = F.detect([sunday, early, late, untilClosing, exactly, unknownRoom])
        #expect(found == [
            ScheduleConflict(kind: .hours, itemIDs: [sunday.id], roomID: F.hall.id),
            ScheduleConflict(kind: .hours, itemIDs: [early.id], roomID: F.hall.id),
            ScheduleConflict(kind: .room, itemIDs: [early.id, exactly.id], roomID: F.hall.id),
            ScheduleConflict(kind: .hours, itemIDs: [late.id], roomID: F.hall.id),
        ])
        #expect(found[1].vietnameseDescription(names: F.names) == "Ngoài giờ sử dụng của Hội trường UBND")
        #expect(found[1].vietnameseDescription(names: [:]) == "Ngoài giờ sử dụng của phòng")
        #expect(F.hall.vietnameseHours == "07:00–17:30")
        #expect(F.small.vietnameseHours == "cả ngày")
    }

    @Test("a car or projector double-booked is a room conflict on that resource")
    func resources() {
        let a = F.item(1, F.monday, "07:00", "11:30", room: F.room2, resources: [F.car.id, F.projector.id])
        let b = F.item(2, F.monday, "11:00", "12:00", resources: [F.car.id])
        let c = F.item(3, F.monday, "11:30", "12:00", room: F.room2, resources: [F.projector.id])
        let found = F.detect([a, b, c])
        #expect(found == [ScheduleConflict(kind: .room, itemIDs: [a.id, b.id], roomID: F.car.id)])
        #expect(found[0].vietnameseDescription(names: F.names) == "Xe ô tô 7 chỗ bị trùng lịch: 2 cuộc họp cùng lúc")
    }

    @Test("empty and inverted items overlap nothing but are invalid and checked against hours")
    func invalidItems() {
        let meeting = F.item(1, F.monday, "08:00", "10:00", room: F.hall, chair: F.nam)
        let empty = F.item(2, F.monday, "09:00", "09:00", room: F.hall, chair: F.nam)
        let inverted = F.item(3, F.monday, "09:30", "08:30", room: F.hall, chair: F.nam)
        let emptyEarly = F.item(4, F.monday, "06:00", "06:00", room: F.hall)
        #expect(F.detect([meeting, empty, inverted, emptyEarly]) == [
            ScheduleConflict(kind: .hours, itemIDs: [emptyEarly.id], roomID: F.hall.id),
        ])
        #expect(meeting.validate().isEmpty)
        #expect(inverted.validate() == ["Giờ kết thúc (08:30) phải sau giờ bắt đầu (09:30)."])
        var untitled = empty
        untitled.title = "  "
        #expect(untitled.validate() == ["Chưa nhập nội dung công việc.", "Giờ kết thúc (09:00) phải sau giờ bắt đầu (09:00)."])
        #expect(!empty.isValid && empty.durationMinutes == 0 && inverted.durationMinutes == 0)
        #expect(meeting.durationMinutes == 120)
    }

    @Test("resource validation")
    func resourceValidation() {
        #expect(F.rooms.allSatisfy { $0.validate().isEmpty })
        let bad = ScheduleResource(name: " ", capacity: -1, opensAt: F.time("17:00"), closesAt: F.time("07:00"), openWeekdays: [])
        #expect(bad.validate() == [
            "Chưa nhập tên phòng họp.", "Sức chứa không được âm.",
            "Giờ đóng cửa (07:00) phải sau giờ mở cửa (17:00).", "Chưa chọn ngày nào được sử dụng.",
        ])
    }

    @Test("conflicts are ordered by day, then time, then kind")
    func order() {
        let tue = F.item(1, F.tuesday, "08:00", "09:00", room: F.room2, chair: F.nam)
        let tue2 = F.item(2, F.tuesday, "08:30", "09:00", room: F.room2, chair: F.nam)
        let mon = F.item(3, F.monday, "15:00", "16:00", chair: F.hai)
        let mon2 = F.item(4, F.monday, "14:00", "15:30", chair: F.hai)
        #expect(F.detect([tue, tue2, mon, mon2]).map(\.kind) == [.person, .room, .person])
        #expect(F.detect([tue, tue2, mon, mon2]).map(\.itemIDs) == [[mon.id, mon2.id], [tue.id, tue2.id], [tue.id, tue2.id]])
    }

    @Test("JSON in the API shape")
    func json() throws {
        let conflict = ScheduleConflict(kind: .unit, itemIDs: [F.uid(2), F.uid(1)], personID: F.hai, unitID: F.hoiNongDan)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(conflict), as: UTF8.self)
        #expect(text == """
            {"itemIds":["00000000-0000-4000-8000-000000000001","00000000-0000-4000-8000-000000000002"],\
            "kind":"unit","personId":"00000000-0000-4000-8000-000000000201","roomId":null,\
            "unitId":"00000000-0000-4000-8000-000000000300"}
            """)
        #expect(try JSONDecoder().decode(ScheduleConflict.self, from: Data(text.utf8)) == conflict)
        #expect(ConflictKind.allCases.map(\.rawValue) == ["room", "person", "unit", "hours"])
        let item = F.item(7, F.monday, "07:30", "09:00", room: F.room2, chair: F.nam, units: [F.hoiNongDan])
        #expect(try JSONDecoder().decode(ScheduleItem.self, from: JSONEncoder().encode(item)) == item)
        #expect(try JSONDecoder().decode(ScheduleResource.self, from: JSONEncoder().encode(F.hall)) == F.hall)
    }
}

// MARK: - Telling a reporter at once

@Suite("Plan item against the published schedule")
struct ScheduleCandidateTests {
    fileprivate typealias F = SchedFixture

    @Test("a new plan item that clashes is told which conflicts, and only its own")
    func candidate() {
        let published = [
            F.item(1, F.monday, "08:00", "10:00", room: F.room2, chair: F.nam),
            F.item(2, F.monday, "08:00", "10:00", room: F.room2, chair: F.nam),  // a clash already published
            F.item(3, F.monday, "09:00", "11:00", units: [F.hoiNongDan]),
            F.item(4, F.monday, "10:00", "11:00", room: F.room2, chair: F.nam),  // touches the candidate
        ]
        let candidate = F.item(9, F.monday, "06:30", "08:30", room: F.room2, chair: F.hai, people: [F.nam])
        let found = ScheduleConflicts.conflicts(of: candidate, against: published, rooms: F.rooms, unitMembers: F.units)
        #expect(found == [
            ScheduleConflict(kind: .hours, itemIDs: [candidate.id], roomID: F.room2.id),
            ScheduleConflict(kind: .room, itemIDs: [F.uid(1), candidate.id], roomID: F.room2.id),
            ScheduleConflict(kind: .room, itemIDs: [F.uid(2), candidate.id], roomID: F.room2.id),
            ScheduleConflict(kind: .person, itemIDs: [F.uid(1), candidate.id], personID: F.nam),
            ScheduleConflict(kind: .person, itemIDs: [F.uid(2), candidate.id], personID: F.nam),
        ])
        let moved = F.item(9, F.monday, "08:30", "10:00", chair: F.hai)
        #expect(ScheduleConflicts.conflicts(of: moved, against: published, rooms: F.rooms, unitMembers: F.units) == [
            ScheduleConflict(kind: .unit, itemIDs: [F.uid(3), moved.id], personID: F.hai, unitID: F.hoiNongDan),
        ])
        #expect(ScheduleConflicts.conflicts(involving: F.uid(1), in: found).count == 2)
    }

    @Test("editing a published item does not clash with its old version")
    func editing() {
        let original = F.item(1, F.monday, "08:00", "10:00", room: F.room2, chair: F.nam, units: [F.hoiNongDan])
        var edited = original
        edited.end = F.time("10:30")
        edited.participantIDs = [F.hai]
        #expect(ScheduleConflicts.conflicts(of: edited, against: [original], rooms: F.rooms, unitMembers: F.units).isEmpty)
    }

    @Test("agrees with detect on generated weeks", arguments: [7 as UInt64, 99])
    func agreesWithDetect(seed: UInt64) {
        let week = GeneratedWeek(seed: seed)
        let all = ScheduleConflicts.detect(items: week.items, rooms: week.rooms, unitMembers: week.unitMembers)
        for candidate in week.items.prefix(60) {
            let others = week.items.filter { $0.id != candidate.id }
            let told = ScheduleConflicts.conflicts(of: candidate, against: others, rooms: week.rooms, unitMembers: week.unitMembers)
            #expect(told == all.filter { $0.involves(candidate.id) })
        }
    }
}

// MARK: - Generated weeks against brute force

@Suite("Schedule conflicts on generated weeks")
struct GeneratedScheduleTests {
    @Test("300 items: same conflicts as the brute-force check", arguments: [1 as UInt64, 2, 42, 2025, 0xDEAD_BEEF])
    func bruteForce(seed: UInt64) {
        let week = GeneratedWeek(seed: seed)
        #expect(week.items.count == 300)
        let fast = ScheduleConflicts.detect(items: week.items, rooms: week.rooms, unitMembers: week.unitMembers)
        let slow = bruteForceConflicts(items: week.items, rooms: week.rooms, unitMembers: week.unitMembers)
        #expect(Set(fast).count == fast.count, "no duplicates")
        #expect(Set(fast) == slow)
        #expect(fast.allSatisfy { $0.itemIDs == $0.itemIDs.sorted { $0.uuidString < $1.uuidString } })
        // The week is busy enough to exercise every kind.
        for kind in ConflictKind.allCases {
            #expect(slow.contains { $0.kind == kind }, "no \(kind.rawValue) conflict generated")
        }
        #expect(slow.contains { $0.kind == .unit && $0.personID != nil })
        #expect(slow.contains { $0.kind == .unit && $0.personID == nil })
    }

    @Test("shuffling the input gives the same output", arguments: [3 as UInt64, 4, 5])
    func shuffled(seed: UInt64) {
        let week = GeneratedWeek(seed: seed)
        let reference = ScheduleConflicts.detect(items: week.items, rooms: week.rooms, unitMembers: week.unitMembers)
        var rng = SplitMix64(state: seed &* 31)
        for _ in 0..<5 {
            let items = week.items.shuffled(using: &rng)
            #expect(ScheduleConflicts.detect(items: items, rooms: week.rooms.shuffled(using: &rng),
                                             unitMembers: week.unitMembers) == reference)
        }
        #expect(ScheduleConflicts.detect(items: week.items.reversed(), rooms: week.rooms, unitMembers: week.unitMembers) == reference)
    }

    @Test("the generator is deterministic")
    func deterministic() {
        #expect(GeneratedWeek(seed: 11).items == GeneratedWeek(seed: 11).items)
        var rng = SplitMix64(state: 0)
        #expect(rng.next() == 0xE220_A839_7B1D_CDAF)  // SplitMix64 reference value for seed 0
    }
}

// MARK: - Rooms

@Suite("Room finder")
struct RoomFinderTests {
    fileprivate typealias F = SchedFixture

    fileprivate static let items = [
        F.item(1, F.monday, "08:00", "10:00", room: F.room2),
        F.item(2, F.monday, "10:00", "11:00", room: F.small),
        F.item(3, F.tuesday, "08:00", "12:00", room: F.annex),
        F.item(4, F.monday, "09:00", "09:00", room: F.annex),  // empty: books nothing
        F.item(5, F.monday, "07:00", "08:00", room: F.room2),
    ]

    @Test("free rooms of enough capacity, smallest first, then by name")
    func free() {
        let items = Self.items
        func names(_ rooms: [ScheduleResource]) -> [String] { rooms.map(\.name) }
        // 09:00–10:00 Monday: tầng 2 is busy; hội trường open; the small room holds 8 only.
        #expect(names(RoomFinder.free(rooms: F.rooms, items: items, date: F.monday, start: F.time("09:00"),
                                      end: F.time("10:00"), capacity: 10))
            == ["Ấp nhà văn hoá", "Hội trường UBND"])
        // Touching is free: from 10:00 tầng 2 is free, the small room is not; equal capacities sort by name.
        #expect(names(RoomFinder.free(rooms: F.rooms, items: items, date: F.monday, start: F.time("10:00"),
                                      end: F.time("10:30")))
            == ["Ấp nhà văn hoá", "Phòng họp tầng 2", "Hội trường UBND"])
        // Sunday: the hall is closed; 20:00 is after the hall's and tầng 2's hours.
        #expect(names(RoomFinder.free(rooms: F.rooms, items: items, date: F.sunday, start: F.time("20:00"),
                                      end: F.time("21:30"), capacity: 1))
            == ["Phòng họp nhỏ", "Ấp nhà văn hoá"])
        // Editing item 1 must not block its own room.
        #expect(names(RoomFinder.free(rooms: F.rooms, items: items, date: F.monday, start: F.time("09:00"),
                                      end: F.time("10:00"), capacity: 15, excluding: F.uid(1)))
            == ["Ấp nhà văn hoá", "Phòng họp tầng 2", "Hội trường UBND"])
        // Other kinds on request; an empty window suggests nothing.
        #expect(names(RoomFinder.free(rooms: F.rooms, items: items, date: F.monday, start: F.time("09:00"),
                                      end: F.time("10:00"), capacity: 5, kind: .vehicle)) == ["Xe ô tô 7 chỗ"])
        #expect(RoomFinder.free(rooms: F.rooms, items: items, date: F.monday, start: F.time("10:00"), end: F.time("10:00")).isEmpty)
    }

    @Test("what keeps a room busy, and its week at a glance")
    func busyAndWeek() {
        let items = Self.items
        #expect(RoomFinder.busy(roomID: F.room2.id, items: items, date: F.monday, start: F.time("07:30"), end: F.time("08:30"))
            .map(\.id) == [F.uid(5), F.uid(1)])
        #expect(RoomFinder.busy(roomID: F.room2.id, items: items, date: F.monday, start: F.time("10:00"), end: F.time("12:00")).isEmpty)
        #expect(RoomFinder.busy(roomID: F.room2.id, items: items, date: F.monday).map(\.id) == [F.uid(5), F.uid(1)])
        #expect(RoomFinder.busy(roomID: F.annex.id, items: items, date: F.monday).isEmpty)

        let week = CommuneCalendar().week(containing: F.monday)
        let days = RoomFinder.week(roomID: F.annex.id, items: items, week: week)
        #expect(days.map(\.date) == week.days)
        #expect(days.map { $0.items.map(\.id) } == [[], [], [F.uid(4)], [F.uid(3)], [], [], []])
    }

    @Test("free agrees with busy on a generated week")
    func freeMatchesBusy() {
        let week = GeneratedWeek(seed: 8)
        let date = SchedFixture.day("2025-08-18")
        for hour in 6..<20 {
            let start = LocalTime(hour: hour, minute: 0)!, end = LocalTime(hour: hour + 1, minute: 30)!
            let free = Set(RoomFinder.free(rooms: week.rooms, items: week.items, date: date, start: start, end: end,
                                           kind: nil).map(\.id))
            for room in week.rooms {
                let idle = RoomFinder.busy(roomID: room.id, items: week.items, date: date, start: start, end: end).isEmpty
                #expect(free.contains(room.id) == (idle && room.isOpen(on: date, from: start, to: end)))
            }
        }
    }
}

@Suite("Plan items: the author is booked; clashes say what with")
struct PlanOwnershipTests {
    fileprivate typealias F = SchedFixture

    @Test("with no chair named, the author chairs; named participants stay, the author is not repeated")
    func authorChairs() {
        let booking = PlanOwnership.booking(chair: nil, participants: [F.hai, F.nam, F.hai], author: F.nam)
        #expect(booking.chair == F.nam)
        #expect(booking.participants == [F.hai])
    }

    @Test("with another chair, the author is a participant (once), after the named people")
    func authorParticipates() {
        let booking = PlanOwnership.booking(chair: F.hai, participants: [F.lan], author: F.nam)
        #expect(booking.chair == F.hai)
        #expect(booking.participants == [F.lan, F.nam])
        let listed = PlanOwnership.booking(chair: F.hai, participants: [F.nam, F.hai], author: F.nam)
        #expect(listed.participants == [F.nam])
    }

    @Test("an author's own trip now clashes with their other commitment; before, it was invisible")
    func ownTripClashes() {
        // Nam's plan: a field trip with nobody named. The office's meeting books Nam the same morning.
        let booking = PlanOwnership.booking(chair: nil, participants: [], author: F.nam)
        let trip = ScheduleItem(id: F.uid(1), date: F.tuesday, start: F.time("08:00"), end: F.time("11:00"),
                                chairID: booking.chair, participantIDs: Set(booking.participants), title: "Kiểm tra vườn mẫu thôn Kim Lộc")
        let meeting = F.item(2, F.tuesday, "09:00", "10:00", room: F.room2, chair: F.hai, people: [F.nam])
        #expect(F.detect([trip, meeting]) == [ScheduleConflict(kind: .person, itemIDs: [trip.id, meeting.id], personID: F.nam)])
        var anonymous = trip
        anonymous.chairID = nil
        anonymous.participantIDs = []
        #expect(F.detect([anonymous, meeting]).isEmpty)
        // Also against the published schedule, as the report form checks it.
        #expect(ScheduleConflicts.conflicts(of: trip, against: [meeting], rooms: F.rooms, unitMembers: F.units)
            == [ScheduleConflict(kind: .person, itemIDs: [trip.id, meeting.id], personID: F.nam)])
    }

    @Test("the author's trip clashes with a whole-unit invitation of their unit")
    func ownTripAgainstUnit() {
        let booking = PlanOwnership.booking(chair: nil, participants: [], author: F.hai)
        let trip = ScheduleItem(id: F.uid(1), date: F.monday, start: F.time("14:00"), end: F.time("16:00"),
                                chairID: booking.chair, participantIDs: Set(booking.participants), title: "Đi cơ sở")
        let congress = F.item(2, F.monday, "15:00", "17:00", room: F.hall, units: [F.hoiNongDan])
        #expect(F.detect([trip, congress])
            == [ScheduleConflict(kind: .unit, itemIDs: [trip.id, congress.id], personID: F.hai, unitID: F.hoiNongDan)])
    }

    @Test("the honorific is added once, by the description, to a plain name")
    func honorificOnce() {
        let a = F.item(1, F.monday, "08:00", "10:00", chair: F.nam)
        let b = F.item(2, F.monday, "09:00", "10:00", people: [F.nam])
        let conflict = F.detect([a, b])[0]
        let text = conflict.vietnameseDescription(names: F.names)
        #expect(text == "Đ/c Hồ Sỹ Nam có 2 lịch trùng giờ")
        #expect(text.components(separatedBy: "Đ/c").count == 2)
        #expect(Comrade.title("Hồ Sỹ Nam") == "Đ/c Hồ Sỹ Nam")
    }

    @Test("a clash names the other item: title, weekday and date, time, room and chair")
    func clashDetail() {
        var meeting = F.item(2, F.monday, "08:00", "10:00", room: F.room2, chair: F.hai, people: [F.nam])
        meeting.title = "Họp Ban chỉ đạo NTM"
        let mine = F.item(1, F.monday, "09:00", "11:00", chair: F.nam)
        let conflict = ScheduleConflicts.conflicts(of: mine, against: [meeting])[0]
        let items = [meeting.id: meeting, mine.id: mine]
        #expect(conflict.vietnameseClashDetail(from: mine.id, items: items) { F.names[$0] }
            == "Trùng với «Họp Ban chỉ đạo NTM» (Thứ Hai 18/08, 08:00–10:00, Phòng họp tầng 2; chủ trì: Đ/c Lê Văn Hải)")
        // From the other side, the reporter's item is named.
        #expect(conflict.vietnameseClashDetail(from: meeting.id, items: items) { F.names[$0] }
            == "Trùng với «Lịch 1» (Thứ Hai 18/08, 09:00–11:00; chủ trì: Đ/c Hồ Sỹ Nam)")
        // Both items, for the week's list, in the order of the week (the 08:00 meeting first),
        // whatever the order of their ids.
        #expect(conflict.vietnameseItems(items) { F.names[$0] }
            == "«Họp Ban chỉ đạo NTM» (Thứ Hai 18/08, 08:00–10:00, Phòng họp tầng 2; chủ trì: Đ/c Lê Văn Hải) và «Lịch 1» (Thứ Hai 18/08, 09:00–11:00; chủ trì: Đ/c Hồ Sỹ Nam)")
        // An hours conflict, or an unknown item, has nothing to clash with.
        #expect(ScheduleConflict(kind: .hours, itemIDs: [mine.id], roomID: F.hall.id)
            .vietnameseClashDetail(from: mine.id, items: items) { F.names[$0] } == "")
        #expect(conflict.vietnameseClashDetail(from: F.uid(99), items: items) { F.names[$0] } == "")
    }
}
