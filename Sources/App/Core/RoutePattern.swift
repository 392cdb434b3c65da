import GiaoBanCore
import Vapor

/// A declared address shape: the path components a route is registered with, which are also the
/// components a link to that address is filled from (`SiteRoute`). Each pattern enum lists all
/// its values, so a test can check that every registered route is one of them and every one of
/// them is registered.
protocol RoutePattern: Hashable, Sendable {
    /// Where the family's routes are grouped: nothing for the site's pages, `api/v1` for the API.
    static var prefix: [PathComponent] { get }
    /// Every pattern of the family.
    static var all: [Self] { get }
    /// The components after `prefix`, as registered on the family's group.
    var components: [PathComponent] { get }
    /// `makeLinkTemplates()`, kept by the family (`static let linkTemplates = makeLinkTemplates()`).
    static var linkTemplates: [Self: [String?]] { get }
}

extension RoutePattern {
    /// The whole path from the site's root, as `app.routes.all` reports it.
    var path: [PathComponent] { Self.prefix.isEmpty ? components : Self.prefix + components }

    /// The address with its parameters replaced, in order, by `values`, each percent-encoded
    /// (`PathText.encoded`): "/" and the segments. Written from `linkTemplates`, built once per
    /// family: a page builds a link per row, and building the components each time (arrays of
    /// components, then of segments) was most of a link's cost.
    func fill(_ values: String...) -> String {
        guard let template = Self.linkTemplates[self] else { preconditionFailure("\(self) is not in its family's `all`") }
        guard !template.isEmpty else {
            precondition(values.isEmpty, "too many values for \(path.string)")
            return "/"
        }
        // The length first, then the bytes written once into a string of that size: appending
        // piece by piece grew and re-checked the string a dozen times per link.
        var length = 0
        var plain = true
        var used = 0
        for segment in template {
            length += 1
            if let constant = segment {
                length += constant.utf8.count
            } else {
                guard used < values.count else { preconditionFailure("too few values for \(path.string)") }
                length += values[used].utf8.count
                plain = plain && PathText.isUnreserved(values[used])
                used += 1
            }
        }
        precondition(used == values.count, "too many values for \(path.string)")
        guard plain else { return Self.encodedFill(template, values) }
        return String(unsafeUninitializedCapacity: length) { buffer in
            var at = 0
            var next = 0
            func copy(_ text: String) {
                var text = text
                text.withUTF8 { bytes in
                    _ = UnsafeMutableBufferPointer(rebasing: buffer[at..<(at + bytes.count)]).initialize(from: bytes)
                    at += bytes.count
                }
            }
            for segment in template {
                buffer[at] = UInt8(ascii: "/")
                at += 1
                if let constant = segment {
                    copy(constant)
                } else {
                    copy(values[next])
                    next += 1
                }
            }
            return at
        }
    }

    /// `fill` where a value has characters to percent-encode.
    private static func encodedFill(_ template: [String?], _ values: [String]) -> String {
        var values = values[...]
        var result = ""
        for segment in template {
            result += "/"
            if let constant = segment {
                result += constant
            } else if let value = values.popFirst() {
                PathText.append(value, to: &result)
            }
        }
        return result
    }

    /// The address of a pattern without parameters.
    var address: String { fill() }

    /// Each pattern's whole path as a link writes it: a constant segment already encoded, nil
    /// where a value goes.
    static func makeLinkTemplates() -> [Self: [String?]] {
        Dictionary(uniqueKeysWithValues: all.map { pattern in
            (pattern, pattern.path.compactMap { component -> String?? in
                switch component {
                case .constant(let text): return .some(PathText.encoded(text))
                case .parameter: return .some(nil)
                // Registered only (the API's "anything else"): no link is filled from it.
                case .anything, .catchall: return nil
                }
            })
        })
    }
}

/// Percent-encoding of path segments, query names and values and fragments.
enum PathText {
    /// RFC 3986 unreserved characters stay as they are (ids, week and month names, "summary.xlsx"
    /// read the same as before); every other UTF-8 byte is written %XX, so a value can never add a
    /// segment, a parameter or a fragment. By hand: Foundation's `addingPercentEncoding` was a
    /// tenth of the schedule page (two links per item).
    static func encoded(_ text: String) -> String {
        var result = ""
        append(text, to: &result)
        return result
    }

    /// Whether `text` needs no encoding.
    static func isUnreserved(_ text: String) -> Bool { text.utf8.allSatisfy(isUnreserved) }

    static func append(_ text: String, to result: inout String) {
        if isUnreserved(text) {
            result += text
            return
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(ASCII.upperHexDigit(byte >> 4))
                bytes.append(ASCII.upperHexDigit(byte & 0x0F))
            }
        }
        result += String(decoding: bytes, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): true
        default: false
        }
    }
}

/// A routes builder that takes declared patterns only: the routes of `routes.swift` are registered
/// through it, so a route cannot be registered with a hand-typed path (and a test checks that no
/// registration went around it).
struct PatternRoutes<Pattern: RoutePattern> {
    /// Already grouped under `Pattern.prefix`.
    private let builder: any RoutesBuilder

    /// The family's routes on `builder`, which must not be grouped under a path of its own.
    init(_ builder: any RoutesBuilder) {
        self.builder = Pattern.prefix.isEmpty ? builder : builder.grouped(Pattern.prefix)
    }

    private init(grouped builder: any RoutesBuilder) {
        self.builder = builder
    }

    /// The same family behind more middleware (no path of its own: the patterns carry the paths).
    func grouped(_ middleware: any Middleware...) -> Self {
        Self(grouped: builder.grouped(middleware))
    }

    @discardableResult
    func on<Response: AsyncResponseEncodable>(_ method: HTTPMethod, _ pattern: Pattern, body: HTTPBodyStreamStrategy = .collect,
                                              use handler: @Sendable @escaping (Request) async throws -> Response) -> Route {
        builder.on(method, pattern.components, body: body, use: handler)
    }

    @discardableResult
    func get<Response: AsyncResponseEncodable>(_ pattern: Pattern,
                                               use handler: @Sendable @escaping (Request) async throws -> Response) -> Route {
        on(.GET, pattern, use: handler)
    }

    /// A handler that awaits nothing (`/healthz`) answers on the event loop: an `async` one is run
    /// in a task of its own, two thread switches per request.
    @discardableResult
    func get<Response: ResponseEncodable>(_ pattern: Pattern, use handler: @Sendable @escaping (Request) throws -> Response) -> Route {
        builder.on(.GET, pattern.components, use: handler)
    }

    @discardableResult
    func post<Response: AsyncResponseEncodable>(_ pattern: Pattern,
                                                use handler: @Sendable @escaping (Request) async throws -> Response) -> Route {
        on(.POST, pattern, use: handler)
    }

    @discardableResult
    func put<Response: AsyncResponseEncodable>(_ pattern: Pattern,
                                               use handler: @Sendable @escaping (Request) async throws -> Response) -> Route {
        on(.PUT, pattern, use: handler)
    }

    @discardableResult
    func patch<Response: AsyncResponseEncodable>(_ pattern: Pattern,
                                                 use handler: @Sendable @escaping (Request) async throws -> Response) -> Route {
        on(.PATCH, pattern, use: handler)
    }

    @discardableResult
    func delete<Response: AsyncResponseEncodable>(_ pattern: Pattern,
                                                  use handler: @Sendable @escaping (Request) async throws -> Response) -> Route {
        on(.DELETE, pattern, use: handler)
    }
}
