import Foundation

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
