import Fluent
import Foundation
import GiaoBanCore
import Vapor

/// Text in a JSON or decimal column that is there but does not read: a fault in the stored data
/// (a bad hand edit, a restored dump from another version), never something to paper over with
/// a default. A default calendar is another time zone and other deadlines, hence another ledger;
/// a figure read as 0 is another year-to-date. So the accessors of these columns throw this
/// instead (docs/decisions.md, issue 20).
struct StoredDataError: Error, CustomStringConvertible, Sendable {
    let table: String
    let column: String
    /// The row whose column does not decode, when it has an id.
    let rowID: UUID?
    /// The commune the row belongs to, for the log and for skipping just that commune.
    let communeID: UUID?
    /// What the decoder said (kept as text: `DecodingError` is not `Sendable`).
    let underlying: String

    var description: String {
        "Stored data does not read: \(table).\(column) of row \(rowID?.canonicalText ?? "?")"
            + " (commune \(communeID?.canonicalText ?? "?")): \(underlying)"
    }

    /// What the user is told: which of the commune's data is unreadable and whom to tell.
    var vietnameseMessage: String {
        let what = Strings.vietnamese["stored_data_\(table).\(column)"] ?? Strings.text("stored_data_other", table, column)
        return Strings.text("stored_data_unreadable", what)
    }

    /// Fields for the log line, so that an operator finds the row without reproducing the request.
    var logMetadata: Logger.Metadata {
        var metadata: Logger.Metadata = ["table": .string(table), "column": .string(column), "decoding-error": .string(underlying)]
        if let rowID { metadata["row-id"] = .string(rowID.canonicalText) }
        if let communeID { metadata["commune-id"] = .string(communeID.canonicalText) }
        return metadata
    }

    var appError: AppError {
        // 500: the request was fine, the server's own data is at fault, and only an operator can
        // repair it. The code tells API clients it is not a passing failure worth retrying.
        AppError(.internalServerError, code: "stored_data_unreadable", message: vietnameseMessage)
    }
}

enum StoredJSON {
    /// `text` decoded as `T`, or a `StoredDataError` naming where it was read from.
    static func decode<T: Decodable>(_ type: T.Type, from text: String, table: String, column: String, rowID: UUID?,
                                     communeID: UUID?) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw StoredDataError(table: table, column: column, rowID: rowID, communeID: communeID,
                                  underlying: String(describing: error))
        }
    }
}

extension StoredJSON {
    /// A JSON list column of ids (see `Model.decodeStoredList`): empty text is an empty list, any
    /// other text must decode, else `StoredDataError`.
    static func idList(_ text: String, table: String, column: String, rowID: UUID?, communeID: UUID?) throws -> [UUID] {
        if let ids = idList(text) { return ids }
        if text.allSatisfy(\.isWhitespace) { return [] }
        return try decode([UUID].self, from: text, table: table, column: column, rowID: rowID, communeID: communeID)
    }

    /// A JSON list of ids as GiaoBan writes it (`["…","…"]`, spaces allowed), read by hand: the
    /// people of every plan line and schedule item are such lists, and `JSONDecoder` with
    /// Foundation's UUID parsing was a tenth of the schedule page. Nil for anything else (escapes,
    /// other values, a broken list), which `JSONDecoder` then reads or refuses as before.
    static func idList(_ text: String) -> [UUID]? {
        var bytes = text.utf8[...]
        func skipSpaces() {
            while let first = bytes.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\n") || first == UInt8(ascii: "\t") || first == UInt8(ascii: "\r") {
                bytes = bytes.dropFirst()
            }
        }
        func take(_ byte: UInt8) -> Bool {
            skipSpaces()
            guard bytes.first == byte else { return false }
            bytes = bytes.dropFirst()
            return true
        }
        guard take(UInt8(ascii: "[")) else { return nil }
        var ids: [UUID] = []
        if take(UInt8(ascii: "]")) {
            skipSpaces()
            return bytes.isEmpty ? ids : nil
        }
        while true {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let idText = bytes.prefix(36)
            bytes = bytes.dropFirst(36)
            guard bytes.first == UInt8(ascii: "\""), let id = SQLAccess.uuid(Substring(idText)) else { return nil }
            bytes = bytes.dropFirst()
            ids.append(id)
            if take(UInt8(ascii: ",")) { continue }
            guard take(UInt8(ascii: "]")) else { return nil }
            skipSpaces()
            return bytes.isEmpty ? ids : nil
        }
    }
}

extension Model where IDValue == UUID {
    /// A JSON column of this row decoded as `T`; throws `StoredDataError` when it does not decode.
    func decodeStored<T: Decodable>(_ type: T.Type, from text: String, column: String, communeID: UUID?) throws -> T {
        try StoredJSON.decode(T.self, from: text, table: Self.schema, column: column, rowID: id, communeID: communeID)
    }

    /// A JSON list column: empty text is an empty list (rows written before the column had a
    /// value); any other text must decode, else `StoredDataError`.
    /// A decimal column (`DecimalText`), or a `StoredDataError` naming the row.
    func storedDecimal(_ text: String, column: String, communeID: UUID?) throws -> Decimal {
        try DecimalText.stored(text, table: Self.schema, column: column, rowID: id, communeID: communeID)
    }

    func decodeStoredList<Element: Decodable>(_ type: Element.Type, from text: String, column: String,
                                              communeID: UUID?) throws -> [Element] {
        if Element.self == UUID.self {
            let ids = try StoredJSON.idList(text, table: Self.schema, column: column, rowID: id, communeID: communeID)
            return unsafeBitCast(ids, to: [Element].self)
        }
        if text.allSatisfy(\.isWhitespace) { return [] }
        return try decodeStored([Element].self, from: text, column: column, communeID: communeID)
    }
}
