import Foundation

/// Dates written as `YYYY-MM-DD` (years 1900–2999), as every file format of the project spells them.
public enum CalendarDate {
    /// Whether `text` is a real calendar date in that form.
    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard (0x30...0x39).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1900...2999).contains(year), (1...12).contains(month), day >= 1
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    /// The last day of a validity of `months` months that starts on `start`: the day before the same day
    /// `months` later, or that month's last day when it has no such day — 2026-12-01 + 24 → 2028-11-30,
    /// 2026-01-31 + 1 → 2026-02-28, 2028-02-29 + 12 → 2029-02-28. `nil` for an invalid date, `months` outside 1…1200 or a result past 2999.
    public static func lastDay(from start: String, months: Int) -> String? {
        guard isValid(start), (1...1200).contains(months) else { return nil }
        let parts = start.split(separator: "-").compactMap { Int($0) }
        let total = parts[0] * 12 + (parts[1] - 1) + months
        var (year, month, day) = (total / 12, total % 12 + 1, parts[2])
        guard year <= 2999 else { return nil }
        // The same day `months` later does not exist (31 January + 1): the validity runs to that month's end.
        if day > daysIn(year: year, month: month) {
            day = daysIn(year: year, month: month)
        } else if day > 1 {
            day -= 1
        } else {
            month -= 1
            if month == 0 { (year, month) = (year - 1, 12) }
            day = daysIn(year: year, month: month)
        }
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    private static func daysIn(year: Int, month: Int) -> Int {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }
}
