import Foundation
import GiaoBanCore
import NIOConcurrencyHelpers
import Vapor

/// What a signed-in person may do, kept per person for the commune version and minute it was read
/// at, so that a page costs one query (session and version together) before its own work instead of
/// six to ten. The minute bounds what a change made behind the app's back (by hand in the
/// database, a restored dump) can leave stale, as for pages.
final class SignedInCache: Sendable {
    struct Entry: Sendable {
        // The models are never changed in place: handlers that change a person or commune load
        // their own copy, and the change moves the version on, which drops this entry.
        let version: Int64
        let minute: Int64
        /// Kept without a session: each request brings its own.
        let user: CurrentUser
    }

    private let entries = NIOLockedValueBox<[UUID: Entry]>([:])
    private let capacity: Int

    init(capacity: Int = 20_000) { self.capacity = capacity }

    func entry(personID: UUID, version: Int64, at now: Date) -> Entry? {
        entries.withLockedValue { $0[personID] }.flatMap { $0.version == version && $0.minute == MinuteGrain.minute(of: now) ? $0 : nil }
    }

    func store(_ entry: Entry) {
        let personID = entry.user.personID
        entries.withLockedValue { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[personID] = entry
        }
    }

    func forget(communeID: UUID) {
        entries.withLockedValue { entries in entries = entries.filter { $0.value.user.communeID != communeID } }
    }
}

/// Rendered pages and API answers of one commune, valid for one data version and one minute.
///
/// A page is a function of the request (address, cookies, token, language, host), the commune's
/// data and the clock. The version stands for the data; the open minute for the clock, since every
/// time rule changes only at whole minutes (`MinuteGrain`, whose tests check that). A request on a
/// whole-minute instant is neither answered from nor kept in the cache.
/// Only the current generation of each commune is kept, within a byte budget.
final class PageCache: Sendable {
    struct Generation: Hashable, Sendable {
        let version: Int64
        let minute: Int64

        /// Nil on a whole-minute instant.
        init?(version: Int64, at now: Date) {
            guard let minute = MinuteGrain.openMinute(containing: now) else { return nil }
            self.version = version
            self.minute = minute
        }
    }

    struct Entry: Sendable {
        let status: HTTPResponseStatus
        let headers: HTTPHeaders
        let body: ByteBuffer
    }

    private struct Bucket {
        var generation: Generation
        var entries: [String: Entry] = [:]
        var bytes = 0
    }

    private struct State {
        var buckets: [UUID: Bucket] = [:]
        var bytes = 0
        var hits = 0
        var misses = 0
        /// Pages being built, by `flightKey`, with the requests waiting for them.
        var flights: [String: [CheckedContinuation<Lookup, Never>]] = [:]
    }

    /// What a request does about a page: answer from the cache, build it (others wait), or take
    /// what another request built (nil when that answer could not be kept: build it yourself).
    enum Lookup: Sendable {
        case hit(Entry)
        case build
        case shared(Entry?)
    }

    private let state = NIOLockedValueBox(State())
    let budgetBytes: Int
    /// Larger answers (a year's export) are not worth a place in the budget.
    let largestEntryBytes: Int

    init(budgetBytes: Int = 32 << 20, largestEntryBytes: Int = 1 << 20) {
        self.budgetBytes = budgetBytes
        self.largestEntryBytes = largestEntryBytes
    }

    /// The kept answer, if any, without counting or waiting.
    func peek(communeID: UUID, generation: Generation, key: String) -> Entry? {
        state.withLockedValue { state in
            guard let bucket = state.buckets[communeID], bucket.generation == generation else { return nil }
            return bucket.entries[key]
        }
    }

