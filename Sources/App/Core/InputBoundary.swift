import Foundation
import GiaoBanCore
import NIOCore
import Vapor

/// The input boundary: every JSON body and every submitted form passes through here before any
/// handler decodes it, so that one normalisation (`InputText`) applies to every field of every
/// feature — no control characters (NUL included; newline and tab stay), no bidi overrides, no
/// zero-width characters — and no single text is longer than `InputText.maxLength` (422 with
/// the field's name). Handlers then trim, NFC-normalise and check "required" on clean text.
enum InputBoundary {
    /// Registers the cleaning decoders for JSON and forms (idempotent: every app configures it).
    static func install() {
        ContentConfiguration.global.use(decoder: CleaningJSONDecoder(), for: .json)
        ContentConfiguration.global.use(decoder: CleaningFormDecoder(), for: .urlEncodedForm)
    }

    static func tooLong(_ field: String) -> AppError {
        AppError.invalid([field.isEmpty ? "body" : field: InputText.tooLongMessage], message: InputText.tooLongMessage)
    }
}

/// Vapor's JSON decoder, after `JSONTextCleaner` has taken the dropped characters out of the
/// strings of the document (escaped or not) and measured each string.
struct CleaningJSONDecoder: ContentDecoder {
    private let base = JSONDecoder.custom(dates: .iso8601)

    func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders) throws -> D {
        try decode(D.self, from: body, headers: headers, userInfo: [:])
    }

    func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders,
                              userInfo: [CodingUserInfoKey: any Sendable]) throws -> D {
        let bytes = body.getBytes(at: body.readerIndex, length: body.readableBytes) ?? []
        let cleaned = try JSONTextCleaner.clean(bytes)
        return try base.decode(D.self, from: ByteBuffer(bytes: cleaned), headers: headers, userInfo: userInfo)
    }
}

/// Walks a JSON text and rewrites only the inside of its strings: escapes and UTF-8 sequences of
/// the characters `InputText` drops are removed; everything else is copied byte for byte (an
/// invalid document stays invalid, for the decoder to refuse).
enum JSONTextCleaner {

    static func clean(_ bytes: [UInt8]) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        var lastKey = ""
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\"") else {
                output.append(byte)
                index += 1
                continue
            }
            // A string: copy its opening quote, then its content cleaned.
            output.append(byte)
            index += 1
            let contentStart = output.count
            var characters = 0
            var closed = false
            while index < count {
                let b = bytes[index]
                if b == UInt8(ascii: "\"") {
                    output.append(b)
                    index += 1
                    closed = true
                    break
                }
                if b == UInt8(ascii: "\\"), index + 1 < count {
                    let escape = bytes[index + 1]
                    if escape == UInt8(ascii: "u"), index + 5 < count,
                       let unit = UInt32(String(decoding: bytes[(index + 2)...(index + 5)], as: UTF8.self), radix: 16) {
                        if let scalar = Unicode.Scalar(unit), InputText.isDropped(scalar) {
                            index += 6
                            continue
                        }
                        output.append(contentsOf: bytes[index...(index + 5)])
                        if !(0xDC00...0xDFFF).contains(unit) { characters += 1 } // a surrogate pair is one character
                        index += 6
                        continue
                    }
                    if escape == UInt8(ascii: "r") || escape == UInt8(ascii: "b") || escape == UInt8(ascii: "f") {
                        index += 2
                        continue
                    }
                    output.append(b)
                    output.append(escape)
                    characters += 1
                    index += 2
                    continue
                }
                if let length = droppedSequenceLength(bytes, at: index) {
                    index += length
                    continue
                }
                output.append(b)
                if b & 0xC0 != 0x80 { characters += 1 }
                index += 1
            }
            guard closed else { break }
            // A key is a string followed by ':'; it names the field of the strings after it.
            var next = index
            while next < count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[next]) { next += 1 }
            if next < count, bytes[next] == UInt8(ascii: ":") {
                lastKey = String(decoding: output[contentStart..<(output.count - 1)], as: UTF8.self)
            } else if characters > InputText.maxLength {
                throw InputBoundary.tooLong(lastKey)
            }
        }
        return output
    }

    /// The UTF-8 length of a dropped character starting at `index` (C1 controls, bidi overrides
    /// and isolates, zero-width characters), or nil.
    private static func droppedSequenceLength(_ bytes: [UInt8], at index: Int) -> Int? {
        let b0 = bytes[index]
        guard b0 == 0xC2 || b0 == 0xE2 || b0 == 0xEF, index + 1 < bytes.count else { return nil }
        let b1 = bytes[index + 1]
        if b0 == 0xC2 { return (0x80...0x9F).contains(b1) ? 2 : nil }
        guard index + 2 < bytes.count else { return nil }
        let b2 = bytes[index + 2]
        let scalar = (UInt32(b0 & 0x0F) << 12) | (UInt32(b1 & 0x3F) << 6) | UInt32(b2 & 0x3F)
        guard b1 & 0xC0 == 0x80, b2 & 0xC0 == 0x80, let value = Unicode.Scalar(scalar) else { return nil }
        return InputText.isDropped(value) ? 3 : nil
    }
}

/// Vapor's form decoder, after each field's value was percent-decoded, cleaned by `InputText`
/// and measured. Values that do not decode (invalid UTF-8) are left for Vapor to refuse.
struct CleaningFormDecoder: ContentDecoder {
    private let base = URLEncodedFormDecoder()
    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders) throws -> D {
        try decode(D.self, from: body, headers: headers, userInfo: [:])
    }

    func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders,
                              userInfo: [CodingUserInfoKey: any Sendable]) throws -> D {
        let text = body.getString(at: body.readerIndex, length: body.readableBytes) ?? ""
        var changed = false
        var pairs: [String] = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: false) {
            guard let equals = pair.firstIndex(of: "=") else { pairs.append(String(pair)); continue }
            let key = pair[..<equals]
            let value = pair[pair.index(after: equals)...]
            guard let decoded = value.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                pairs.append(String(pair))
                continue
            }
            let cleaned = InputText.clean(decoded)
            if InputText.isTooLong(cleaned) {
                throw InputBoundary.tooLong(key.removingPercentEncoding ?? String(key))
            }
            if cleaned != decoded {
                changed = true
                pairs.append(key + "=" + (cleaned.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? ""))
            } else {
                pairs.append(String(pair))
            }
        }
        let input = changed ? ByteBuffer(string: pairs.joined(separator: "&")) : body
        return try base.decode(D.self, from: input, headers: headers, userInfo: userInfo)
    }
}
