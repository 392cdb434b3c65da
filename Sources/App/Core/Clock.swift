import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The source of "now" for the whole app. Domain code never reads the wall clock: handlers ask
/// the application's clock and pass the instant down, so tests can fix or move time.
public protocol AppClock: Sendable {
    func now() -> Date
}

public struct SystemClock: AppClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock tests set and move by hand.
public final class ManualClock: AppClock, @unchecked Sendable {
    private let current: NIOLockedValueBox<Date>
    public init(_ start: Date) { current = .init(start) }
    public func now() -> Date { current.withLockedValue { $0 } }
    public func set(_ date: Date) { current.withLockedValue { $0 = date } }
    public func advance(by seconds: TimeInterval) { current.withLockedValue { $0 = $0.addingTimeInterval(seconds) } }
}

extension Application {
    private struct ClockKey: StorageKey { typealias Value = any AppClock }
    public var clock: any AppClock {
        get { storage[ClockKey.self] ?? SystemClock() }
        set { storage[ClockKey.self] = newValue }
    }
}

extension Request {
    private struct NowKey: StorageKey { typealias Value = Date }

    /// The request's instant: read from the clock once, so that everything a request decides and
    /// shows (and the cache generation it is kept under) belongs to the same instant.
    public var now: Date {
        if let now = storage[NowKey.self] { return now }
        let now = application.clock.now()
        storage[NowKey.self] = now
        return now
    }
}
