import CSV
import Foundation
import Storage

/// A CSV of learners to enrol: a header row naming `learner_id`, `name`, `email`, `birth_date` (any order; other
/// columns are ignored), then one learner per row. Comma- or semicolon-separated (as spreadsheets save it), UTF-8.
/// Read with a CSV library; every row is judged on its own.
enum LearnerCSV {
    /// The columns the header must name.
    static let columns = ["learner_id", "name", "email", "birth_date"]

    /// One data row: its number as a spreadsheet shows it (the header is row 1), and the learner or why it is
    /// skipped.
    struct Row: Sendable {
        var number: Int
        var learner: LearnerEntry?
        var problem: String?
    }

    /// Reads `bytes` (at most ``Limits/csv``).
    ///
    /// - Throws: ``HTTPFailure`` 413 when too large, 422 naming the field `csv` when the file as a whole is unusable
    ///   (not UTF-8, no header, a column missing).
    static func read(_ bytes: [UInt8], strings: Strings) throws -> [Row] {
        guard bytes.count <= Limits.csv else {
            throw HTTPFailure(
                .contentTooLarge, "tooLarge", strings.text("error_too_large", Site.megabytes(Limits.csv)),
                field: "csv")
        }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        guard let text = String(validating: body, as: UTF8.self) else {
            throw HTTPFailure(.unprocessableContent, "invalid", strings.text("courses_csv_not_utf8"), field: "csv")
        }
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r" }
        let delimiter: UnicodeScalar =
            firstLine.count(where: { $0 == ";" }) > firstLine.count(where: { $0 == "," }) ? ";" : ","
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true, trimFields: true, delimiter: delimiter)
        } catch {
            throw HTTPFailure(.unprocessableContent, "invalid", strings.text("courses_csv_no_header"), field: "csv")
        }
        let header = (reader.headerRow ?? []).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var index: [String: Int] = [:]
        for (position, name) in header.enumerated() where index[name] == nil { index[name] = position }
        let missing = columns.filter { index[$0] == nil }
        guard missing.isEmpty else {
            throw HTTPFailure(
                .unprocessableContent, "invalid",
                strings.text("courses_csv_missing_columns", missing.joined(separator: ", ")), field: "csv")
        }
        var rows: [Row] = []
        var seen = Set<String>()
        var number = 1
        while let fields = reader.next() {
            number += 1
            if fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            func value(_ column: String) -> String? {
                guard let position = index[column], position < fields.count else { return nil }
                return fields[position].trimmingCharacters(in: .whitespaces)
            }
            guard let id = value("learner_id"), let name = value("name"), let email = value("email"),
                let birth = value("birth_date")
            else {
                rows.append(
                    Row(
                        number: number, learner: nil,
                        problem: strings.text("courses_csv_short_row", String(fields.count), String(header.count))))
                continue
            }
            let learner = LearnerEntry(learnerID: id, name: name, email: email, birthDate: birth)
            if let problem = learner.problem {
                rows.append(Row(number: number, learner: nil, problem: "\(problem.field): \(problem.message)"))
            } else if !seen.insert(id).inserted {
                rows.append(Row(number: number, learner: nil, problem: strings.text("courses_csv_duplicate", id)))
            } else {
                rows.append(Row(number: number, learner: learner, problem: nil))
            }
        }
        if let error = reader.error {
            throw HTTPFailure(
                .unprocessableContent, "invalid", strings.text("courses_csv_unreadable", "\(error)"), field: "csv")
        }
        return rows
    }
}

/// The per-row report of a CSV enrolment.
struct EnrolmentReport: Encodable, Sendable {
    /// One row's outcome.
    struct Line: Encodable, Sendable {
        /// The row number (the header is row 1).
        var row: Int
        /// `enrolled` or `skipped`.
        var status: String
        /// The learner id, when the row had a usable one.
        var learnerId: String?
        /// Why it was skipped.
        var reason: String?
    }

    var rows: [Line]
    var enrolled: Int
    var skipped: Int

    /// Enrols the good rows of `rows` in one transaction and reports every row.
    static func enrol(
        _ rows: [LearnerCSV.Row], course: StoredCourse, actor: String, site: Site, strings: Strings
    ) async throws -> EnrolmentReport {
        let learners = rows.compactMap(\.learner)
        let outcomes = try await site.database.courses.enrol(
            learners, course: course.definition.id, organisation: course.organisation, actor: actor)
        var outcome = outcomes.makeIterator()
        var lines: [Line] = []
        for row in rows {
            if let learner = row.learner, let result = outcome.next() {
                if result == .enrolled {
                    lines.append(Line(row: row.number, status: "enrolled", learnerId: learner.learnerID))
                } else {
                    lines.append(
                        Line(
                            row: row.number, status: "skipped", learnerId: learner.learnerID,
                            reason: strings.text("courses_already_enrolled", learner.learnerID)))
                }
            } else {
                lines.append(Line(row: row.number, status: "skipped", reason: row.problem))
            }
        }
        let enrolled = lines.count(where: { $0.status == "enrolled" })
        return EnrolmentReport(rows: lines, enrolled: enrolled, skipped: lines.count - enrolled)
    }

    /// `row N: enrolled` / `row N: skipped: reason` lines, in the request's language.
    func lines(strings: Strings) -> [String] {
        rows.map { line in
            line.status == "enrolled"
                ? strings.text("courses_report_enrolled", String(line.row), line.learnerId ?? "")
                : strings.text("courses_report_skipped", String(line.row), line.reason ?? "")
        }
    }
}
