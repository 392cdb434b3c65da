import Foundation

/// Conversions between instants and wall-clock time in an explicit zone.
///
/// Only `TimeZone.secondsFromGMT(for:)` is used, so the process zone (`TZ`, `TimeZone.current`,
/// `NSTimeZone.default`) is never consulted.
enum ZoneMath {
    /// Whole seconds since 1970-01-01 00:00 *local* time for `instant` in `zone` (fraction floored).
    static func localSeconds(of instant: Date, in zone: TimeZone) -> Int {
        let utc = Int(instant.timeIntervalSince1970.rounded(.down))
        return utc + zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utc)))
    }

    /// The instant at which wall-clock `localSeconds` occurs in `zone`.
    ///
    /// Daylight-saving edge cases, resolved the way most calendar software does:
    /// - a wall time that occurs twice (clocks set back) gives the **earlier** instant;
    /// - a wall time that does not exist (clocks set forward) is moved forward by the length of
    ///   the gap, e.g. 02:30 on a spring-forward night at 02:00 → 03:30 summer time.
    static func instant(localSeconds local: Int, in zone: TimeZone) -> Date {
        func offset(_ utc: Int) -> Int {
            zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utc)))
        }
        // Offsets in force a day before and a day after; real zones never change offset twice
        // within two days, so the answer uses one of these.
        let before = offset(local - 86_400)
        let after = offset(local + 86_400)
        let candidates = [before, after, offset(local)]
            .map { local - $0 }
            .filter { offset($0) == local - $0 }
        if let earliest = candidates.min() {
            return Date(timeIntervalSince1970: TimeInterval(earliest))
        }
        // In a gap: keep the offset from before the transition, which lands after it.
        return Date(timeIntervalSince1970: TimeInterval(local - before))
    }
}
