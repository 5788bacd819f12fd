import Assessment
import Foundation

extension CertificateRecord {
    /// Largest record JSON accepted, in bytes.
    public static let maximumJSONSize = 64 * 1024

    /// Parses the JSON input format (see the type's documentation); `issuer` comes from the signer.
    ///
    /// Unknown fields are refused, so that a typo such as `birthdate` is not silently dropped.
    public static func parse(json data: [UInt8], issuer: String) throws(CertificateError) -> CertificateRecord {
        guard data.count <= maximumJSONSize else {
            throw CertificateError(.record, "record is larger than \(maximumJSONSize / 1024) KB")
        }
        if let syntax = JSONSyntax.problem(in: data) {
            let what = syntax.kind == .syntax ? "is not valid JSON" : "has a member twice"
            throw CertificateError(.record, "record \(what): \(syntax)")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(data))
        } catch {
            throw CertificateError(.record, "record is not valid JSON")
        }
        guard let root = object as? [String: Any] else {
            throw CertificateError(.record, "record must be a JSON object")
        }
        try checkKeys(
            root, allowed: ["id", "holder", "course", "tier", "score", "issued", "validUntil", "language"], at: "")
        if let holder = root["holder"] as? [String: Any] {
            try checkKeys(holder, allowed: ["name", "birthDate"], at: "holder.")
        }
        if let course = root["course"] as? [String: Any] {
            try checkKeys(course, allowed: ["title", "provider", "ects", "start", "end"], at: "course.")
        }
        if let score = root["score"] as? [String: Any] {
            try checkKeys(score, allowed: ["points", "max"], at: "score.")
        }
        let file: RecordFile
        do {
            file = try JSONDecoder().decode(RecordFile.self, from: Data(data))
        } catch let error as DecodingError {
            throw CertificateError(.record, DecodingProblem.describe(error))
        } catch {
            throw CertificateError(.record, "record is not valid JSON")
        }
        return try build(file, issuer: issuer, issuing: true)
    }

    /// A validated record from the decoded input format; see ``validate(issuing:)`` for `issuing`.
    private static func build(_ file: RecordFile, issuer: String, issuing: Bool) throws(CertificateError)
        -> CertificateRecord
    {
        guard let tier = Tier(rawValue: file.tier) else {
            throw CertificateError(.record, "tier: '\(file.tier)' must be attendance, scored or qualified")
        }
        let languageCode = file.language ?? "de"
        guard let language = Language(rawValue: languageCode) else {
            throw CertificateError(.record, "language: '\(languageCode)' must be de or en")
        }
        func number(_ value: Decimal, _ field: String) throws(CertificateError) -> Rational {
            guard let rational = Rational(decimal: value.description), rational >= .zero,
                (rational * Rational(10_000)).isInteger, rational <= Rational(1_000_000)
            else {
                throw CertificateError(.record, "\(field): \(value) must be a number from 0 with at most 4 decimals")
            }
            return rational
        }
        var score: Score? = nil
        if let fileScore = file.score {
            score = Score(
                points: try number(fileScore.points, "score.points"), maximum: try number(fileScore.max, "score.max"))
        }
        let record = CertificateRecord(
            id: file.id, holder: Holder(name: file.holder.name, birthDate: file.holder.birthDate),
            course: Course(
                title: file.course.title, provider: file.course.provider,
                ects: try file.course.ects.map { value throws(CertificateError) in try number(value, "course.ects") },
                start: file.course.start, end: file.course.end),
            tier: tier, score: score, issued: file.issued, language: language, issuer: issuer,
            validUntil: file.validUntil)
        try record.validate(issuing: issuing)
        return record
    }

    /// Reads a record embedded in a certificate: the input format plus `issuer`, and it must be
    /// byte for byte in canonical form (anything else was not written by an issuer).
    public static func parse(canonical data: [UInt8]) throws(CertificateError) -> CertificateRecord {
        guard data.count <= maximumJSONSize else {
            throw CertificateError(.record, "record is larger than \(maximumJSONSize / 1024) KB")
        }
        let file: CanonicalRecordFile
        do {
            file = try JSONDecoder().decode(CanonicalRecordFile.self, from: Data(data))
        } catch let error as DecodingError {
            throw CertificateError(.record, DecodingProblem.describe(error))
        } catch {
            throw CertificateError(.record, "the embedded record is not valid JSON")
        }
        let record = try build(file.record, issuer: file.issuer, issuing: false)
        // Byte-for-byte canonical: this also rules out unknown fields and any other spelling.
        guard record.canonicalJSON == data else {
            throw CertificateError(.record, "the embedded record is not in canonical form")
        }
        return record
    }

    private static func checkKeys(_ object: [String: Any], allowed: Set<String>, at prefix: String)
        throws(CertificateError)
    {
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw CertificateError(
                .record, "\(prefix)\(unknown): unknown field (expected \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    /// The canonical serialization that the PDF signature, the embedded attachment and the QR token bind.
    ///
    /// Compact JSON (no white space), keys sorted by their UTF-8 bytes at every level, strings in
    /// Unicode NFC with only `"`, `\` and control characters escaped (`\"`, `\\`, `\u00XX`), numbers as
    /// exact decimals without exponent or trailing zeros, optional fields omitted when absent. Fields:
    /// `course{end,ects?,provider,start,title}`, `holder{birthDate?,name}`, `id`, `issued`, `issuer`,
    /// `language`, `score{max,points}?`, `tier`, `validUntil?`.
    public var canonicalJSON: [UInt8] {
        var course: [(String, CanonicalJSON.Value)] = [
            ("end", .string(self.course.end)), ("provider", .string(self.course.provider)),
            ("start", .string(self.course.start)), ("title", .string(self.course.title)),
        ]
        if let ects = self.course.ects { course.append(("ects", .number(ects))) }
        var holder: [(String, CanonicalJSON.Value)] = [("name", .string(self.holder.name))]
        if let birthDate = self.holder.birthDate { holder.append(("birthDate", .string(birthDate))) }
        var root: [(String, CanonicalJSON.Value)] = [
            ("course", .object(course)), ("holder", .object(holder)), ("id", .string(id)),
            ("issued", .string(issued)), ("issuer", .string(issuer)), ("language", .string(language.rawValue)),
            ("tier", .string(tier.rawValue)),
        ]
        if let score {
            root.append(("score", .object([("max", .number(score.maximum)), ("points", .number(score.points))])))
        }
        if let validUntil { root.append(("validUntil", .string(validUntil))) }
        return CanonicalJSON.encode(.object(root))
    }

    /// SHA-256 of ``canonicalJSON`` (32 bytes).
    public var canonicalHash: [UInt8] { Digest.sha256(canonicalJSON) }
}

/// The canonical form: the input fields plus `issuer`.
private struct CanonicalRecordFile: Decodable {
    let record: RecordFile
    let issuer: String

    enum CodingKeys: String, CodingKey {
        case issuer
    }

    init(from decoder: any Decoder) throws {
        record = try RecordFile(from: decoder)
        issuer = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .issuer)
    }
}

