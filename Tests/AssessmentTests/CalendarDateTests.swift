import Assessment
import Testing

@Suite("Calendar dates")
struct CalendarDateTests {
    @Test(
        "the last day of a validity is the day before the same date months later, or that month's last day",
        arguments: [
            ("2026-12-01", 24, "2028-11-30"), ("2026-12-01", 1, "2026-12-31"), ("2026-01-31", 1, "2026-02-28"),
            ("2027-12-31", 2, "2028-02-29"), ("2028-02-29", 12, "2029-02-28"), ("2026-03-01", 12, "2027-02-28"),
            ("2027-03-01", 12, "2028-02-29"), ("2026-06-15", 120, "2036-06-14"),
        ])
    func lastDay(start: String, months: Int, expected: String) {
        #expect(CalendarDate.lastDay(from: start, months: months) == expected)
    }

    @Test("invalid dates, months out of range and results past 2999 give nil")
    func refused() {
        #expect(CalendarDate.lastDay(from: "2026-02-30", months: 12) == nil)
        #expect(CalendarDate.lastDay(from: "2026-12-01", months: 0) == nil)
        #expect(CalendarDate.lastDay(from: "2026-12-01", months: -5) == nil)
        #expect(CalendarDate.lastDay(from: "2999-06-01", months: 12) == nil)
    }
}
