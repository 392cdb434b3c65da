import Foundation

/// Human countdown to (or past) a deadline, in Vietnamese.
public enum TimeLeft {
    /// "còn 2 ngày 3 giờ", "còn 3 giờ 20 phút", "còn 45 phút", "quá hạn 1 ngày 2 giờ", "quá hạn 5 phút".
    ///
    /// - At most two units: the largest non-zero one of ngày (24 h) / giờ / phút and the next one
    ///   if it is non-zero ("còn 2 ngày", not "còn 2 ngày 0 giờ"; minutes are dropped when days show).
    /// - Counted in whole minutes, rounded down; under a minute is "còn dưới 1 phút" /
    ///   "quá hạn dưới 1 phút".
    /// - `now == deadline` still counts as in time ("còn"), matching "chậm nhất 20h" (at the latest 20:00).
    public static func vietnamese(from now: Date, to deadline: Date) -> String {
        let seconds = deadline.timeIntervalSince(now)
        let prefix = seconds >= 0 ? "còn" : "quá hạn"
        let minutes = Int((abs(seconds) / 60).rounded(.down))
        let days = minutes / 1440, hours = minutes % 1440 / 60, mins = minutes % 60
        let parts: [String]
        if days > 0 {
            parts = ["\(days) ngày"] + (hours > 0 ? ["\(hours) giờ"] : [])
        } else if hours > 0 {
            parts = ["\(hours) giờ"] + (mins > 0 ? ["\(mins) phút"] : [])
        } else if mins > 0 {
            parts = ["\(mins) phút"]
        } else {
            parts = ["dưới 1 phút"]
        }
        return ([prefix] + parts).joined(separator: " ")
    }
}
