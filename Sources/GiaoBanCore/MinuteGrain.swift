import Foundation

/// Every rule about time here changes its answer only at whole minutes: weeks, months and
/// deadlines begin and end on them (settings are in minutes, zone offsets are whole minutes) and
/// countdowns count them. So what a rule answers at one instant strictly between two whole minutes
/// it answers for that whole open minute. The whole-minute instants themselves fall on one side or
/// the other depending on the rule: a week starts at 00:00 inclusive, while a report at exactly
/// 20:00 is still on time. Whatever is kept for "this minute" (the app's page cache) is therefore
/// kept per open minute, and not at all on a whole-minute instant.
public enum MinuteGrain {
    /// Whole minutes since 1970, rounded down.
    public static func minute(of instant: Date) -> Int64 {
        Int64((instant.timeIntervalSince1970 / 60).rounded(.down))
    }

    /// The open minute (T, T + 60 s) holding `instant`, named by its start; nil on a whole minute.
    public static func openMinute(containing instant: Date) -> Int64? {
        let minute = minute(of: instant)
        return instant.timeIntervalSince1970 > Double(minute) * 60 ? minute : nil
    }
}