    /// The cached answer; else, when another request is already building the same page for the
    /// same generation, waits for it, so that a burst after a change (or at a new minute) builds
    /// each page once instead of once per waiting request.
    func lookup(communeID: UUID, generation: Generation, key: String) async -> Lookup {
        let flight = Self.flightKey(communeID, generation, key)
        return await withCheckedContinuation { continuation in
            let now: Lookup? = state.withLockedValue { state in
                if let bucket = state.buckets[communeID], bucket.generation == generation, let entry = bucket.entries[key] {
                    state.hits += 1
                    return .hit(entry)
                }
                state.misses += 1
                if state.flights[flight] != nil {
                    state.flights[flight]!.append(continuation)
                    return nil
                }
                state.flights[flight] = []
                return .build
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    /// Ends a build started by `lookup`: keeps the answer (when there is one) and hands it to
    /// every request that waited for it. Called on every path, failures included.
    func finish(communeID: UUID, generation: Generation, key: String, entry: Entry?) {
        if let entry { store(entry, communeID: communeID, generation: generation, key: key) }
        let waiting = state.withLockedValue { $0.flights.removeValue(forKey: Self.flightKey(communeID, generation, key)) } ?? []
        for continuation in waiting { continuation.resume(returning: .shared(entry)) }
    }

    private static func flightKey(_ communeID: UUID, _ generation: Generation, _ key: String) -> String {
        "\(communeID)|\(generation.version)|\(generation.minute)|\(key)"
    }

    func store(_ entry: Entry, communeID: UUID, generation: Generation, key: String) {
        let size = entry.body.readableBytes + key.utf8.count
        guard size <= largestEntryBytes else { return }
        state.withLockedValue { state in
            var bucket = state.buckets[communeID] ?? Bucket(generation: generation)
            if bucket.generation != generation {
                // An older or newer generation: whichever is current wins the place.
                guard Self.isNewer(generation, than: bucket.generation) else { return }
                state.bytes -= bucket.bytes
                bucket = Bucket(generation: generation)
            }
            if let replaced = bucket.entries[key] {
                bucket.bytes -= replaced.body.readableBytes + key.utf8.count
                state.bytes -= replaced.body.readableBytes + key.utf8.count
            }
            if state.bytes + size > budgetBytes {
                // Over budget: start again rather than track recency for every page.
                state.buckets.removeAll(keepingCapacity: true)
                state.bytes = 0
                bucket = Bucket(generation: generation)
            }
            bucket.entries[key] = entry
            bucket.bytes += size
            state.bytes += size
            state.buckets[communeID] = bucket
        }
    }

    func forget(communeID: UUID) {
        state.withLockedValue { state in
            if let bucket = state.buckets.removeValue(forKey: communeID) { state.bytes -= bucket.bytes }
        }
    }

    /// Hits, misses and bytes held, for the benchmark and the tests.
    var statistics: (hits: Int, misses: Int, bytes: Int) {
        state.withLockedValue { ($0.hits, $0.misses, $0.bytes) }
    }

    private static func isNewer(_ a: Generation, than b: Generation) -> Bool {
        a.version != b.version ? a.version > b.version : a.minute > b.minute
    }
}

/// Answers a signed-in GET from `PageCache` when the commune's data and the minute are what they
/// were when the page was built; otherwise builds it and keeps it. Only complete `200` answers
/// without cookies are kept. Pages that read across communes (roll-ups) or that an auditor wants
/// to the second (audit) are not behind this middleware.
struct PageCacheMiddleware: AsyncMiddleware {
    static let uncachedPrefixes = ["/rollups", "/api/v1/rollups", "/audit", "/api/v1/audit"]
    /// Downloads carry the instant they were made, to the second; they are asked for rarely.
    static let uncachedSuffixes = [".xlsx", ".docx", ".csv", ".ics"]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let cache = request.application.pageCache
        guard request.application.giaobanConfig.pageCache, request.method == .GET,
              let user = request.currentUser, let version = request.dataVersion,
              !Self.uncachedPrefixes.contains(where: { request.url.path.hasPrefix($0) }),
              !Self.uncachedSuffixes.contains(where: { request.url.path.hasSuffix($0) }),
              let generation = PageCache.Generation(version: version, at: request.now) else {
            return try await next.respond(to: request)
        }
        let key = Self.key(for: request)
        switch await cache.lookup(communeID: user.communeID, generation: generation, key: key) {
        case .hit(let entry), .shared(.some(let entry)):
            return Response(status: entry.status, headers: entry.headers, body: .init(buffer: entry.body))
        case .shared(.none):
            return try await next.respond(to: request)
        case .build:
            let response: Response
            do {
                response = try await next.respond(to: request)
            } catch {
                cache.finish(communeID: user.communeID, generation: generation, key: key, entry: nil)
                throw error
            }
            var entry: PageCache.Entry?
            if response.status == .ok, !response.headers.contains(name: .setCookie), let body = response.body.buffer {
                entry = .init(status: response.status, headers: response.headers, body: body)
            }
            cache.finish(communeID: user.communeID, generation: generation, key: key, entry: entry)
            return response
        }
    }

    /// Everything in the request a page may depend on: the address (with the host it was asked
    /// through: the calendar page prints absolute addresses), who asks and in which language, and
    /// the version of what only they see (see `DataVersion.bump(personID:)`).
    static func key(for request: Request) -> String {
        let headers = request.headers
        return [request.url.string, headers[.cookie].joined(separator: "; "), headers.first(name: .authorization) ?? "",
                headers.first(name: .accept) ?? "", headers.first(name: .acceptLanguage) ?? "",
                headers.first(name: .host) ?? "", headers.first(name: "X-Forwarded-Host") ?? "",
                headers.first(name: "X-Forwarded-Proto") ?? "", String(request.personalDataVersion)].joined(separator: "\n")
    }
}

extension Application {
    private struct SignedInCacheKey: StorageKey { typealias Value = SignedInCache }
    private struct PageCacheKey: StorageKey { typealias Value = PageCache }

    /// Set once while configuring, before any request can race to create it.
    var signedInCache: SignedInCache {
        get { storage[SignedInCacheKey.self]! }
        set { storage[SignedInCacheKey.self] = newValue }
    }

    var pageCache: PageCache {
        get { storage[PageCacheKey.self]! }
        set { storage[PageCacheKey.self] = newValue }
    }
}
