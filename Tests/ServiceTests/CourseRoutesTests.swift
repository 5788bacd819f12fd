import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Storage
import Testing

@testable import Service

@Suite("Course routes")
struct CourseRoutesTests {
    /// A sample bank under `question-banks/`, as text.
    static func sampleBank(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../question-banks/\(name).yaml")
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Stores version 1 of the sample banks `names` in the demo organisation.
    static func storeBanks(_ harness: Harness, _ names: [String]) async throws {
        for name in names {
            _ = try await harness.site.database.banks.add(
                organisation: "demo-akademie", bankID: name, title: name, sourceFormat: "yaml",
                sourceName: "\(name).yaml", yaml: try sampleBank(name), itemCount: 40, report: "[]", actor: "anbieter")
        }
    }

    /// Request headers with a fresh API token of `login`.
    static func bearer(_ harness: Harness, _ login: String, json: Bool = true) async throws -> HTTPFields {
        let account = try #require(try await harness.site.database.accounts.find(login: login))
        let token = try await harness.site.database.sessions.createToken(for: account, name: "test")
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(token)"
        if json { headers[.contentType] = "application/json" }
        return headers
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body))
        return try #require(object as? [String: Any], "not a JSON object: \(String(buffer: response.body))")
    }

    static func errorField(_ response: TestResponse) throws -> String? {
        (try json(response)["error"] as? [String: Any])?["field"] as? String
    }

    static let courseJSON = """
        {"id": "api-kurs", "title": "API-Kurs", "period": {"start": "2026-02-01", "end": "2026-07-31"},
         "contentUnits": [{"title": "Lesen", "kind": "text", "estimatedMinutes": 30}],
         "sets": [{"id": "hausaufgabe-1", "kind": "homework", "title": "Hausaufgabe 1",
                   "bank": {"id": "datenschutz-dsgvo", "version": 1}, "items": ["dsgvo-001", "dsgvo-002"]},
                  {"id": "selbsttest-1", "kind": "selfTest", "title": "Selbsttest",
                   "bank": {"id": "datenschutz-dsgvo", "version": 1}, "blueprint": "pools:\\n  - { count: 4 }\\n"}],
         "finalExam": {"bank": {"id": "ozg-onlinedienste", "version": 1},
                       "blueprint": "pools:\\n  - { topic: efa, count: 2 }\\n"},
         "ects": 5}
        """

    @Test("a provider creates, edits and reads a course through the pages", arguments: DatabaseKind.allCases)
    func pages(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            try await Self.storeBanks(harness, ["datenschutz-dsgvo", "ozg-onlinedienste"])
            var browser = try await harness.signIn("anbieter")
            let list = try await harness.send(.get, "/provider/courses", as: &browser)
            #expect(list.status == .ok)
            #expect(String(buffer: list.body).contains("<label for=\"course-id\">"))

            let refused = try await harness.send(
                .post, "/provider/courses", as: &browser,
                form: ["id": "kurs-1", "title": "Kurs", "start": "2026-05-01", "end": "2026-04-01"])
            #expect(refused.status == .unprocessableContent)
            #expect(String(buffer: refused.body).contains("role=\"alert\""))
            #expect(String(buffer: refused.body).contains("period.end"))

            let created = try await harness.send(
                .post, "/provider/courses", as: &browser,
                form: ["id": "kurs-1", "title": "Verwaltung digital", "start": "2026-04-01", "end": "2026-06-30"])
            #expect(created.status == .seeOther)
            #expect(created.headers[.location] == "/provider/courses/kurs-1")

            let basics = try await harness.send(
                .post, "/provider/courses/kurs-1", as: &browser,
                form: [
                    "title": "Verwaltung digital (2026)", "start": "2026-04-01", "end": "2026-07-31", "viewed": "60",
                    "points": "55,5", "ects": "2,5", "results": "afterWindow",
                ])
            #expect(basics.status == .seeOther)
            let unit = try await harness.send(
                .post, "/provider/courses/kurs-1/units", as: &browser,
                form: ["title": "Einführung", "kind": "video", "minutes": "25"])
            #expect(unit.status == .seeOther)
            let badUnit = try await harness.send(
                .post, "/provider/courses/kurs-1/units", as: &browser,
                form: ["title": "Leer", "kind": "video", "minutes": "0"])
            #expect(badUnit.status == .unprocessableContent)
            let set = try await harness.send(
                .post, "/provider/courses/kurs-1/sets", as: &browser,
                form: [
                    "kind": "homework", "title": "Hausaufgabe 1", "bank": "datenschutz-dsgvo@1",
                    "items": "dsgvo-001, dsgvo-002\ndsgvo-003", "dueDate": "2026-05-15", "dueTime": "21:59",
                ])
            #expect(set.status == .seeOther)
            let badDue = try await harness.send(
                .post, "/provider/courses/kurs-1/sets", as: &browser,
                form: [
                    "kind": "homework", "title": "Hausaufgabe 2", "bank": "datenschutz-dsgvo@1", "items": "dsgvo-001",
                    "dueDate": "2026-02-30",
                ])
            #expect(badDue.status == .unprocessableContent)
            #expect(String(buffer: badDue.body).contains("Die Abgabefrist ist kein gültiger Zeitpunkt"))
            let unknownItem = try await harness.send(
                .post, "/provider/courses/kurs-1/sets", as: &browser,
                form: ["kind": "selfTest", "title": "Test", "bank": "datenschutz-dsgvo@1", "items": "dsgvo-999"])
            #expect(unknownItem.status == .unprocessableContent)
            #expect(
                String(buffer: unknownItem.body).contains("unknown item id &#39;dsgvo-999&#39;")
                    || String(buffer: unknownItem.body).contains("unknown item id 'dsgvo-999'"))
            let exam = try await harness.send(
                .post, "/provider/courses/kurs-1/final-exam", as: &browser,
                form: ["bank": "ozg-onlinedienste@1", "blueprint": "pools:\n  - { topic: nutzerkonten, count: 3 }\n"])
            #expect(exam.status == .seeOther)

            let page = try await harness.send(.get, "/provider/courses/kurs-1", as: &browser)
            let html = String(buffer: page.body)
            #expect(page.status == .ok)
            for expected in [
                "Verwaltung digital (2026)", "Einführung", "Hausaufgabe 1", "homework-1", "ozg-onlinedienste@1",
            ] {
                #expect(html.contains(expected), "the course page lacks \(expected)")
            }

            let stored = try #require(
                try await harness.site.database.courses.find(organisation: "demo-akademie", id: "kurs-1"))
            #expect(stored.definition.period.end == "2026-07-31")
            #expect(stored.definition.thresholds.viewedContent == 60)
            #expect(stored.definition.thresholds.points == Decimal(string: "55.5"))
            #expect(stored.definition.ects == Decimal(string: "2.5"))
            #expect(stored.definition.contentUnits.map(\.estimatedMinutes) == [25])
            #expect(stored.definition.sets.first?.items == ["dsgvo-001", "dsgvo-002", "dsgvo-003"])
            #expect(stored.definition.sets.first?.due == "2026-05-15T21:59:00Z")
            #expect(stored.definition.results == .afterWindow)
            #expect(html.contains("fällig 2026-05-15 21:59 UTC"))
            #expect(stored.definition.finalExam?.bank.description == "ozg-onlinedienste@1")

            let removed = try await harness.send(
                .post, "/provider/courses/kurs-1/units/remove", as: &browser, form: ["unit": "0"])
            #expect(removed.status == .seeOther)
            #expect(
                try await harness.site.database.courses.find(organisation: "demo-akademie", id: "kurs-1")?.definition
                    .contentUnits.isEmpty == true)

            let audit = try await harness.site.database.audit.entries(.init(target: "demo-akademie/kurs-1"))
            #expect(audit.filter { $0.action == "course.create" }.count == 1)
            #expect(audit.filter { $0.action == "course.update" }.count == 5)
            #expect(audit.allSatisfy { $0.actor == "anbieter" })
        }
    }

    @Test("the API creates, lists, reads and replaces courses; errors name the field", arguments: DatabaseKind.allCases)
    func api(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            try await Self.storeBanks(harness, ["datenschutz-dsgvo", "ozg-onlinedienste"])
            let headers = try await Self.bearer(harness, "anbieter")
            var client = Harness.Browser()
            let created = try await harness.send(
                .post, "/api/v1/courses", as: &client, headers: headers, body: ByteBuffer(string: Self.courseJSON))
            #expect(created.status == .created, "\(String(buffer: created.body))")
            let body = try Self.json(created)
            #expect(body["id"] as? String == "api-kurs")
            #expect(body["organisation"] as? String == "demo-akademie")
            #expect((body["thresholds"] as? [String: Any])?["points"] as? Int == 50)

            let list = try Self.json(try await harness.send(.get, "/api/v1/courses", as: &client, headers: headers))
            // The demo data of the harness include the demo course.
            #expect(
                Set((list["courses"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? [])
                    == ["api-kurs", DemoCourse.id])

            var replaced = Self.courseJSON.replacingOccurrences(of: "\"API-Kurs\"", with: "\"API-Kurs 2\"")
            let put = try await harness.send(
                .put, "/api/v1/courses/api-kurs", as: &client, headers: headers, body: ByteBuffer(string: replaced))
            #expect(put.status == .ok)
            let read = try Self.json(
                try await harness.send(.get, "/api/v1/courses/api-kurs", as: &client, headers: headers))
            #expect(read["title"] as? String == "API-Kurs 2")
            #expect((read["sets"] as? [Any])?.count == 2)

            let cases: [(String, String, String)] = [
                ("\"dsgvo-002\"]", "\"dsgvo-002\", \"dsgvo-999\"]", "sets[0].items[2]"),
                ("{ count: 4 }", "{ count: 400 }", "sets[1].blueprint"),
                ("\"end\": \"2026-07-31\"", "\"end\": \"2026-01-31\"", "period.end"),
                ("\"kind\": \"text\"", "\"kind\": \"podcast\"", "contentUnits[0].kind"),
                ("\"estimatedMinutes\": 30", "\"estimatedMinutes\": -1", "contentUnits[0].estimatedMinutes"),
                ("\"ects\": 5", "\"ects\": 61", "ects"),
            ]
            for (from, to, field) in cases {
                replaced = Self.courseJSON.replacingOccurrences(of: from, with: to)
                let response = try await harness.send(
                    .put, "/api/v1/courses/api-kurs", as: &client, headers: headers, body: ByteBuffer(string: replaced))
                #expect(response.status == .unprocessableContent, "\(to)")
                #expect(try Self.errorField(response) == field, "\(String(buffer: response.body))")
            }
            let renamed = try await harness.send(
                .put, "/api/v1/courses/api-kurs", as: &client, headers: headers,
                body: ByteBuffer(string: Self.courseJSON.replacingOccurrences(of: "\"api-kurs\"", with: "\"anders\"")))
            #expect(try Self.errorField(renamed) == "id")
            let twice = try await harness.send(
                .post, "/api/v1/courses", as: &client, headers: headers, body: ByteBuffer(string: Self.courseJSON))
            #expect(twice.status == .conflict)
            #expect(try await harness.site.database.audit.entries(.init(action: "course.update")).count == 1)
        }
    }

    @Test(
        "a CSV enrols the good rows and reports every row; a single learner is enrolled by JSON",
        arguments: DatabaseKind.allCases)
    func csv(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            try await Self.storeBanks(harness, ["datenschutz-dsgvo", "ozg-onlinedienste"])
            let headers = try await Self.bearer(harness, "anbieter")
            var client = Harness.Browser()
            try await harness.send(
                .post, "/api/v1/courses", as: &client, headers: headers, body: ByteBuffer(string: Self.courseJSON))
            let one = try await harness.send(
                .post, "/api/v1/courses/api-kurs/enrolments", as: &client, headers: headers,
                body: ByteBuffer(
                    string:
                        #"{"learnerId": "lernende", "name": "Lena Lernende", "email": "l@example.org", "birthDate": "1990-04-12"}"#
                ))
            #expect(one.status == .created)
            let badOne = try await harness.send(
                .post, "/api/v1/courses/api-kurs/enrolments", as: &client, headers: headers,
                body: ByteBuffer(
                    string: #"{"learnerId": "x", "name": "X", "email": "x@example.org", "birthDate": "1990-13-01"}"#))
            #expect(badOne.status == .unprocessableContent)
            #expect(try Self.errorField(badOne) == "birthDate")

            var csvHeaders = try await Self.bearer(harness, "anbieter", json: false)
            csvHeaders[.contentType] = "text/csv"
            let csv = """
                name,learner_id,email,birth_date
                "Müller, Anna",anna,anna@example.org,1988-02-29
                Bernd,bernd,kein-at-zeichen,1970-01-01
                Lena Lernende,lernende,l@example.org,1990-04-12
                "Carla ""CJ"" Jansen",carla,carla@example.org,1999-12-31
                zu,wenig
                Anna doppelt,anna,anna2@example.org,1988-02-29

                """
            let upload = try await harness.send(
                .post, "/api/v1/courses/api-kurs/enrolments", as: &client, headers: csvHeaders,
                body: ByteBuffer(string: csv))
            #expect(upload.status == .ok, "\(String(buffer: upload.body))")
            let report = try Self.json(upload)
            let rows = try #require(report["rows"] as? [[String: Any]])
            #expect(rows.compactMap { $0["row"] as? Int } == [2, 3, 4, 5, 6, 7])
            #expect(
                rows.compactMap { $0["status"] as? String }
                    == ["enrolled", "skipped", "skipped", "enrolled", "skipped", "skipped"])
            #expect((rows[1]["reason"] as? String)?.hasPrefix("email:") == true)
            #expect(report["enrolled"] as? Int == 2 && report["skipped"] as? Int == 4)

            let listed = try Self.json(
                try await harness.send(.get, "/api/v1/courses/api-kurs/enrolments", as: &client, headers: headers))
            let enrolments = try #require(listed["enrolments"] as? [[String: Any]])
            #expect(
                enrolments.compactMap { $0["name"] as? String } == [
                    "Carla \"CJ\" Jansen", "Lena Lernende", "Müller, Anna",
                ])

            var browser = try await harness.signIn("anbieter")
            try await harness.send(.get, "/provider/courses/api-kurs", as: &browser)
            let boundary = "campus-test-boundary"
            var multipart =
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(browser.csrf ?? "")\r\n"
            multipart += "--\(boundary)\r\nContent-Disposition: form-data; name=\"csv\"; filename=\"l.csv\"\r\n"
            multipart += "Content-Type: text/csv\r\n\r\n"
            multipart += "learner_id;name;email;birth_date\r\ndora;Dora D;dora@example.org;2001-07-15\r\n"
            multipart += "erik;Erik E;erik@example.org;2001-02-30\r\n\r\n--\(boundary)--\r\n"
            var formHeaders = HTTPFields()
            formHeaders[.contentType] = "multipart/form-data; boundary=\(boundary)"
            let page = try await harness.send(
                .post, "/provider/courses/api-kurs/enrolments/csv", as: &browser, headers: formHeaders,
                body: ByteBuffer(string: multipart))
            let html = String(buffer: page.body)
            #expect(page.status == .ok)
            #expect(html.contains("Zeile 2: eingeschrieben (dora)"))
            #expect(html.contains("Zeile 3: übersprungen: birth_date"))
            #expect(html.contains("1 eingeschrieben, 1 übersprungen."))

            let audit = try await harness.site.database.audit.entries(.init(action: "enrolment.add"))
            #expect(
                Set(audit.map(\.target).filter { $0.hasPrefix("demo-akademie/api-kurs/") })
                    == Set(["lernende", "anna", "carla", "dora"].map { "demo-akademie/api-kurs/\($0)" }))
        }
    }

    @Test("a CSV over 1 MB is refused with 413, by the API and by the page", arguments: DatabaseKind.allCases)
    func oversize(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            try await Self.storeBanks(harness, ["datenschutz-dsgvo", "ozg-onlinedienste"])
            let headers = try await Self.bearer(harness, "anbieter")
            var client = Harness.Browser()
            try await harness.send(
                .post, "/api/v1/courses", as: &client, headers: headers, body: ByteBuffer(string: Self.courseJSON))
            var csvHeaders = try await Self.bearer(harness, "anbieter", json: false)
            csvHeaders[.contentType] = "text/csv"
            let row = "x1,Name,x@example.org,1990-01-01\n"
            let big =
                "learner_id,name,email,birth_date\n" + String(repeating: row, count: Limits.csv / row.utf8.count + 1)
            #expect(big.utf8.count > Limits.csv)
            let response = try await harness.send(
                .post, "/api/v1/courses/api-kurs/enrolments", as: &client, headers: csvHeaders,
                body: ByteBuffer(string: big))
            #expect(response.status == .contentTooLarge)
            #expect(try Self.json(response)["error"] != nil)

            var browser = try await harness.signIn("anbieter")
            try await harness.send(.get, "/provider/courses/api-kurs", as: &browser)
            let boundary = "b"
            var multipart =
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(browser.csrf ?? "")\r\n"
            multipart += "--\(boundary)\r\nContent-Disposition: form-data; name=\"csv\"; filename=\"big.csv\"\r\n\r\n"
            multipart += big + "\r\n--\(boundary)--\r\n"
            var formHeaders = HTTPFields()
            formHeaders[.contentType] = "multipart/form-data; boundary=\(boundary)"
            let page = try await harness.send(
                .post, "/provider/courses/api-kurs/enrolments/csv", as: &browser, headers: formHeaders,
                body: ByteBuffer(string: multipart))
            #expect(page.status == .contentTooLarge)
            #expect(
                try await harness.site.database.audit.entries(.init(action: "enrolment.add")).filter {
                    $0.target.hasPrefix("demo-akademie/api-kurs/")
                }.isEmpty)
        }
    }

    @Test("another organisation's provider gets 404 for every course route", arguments: DatabaseKind.allCases)
    func otherOrganisation(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            try await Self.storeBanks(harness, ["datenschutz-dsgvo", "ozg-onlinedienste"])
            var client = Harness.Browser()
            try await harness.send(
                .post, "/api/v1/courses", as: &client, headers: try await Self.bearer(harness, "anbieter"),
                body: ByteBuffer(string: Self.courseJSON))
            let other = try await Self.bearer(harness, "ihk-anbieter")
            for (method, path) in [
                (HTTPRequest.Method.get, "/api/v1/courses/api-kurs"), (.put, "/api/v1/courses/api-kurs"),
                (.get, "/api/v1/courses/api-kurs/enrolments"), (.post, "/api/v1/courses/api-kurs/enrolments"),
            ] {
                let response = try await harness.send(
                    method, path, as: &client, headers: other, body: ByteBuffer(string: Self.courseJSON))
                #expect(response.status == .notFound, "\(method) \(path): \(response.status)")
            }
            let list = try Self.json(try await harness.send(.get, "/api/v1/courses", as: &client, headers: other))
            #expect((list["courses"] as? [Any])?.isEmpty == true)

            var browser = try await harness.signIn("ihk-anbieter")
            #expect(try await harness.send(.get, "/provider/courses/api-kurs", as: &browser).status == .notFound)
            try await harness.send(.get, "/provider/courses", as: &browser)
            let post = try await harness.send(
                .post, "/provider/courses/api-kurs", as: &browser,
                form: ["title": "Übernommen", "start": "2026-01-01", "end": "2026-02-01"])
            #expect(post.status == .notFound)
            #expect(
                !String(buffer: try await harness.send(.get, "/provider/courses", as: &browser).body).contains(
                    "api-kurs"))
            #expect(
                try await harness.site.database.courses.find(organisation: "demo-akademie", id: "api-kurs")?.definition
                    .title == "API-Kurs")
        }
    }

    @Test(
        "the demo start makes the demo course once, from the demo banks, with the demo learners enrolled",
        arguments: DatabaseKind.allCases)
    func demoCourse(kind: DatabaseKind) async throws {
        try await Harness.with(kind) { harness in
            let database = harness.site.database
            // The harness started with --demo: the banks were stored and the course made; a second call makes none.
            #expect(try await DemoCourse.make(in: database) == false)
            let course = try #require(try await database.courses.find(organisation: "demo-akademie", id: DemoCourse.id))
            #expect(course.definition.ects == 5)
            #expect(course.definition.sets.map(\.kind) == [.homework, .selfTest])
            #expect(course.definition.finalExam?.bank.description == "ozg-onlinedienste@1")
            let enrolled = try await database.courses.enrolments(course: DemoCourse.id, organisation: "demo-akademie")
            #expect(
                Set(enrolled?.map(\.learner.learnerID) ?? []) == ["lernende", "l-0002", "l-0003", "l-0004", "l-0005"])
        }
    }
}
