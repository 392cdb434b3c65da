import FluentKit
import Foundation
import SQLKit

extension Collection where Element: Sendable {
    /// `map` with every element transformed at once, results in the original order: for pages
    /// made of independent parts (the briefing's groups) that both cores can build together.
    func concurrentMap<T: Sendable>(_ transform: @escaping @Sendable (Element) async throws -> T) async throws -> [T] {
        try await withThrowingTaskGroup(of: (Int, T).self) { tasks in
            for (index, element) in enumerated() {
                tasks.addTask { (index, try await transform(element)) }
            }
            var results = [T?](repeating: nil, count: count)
            for try await (index, result) in tasks { results[index] = result }
            return results.map { $0! }
        }
    }
}

/// At most `limit` callers inside `run` at once; the others wait (suspended, holding no thread).
final class AsyncGate: @unchecked Sendable {
    private let limit: Int
    private let lock = NSLock()
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = max(1, limit) }

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await enter()
        defer { leave() }
        return try await body()
    }

    private func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if running < limit {
                running += 1
                lock.unlock()
                continuation.resume()
            } else {
                waiting.append(continuation)
                lock.unlock()
            }
        }
    }

    private func leave() {
        lock.lock()
        if waiting.isEmpty {
            running -= 1
            lock.unlock()
        } else {
            let next = waiting.removeFirst()
            lock.unlock()
            next.resume() // the slot passes to the next waiter
        }
    }
}

/// Independent reads of one page, run side by side where they wait on the network (PostgreSQL)
/// and one after another on SQLite, where a read is work on the calling thread (`DirectReads`):
/// there each `async let` was a task to create and a thread to wake for no overlap, 15 % of a
/// group's week under load. The results come in the order of the reads.
enum PageReads {
    static func together<each Result: Sendable>(on db: any Database,
                                                _ read: repeat @escaping @Sendable () async throws -> each Result) async throws
        -> (repeat each Result) {
        guard overlaps(db) else { return (repeat try await (each read)()) }
        let tasks = (repeat Task { try await (each read)() })
        // Every read ends before the first error is thrown: none outlives the request.
        let results = (repeat await (each tasks).result)
        return (repeat try (each results).get())
    }

    /// Whether reads on `db` overlap: on PostgreSQL they wait on the network, on SQLite they do not.
    static func overlaps(_ db: any Database) -> Bool {
        (db as? any SQLDatabase)?.dialect.name == "postgresql"
    }
}