private struct RecordFile: Decodable {
    struct HolderFile: Decodable {
        var name: String
        var birthDate: String?
    }
    struct CourseFile: Decodable {
        var title: String
        var provider: String
        var ects: Decimal?
        var start: String
        var end: String
    }
    struct ScoreFile: Decodable {
        var points: Decimal
        var max: Decimal
    }
    var id: String
    var holder: HolderFile
    var course: CourseFile
    var tier: String
    var score: ScoreFile?
    var issued: String
    var validUntil: String?
    var language: String?
}

/// The canonical JSON writer (see ``CertificateRecord/canonicalJSON``).
enum CanonicalJSON {
    indirect enum Value {
        case string(String)
        case number(Rational)
        case object([(String, Value)])
        case array([Value])
    }

    static func encode(_ value: Value) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(512)
        write(value, into: &output)
        return output
    }

    private static func write(_ value: Value, into output: inout [UInt8]) {
        switch value {
        case .string(let text):
            writeString(text, into: &output)
        case .number(let number):
            output += Array(number.formatted(places: 4).utf8)
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            let sorted = members.sorted { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
            for (index, member) in sorted.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                writeString(member.0, into: &output)
                output.append(UInt8(ascii: ":"))
                write(member.1, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        }
    }

    private static func writeString(_ text: String, into output: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        output.append(UInt8(ascii: "\""))
        // Characters below U+0300 are never changed or composed by NFC: skip Foundation's normalisation then.
        let normalized =
            text.unicodeScalars.allSatisfy({ $0.value < 0x300 }) ? text : text.precomposedStringWithCanonicalMapping
        for byte in normalized.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                output += [UInt8(ascii: "\\"), byte]
            case 0..<0x20:
                output += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default:
                output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
