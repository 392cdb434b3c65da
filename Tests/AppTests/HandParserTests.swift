@testable import App
import Foundation
import Testing

@Suite("The hand-written readers of stored ids and figures agree with Foundation's")
struct HandParserTests {
    @Test("SQLAccess.uuid reads what UUID(uuidString:) reads, and refuses what it refuses")
    func uuids() {
        for _ in 0..<500 {
            let id = UUID()
            #expect(SQLAccess.uuid(id.uuidString) == id)
            #expect(SQLAccess.uuid(id.uuidString.lowercased()) == id)
            #expect(SQLAccess.uuid(Substring(id.uuidString)) == id)
        }
        let refused = ["", "123", "E621E1F8-C36C-495A-93FC-0C247A3E6E5", "E621E1F8-C36C-495A-93FC-0C247A3E6E5FF",
                       "E621E1F8C36C-495A-93FC-0C247A3E6E5F0", "G621E1F8-C36C-495A-93FC-0C247A3E6E5F", "E621E1F8 C36C-495A-93FC-0C247A3E6E5F",
                       "{E621E1F8-C36C-495A-93FC-0C247A3E6E5F}", "E621E1F8-C36C-495A-93FC-0C247A3E6E5Ê"]
        for text in refused {
            #expect(SQLAccess.uuid(text) == nil, "\(text)")
            #expect(UUID(uuidString: text) == nil, "\(text)")
        }
    }

    @Test("SQLAccess.bytesPrecede orders ids as their text orders them")
    func idsInTheOrderOfTheirText() {
        for count in [2, 3, 5, 12, 60] {
            for _ in 0..<50 {
                let ids = (0..<count).map { _ in UUID() }
                #expect(ids.sorted(by: SQLAccess.bytesPrecede) == ids.sorted { $0.uuidString < $1.uuidString })
            }
        }
        let id = UUID()
        #expect(!SQLAccess.bytesPrecede(id, id))
    }

    @Test("DecimalText.load reads what store writes exactly, and what the scanner read before")
    func decimals() {
        var samples = ["0", "-0", "1", "-1", "0.5", "-0.5", "1.50", "100", "1000000", "12345.678901", "0.000001", "-0.000001",
                       "999999999999999999", "123456789012.345678", "0.10", "00012.3400", ".5", "5.", "-.5"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let whole = Int64.random(in: -10_000_000...10_000_000, using: &generator)
            let fraction = Int.random(in: 0...6, using: &generator)
            let value = Decimal(sign: whole < 0 ? .minus : .plus, exponent: -fraction, significand: Decimal(whole.magnitude))
            samples.append(DecimalText.store(value))
        }
        for text in samples {
            let scanned = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
            let read = DecimalText.load(text)
            #expect(read == scanned, "\(text)")
            #expect(read.map { "\($0)" } == scanned.map { "\($0)" }, "\(text)")
            if let read { #expect(DecimalText.load(DecimalText.store(read)) == read) }
        }
        // What the hand reader leaves to the scanner still reads.
        #expect(DecimalText.plain("1e3") == nil)
        #expect(DecimalText.load("1e3") == Decimal(1000))
        #expect(DecimalText.plain("1234567890123456789") == nil)
        #expect(DecimalText.load("1234567890123456789") == Decimal(string: "1234567890123456789"))
        #expect(DecimalText.load("") == nil)
        #expect(DecimalText.load("abc") == nil)
        #expect(DecimalText.plain("-") == nil)
        #expect(DecimalText.load("-2.5E-1") == Decimal(string: "-0.25"))
        // Only a whole number reads: the scanner alone read a prefix ("12abc" as 12, "1,5" as 1).
        for damaged in ["12abc", "1,5", "12.5.3", "--1", " 12", "1e", "NaN", "1e3x"] {
            #expect(DecimalText.load(damaged) == nil, "\(damaged)")
        }
        #expect(throws: StoredDataError.self) {
            try DecimalText.stored("12abc", table: "target_week_figures", column: "value", rowID: nil, communeID: nil)
        }
    }
}
