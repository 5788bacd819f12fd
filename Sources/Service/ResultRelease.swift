import Assessment
import Foundation
import Storage

/// When learners see results, by the course's setting ``CourseDefinition/ResultsRelease``.
///
/// With `afterWindow`, the result of a homework or final-exam attempt shows once its window closes: the end of the
/// supervised session the attempt was taken in, the homework's due time, or the course's end. Self-tests always
/// show their feedback at once.
struct ResultRelease {
    /// The course.
    let course: CourseDefinition
    /// The learner's seats in supervised sessions (any course; only this course's are used).
    let seats: [(session: ExamSession, seat: ExamSeat)]

    /// When the window of `attempt` closes, or `nil` when it has none (self-tests).
    func windowEnd(of attempt: StoredAttempt) -> Date? {
        switch attempt.kind {
        case .selfTest: return nil
        case .homework, .finalExam: break
        }
        if let seat = seats.first(where: { $0.seat.attempt == attempt.id }) {
            return Date(timeIntervalSince1970: TimeInterval(seat.session.endsAt))
        }
        let setID = attempt.assessmentID.split(separator: ".", maxSplits: 1).last.map(String.init) ?? ""
        if let due = course.sets.first(where: { $0.id == setID })?.dueDate { return due }
        return course.endsAt
    }

    /// When the result of `attempt` shows, if that is later than `now`; `nil` when it shows now.
    func withheldUntil(_ attempt: StoredAttempt, now: Date) -> Date? {
        guard course.results == .afterWindow, let end = windowEnd(of: attempt), end > now else { return nil }
        return end
    }

    /// The ids of `attempts` whose results are withheld at `now`, with the time each shows.
    func withheld(_ attempts: [StoredAttempt], now: Date) -> [String: Date] {
        var found: [String: Date] = [:]
        for attempt in attempts where attempt.kind.counts {
            if let until = withheldUntil(attempt, now: now) { found[attempt.id] = until }
        }
        return found
    }
}

extension Site {
    /// The result release of `learner` in `course`.
    func resultRelease(course: StoredCourse, learner: String) async throws -> ResultRelease {
        let seats = try await database.examSessions.seats(learner: learner).filter {
            $0.session.organisation == course.organisation && $0.session.course == course.definition.id
        }
        return ResultRelease(course: course.definition, seats: seats)
    }
}
