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
