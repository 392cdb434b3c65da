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
}

extension RoutePattern {
    /// The whole path from the site's root, as `app.routes.all` reports it.
    var path: [PathComponent] { Self.prefix.isEmpty ? components : Self.prefix + components }

    /// The whole path with its parameters replaced, in order, by `values` (a link's segments,
    /// not yet percent-encoded).
    func fill(_ values: String...) -> [String] {
        var values = values[...]
        let segments = path.map { component -> String in
            switch component {
            case .constant(let text): return text
            case .parameter:
                guard let value = values.popFirst() else { preconditionFailure("too few values for \(path.string)") }
                return value
            case .anything, .catchall: preconditionFailure("a link cannot fill \(path.string)")
            }
        }
        precondition(values.isEmpty, "too many values for \(path.string)")
        return segments
    }

    /// The address of a pattern without parameters (its constants need no encoding).
    var address: String { "/" + fill().joined(separator: "/") }
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
