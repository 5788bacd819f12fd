import Assessment
import Certificates
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Storage
import Verify

/// Public verification, without sign-in: the `/verify` page (a PDF, a link or a token), `/v/{id}` (the QR code's
/// target), `POST /api/v1/verify`, the public registry record, the signed status list and the trust list.
/// Verifications are rate-limited per address, with the counters in the database (they hold across nodes).
struct VerifyRoutes {
    let site: Site

    func register(in registry: inout RouteRegistry) {
        registry.add(.get, "/verify", .anyone, .page) { request, context in
            site.page(
                "verify", title: site.strings(context).text("verify_title"), ["limit_mb": Limits.pdf / 1_000_000],
                request: request, context: context)
        }
        registry.add(.post, "/verify", .anyone, .page, bodyLimit: Limits.pdf) { request, context in
            try await limitRate(context)
            let strings = site.strings(context)
            let answer: VerificationAnswer
            if let upload = context.form.files["pdf"], !upload.bytes.isEmpty {
                guard upload.bytes.count <= Limits.pdf else {
                    throw HTTPFailure(.contentTooLarge, "tooLarge", strings.text("error_too_large", "10 MB"))
                }
                answer = try await verify(pdf: upload.bytes)
            } else if let link = context.form.fields["link"]?.trimmingCharacters(in: .whitespacesAndNewlines),
                !link.isEmpty
            {
                answer = try await verify(token: link)
            } else {
                return site.page(
                    "verify", title: strings.text("verify_title"),
                    ["limit_mb": Limits.pdf / 1_000_000, "error": strings.text("verify_nothing")], request: request,
                    context: context, status: .unprocessableContent)
            }
            var data = Self.presentation(answer, strings: strings)
            data["limit_mb"] = Limits.pdf / 1_048_576
            return site.page(
                "verify", title: strings.text("verify_result_title"), data, request: request, context: context)
        }
        // Compact QR codes spell the path /V/ (alphanumeric mode); both lead to the same page.
        let recordPage: CampusHandler = { request, context in
            try await limitRate(context)
            let strings = site.strings(context)
            let row = try await standing(context.parameters.get("id") ?? "", strings: strings)
            var data = Self.recordPresentation(row, strings: strings)
            data["id"] = row.id
            return site.page(
                "verify-record", title: strings.text("verify_record_title", row.id), data, request: request,
                context: context)
        }
        registry.add(.get, "/v/:id", .anyone, .page, recordPage)
        registry.add(.get, "/V/:id", .anyone, .page, recordPage)
        registry.add(.post, "/api/v1/verify", .anyone, .api, bodyLimit: Limits.pdf) { request, context in
            try await limitRate(context)
            let type = (request.headers[.contentType] ?? "").lowercased()
            if type.hasPrefix("application/pdf") {
                guard context.body.count <= Limits.pdf else {
                    throw HTTPFailure(
                        .contentTooLarge, "tooLarge", site.strings(context).text("error_too_large", "10 MB"))
                }
                return try Site.json(try await verify(pdf: context.body))
            }
            guard type.hasPrefix("application/json") else {
                throw HTTPFailure(
                    .unsupportedMediaType, "unsupportedMediaType",
                    "send a PDF as application/pdf, or {\"token\": \"…\"} as application/json")
            }
            guard context.body.count <= Limits.form else {
                throw HTTPFailure(.contentTooLarge, "tooLarge", "a token request is at most 64 KB")
            }
            struct TokenRequest: Decodable { let token: String }
            guard let token = try? JSONDecoder().decode(TokenRequest.self, from: Data(context.body)).token else {
                throw HTTPFailure(
                    .badRequest, "badRequest", "the body must be a JSON object {\"token\": \"…\"}", field: "token")
            }
            return try Site.json(try await verify(token: token))
        }
        registry.add(.get, "/api/v1/certificates/:id", .anyone, .api) { _, context in
            try await limitRate(context)
            let row = try await standing(context.parameters.get("id") ?? "", strings: site.strings(context))
            return try Site.json(PublicRecord(row))
        }
        registry.add(.get, "/status/list", .anyone, .api) { _, _ in
            let signed = try await site.statusLists.current()
            var headers = HTTPFields()
            headers[.contentType] = "application/jose"
            headers[.cacheControl] = "public, max-age=300"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: signed)))
        }
        registry.add(.get, "/.well-known/campus-trust.json", .anyone, .api) { _, _ in
            try Site.json(
                TrustDocument(
                    roots: Self.pemBlocks(site.keys.rootPEM), issuers: Self.pemBlocks(site.keys.chainPEM),
                    statusList: "\(site.configuration.base)/status/list"))
        }
    }

    // MARK: - Verifying

    /// Counts one verification for the caller's address; 429 past the limit.
    private func limitRate(_ context: CampusContext) async throws {
        let allowed = try await site.database.sessions.hit(
            "verify:address:\(context.clientAddress)", limit: Int64(site.configuration.verificationsPerWindow),
            window: ServiceConfiguration.verificationWindow)
        guard allowed else {
            throw HTTPFailure(.tooManyRequests, "rateLimited", site.strings(context).text("verify_rate_limited"))
        }
    }

    private func verifier() async throws -> CertificateVerifier {
        CertificateVerifier(trust: site.verificationTrust, status: try await site.statusLists.current())
    }

    /// The verdict on a PDF, with the registry's word on the certificate it names.
    func verify(pdf: [UInt8]) async throws -> VerificationAnswer {
        let verdict = try await verifier().verify(pdf: pdf)
        let id = verdict.record?.id ?? verdict.unverifiedRecord?.id
        let presented = verdict.record.map { Digest.hex($0.canonicalHash) }
        return VerificationAnswer(verdict: verdict, registry: try await registryStanding(id: id, hash: presented))
    }

    /// The verdict on a QR link (`…/v/ID#TOKEN`) or a bare token (a JWS; a compact token needs its link), with the
    /// registry's word.
    func verify(token text: String) async throws -> VerificationAnswer {
        // The whole link goes to the verifier: a compact token is signed with the id the link names.
        let (linkID, token) = CertificateVerifier.splitToken(text)
        let verdict = try await verifier().verify(token: text)
        let id =
            verdict.claims?.id
            ?? (CompactToken.isCompact(token)
                ? try? CompactToken.decode(token, id: linkID).get().claims.id
                : try? CertificateToken.decode(token).get().claims.id)
        let presented = verdict.claims.flatMap { Base64URL.decode($0.hash) }.map(Digest.hex)
        return VerificationAnswer(verdict: verdict, registry: try await registryStanding(id: id, hash: presented))
    }

    /// What the registry says of `id`, and whether the verified record hash `hash` (hex; a compact token's holds its
    /// first 16 bytes) is the one it issued.
    private func registryStanding(id: String?, hash: String?) async throws -> RegistryStanding {
        guard let id, CertificateID.isValid(id), let row = try await site.database.registry.find(id: id) else {
            return RegistryStanding(
                id: id.flatMap { CertificateID.isValid($0) ? $0 : nil }, status: "unknown", matches: false,
                issued: nil, statusDate: nil, reason: nil, replacedBy: nil)
        }
        return RegistryStanding(
            id: row.id, status: PublicRecord.word(row.status),
            matches: hash.map { $0.count == 64 ? $0 == row.recordHash : $0.count == 32 && row.recordHash.hasPrefix($0) }
                ?? false,
            issued: row.issued,
            statusDate: row.statusDate.isEmpty ? nil : row.statusDate, reason: row.reason.isEmpty ? nil : row.reason,
            replacedBy: row.replacedBy.isEmpty ? nil : row.replacedBy)
    }

    /// The registry row for `id`, or 404 "no certificate with this id was issued here".
    private func standing(_ id: String, strings: Strings) async throws -> Storage.IssuedCertificate {
        guard CertificateID.isValid(id), let row = try await site.database.registry.find(id: id) else {
            throw HTTPFailure(.notFound, "notFound", strings.text("verify_unknown_id"))
        }
        return row
    }

    // MARK: - Presenting

    /// The verdict for the page: the headline, verified facts only, and for an invalid certificate each failed
    /// check in plain words with the verifier's detail.
    static func presentation(_ answer: VerificationAnswer, strings: Strings) -> [String: Any] {
        let verdict = answer.verdict
        var data: [String: Any] = ["result": true, "valid": verdict.isValid, "expired": verdict.isExpired]
        if let expiredOn = verdict.expiredOn { data["expired_on"] = expiredOn }
        var facts: [[String: String]] = []
        if let record = verdict.record {
            facts = Self.facts(VerdictOutput.Certificate(record), strings: strings)
        } else if let claims = verdict.claims {
            facts = [
                ["label": strings.text("verify_fact_id"), "value": claims.id],
                ["label": strings.text("verify_fact_holder"), "value": claims.name],
                ["label": strings.text("verify_fact_course"), "value": claims.course],
                ["label": strings.text("verify_fact_tier"), "value": Self.tierName(claims.tier, strings: strings)],
                ["label": strings.text("verify_fact_issued"), "value": claims.issued],
            ]
            if let score = claims.score { facts.append(["label": strings.text("verify_fact_score"), "value": score]) }
            if let ects = claims.ects { facts.append(["label": strings.text("verify_fact_ects"), "value": ects]) }
            if let until = claims.validUntil {
                facts.append(["label": strings.text("verify_fact_valid_until"), "value": until])
            }
        }
        // A verified signature time-stamp: when it was signed, and who vouches for that.
        if verdict.isGenuine, !facts.isEmpty, let stamp = verdict.signer?.timeStamp {
            facts.append([
                "label": strings.text("verify_fact_signed"),
                "value": strings.text(
                    "verify_fact_signed_value", ReviewRoutes.time(Int64(stamp.time.timeIntervalSince1970)),
                    stamp.authority),
            ])
        }
        data["facts"] = facts
        data["has_facts"] = !facts.isEmpty
        data["failures"] = verdict.failures.map { check in
            [
                "check": strings.text("verify_check_\(check.name.rawValue.replacingOccurrences(of: "-", with: "_"))"),
                "detail": check.detail,
            ]
        }
        let standing = answer.registry
        var registry: [String: Any] = [
            "id": standing.id ?? "", "word": strings.text("verify_status_\(standing.status)"),
            "class": standing.status, "matches": standing.matches,
        ]
        if let date = standing.statusDate { registry["date"] = date }
        if let reason = standing.reason { registry["reason"] = reason }
        if let replacement = standing.replacedBy { registry["replaced_by"] = replacement }
        registry["known"] = standing.status != "unknown"
        data["registry"] = registry
        return data
    }

    /// The registry record for `/v/{id}`: status in words and colour, date and reason, and the facts printed on the
    /// certificate (without the birth date).
    static func recordPresentation(_ row: Storage.IssuedCertificate, strings: Strings) -> [String: Any] {
        let word = PublicRecord.word(row.status)
        var data: [String: Any] = [
            "status_word": strings.text("verify_status_\(word)"), "status_class": word,
            "standing": row.status == .issued,
        ]
        if !row.statusDate.isEmpty { data["status_date"] = row.statusDate }
        if !row.reason.isEmpty { data["reason"] = row.reason }
        if !row.replacedBy.isEmpty { data["replaced_by"] = row.replacedBy }
        if let record = try? CertificateRecord.parse(canonical: Array(row.recordJSON.utf8)) {
            data["facts"] = facts(VerdictOutput.Certificate(record), strings: strings)
        } else {
            data["facts"] = [
                ["label": strings.text("verify_fact_holder"), "value": row.holderName],
                ["label": strings.text("verify_fact_tier"), "value": tierName(row.tier.rawValue, strings: strings)],
                ["label": strings.text("verify_fact_issued"), "value": row.issued],
            ]
        }
        return data
    }

    static func facts(_ certificate: VerdictOutput.Certificate, strings: Strings) -> [[String: String]] {
        var facts = [
            ["label": strings.text("verify_fact_id"), "value": certificate.id],
            ["label": strings.text("verify_fact_holder"), "value": certificate.holder],
            ["label": strings.text("verify_fact_course"), "value": certificate.course],
            ["label": strings.text("verify_fact_provider"), "value": certificate.provider],
            ["label": strings.text("verify_fact_period"), "value": "\(certificate.start) – \(certificate.end)"],
            ["label": strings.text("verify_fact_tier"), "value": tierName(certificate.tier, strings: strings)],
        ]
        if let score = certificate.score {
            facts.append(
                [
                    "label": strings.text("verify_fact_score"),
                    "value": "\(score.points) / \(score.max) (\(score.percent) %)",
                ])
        }
        if let ects = certificate.ects { facts.append(["label": strings.text("verify_fact_ects"), "value": ects]) }
        facts.append(["label": strings.text("verify_fact_issued"), "value": certificate.issued])
        if let until = certificate.validUntil {
            facts.append(["label": strings.text("verify_fact_valid_until"), "value": until])
        }
        facts.append(["label": strings.text("verify_fact_issuer"), "value": certificate.issuer])
        return facts
    }

    static func tierName(_ raw: String, strings: Strings) -> String {
        guard let tier = Tier(rawValue: raw) else { return raw }
        return strings.text("tier_\(tier.rawValue)")
    }

    /// The PEM blocks of a PEM file, each on its own.
    static func pemBlocks(_ pem: [UInt8]) -> [String] {
        let end = "-----END CERTIFICATE-----"
        return String(decoding: pem, as: UTF8.self).components(separatedBy: end).compactMap { part in
            guard let start = part.range(of: "-----BEGIN CERTIFICATE-----") else { return nil }
            return String(part[start.lowerBound...]) + end + "\n"
        }
    }
}

/// The registry's word on a certificate, as `POST /api/v1/verify` adds it to the verdict.
struct RegistryStanding: Encodable {
    /// The id the document or token names (when it is a certificate id at all).
    let id: String?
    /// `valid`, `revoked`, `superseded`, or `unknown` (no certificate with this id was issued here).
    let status: String
    /// Whether the verified record is the one the registry holds for the id.
    let matches: Bool
    let issued: String?
    let statusDate: String?
    let reason: String?
    let replacedBy: String?
}

/// The verifier's JSON (as `campus verify --json` prints it) plus `registry`.
struct VerificationAnswer: Encodable {
    let verdict: CertificateVerdict
    let registry: RegistryStanding

    enum CodingKeys: String, CodingKey { case registry }

    func encode(to encoder: any Encoder) throws {
        try VerdictOutput(verdict).encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(registry, forKey: .registry)
    }
}

/// A registry record as anyone may read it: what is printed on the certificate (without the birth date) and how it
/// stands.
struct PublicRecord: Encodable {
    let id: String
    let status: String
    let issued: String
    let tier: String
    let course: String
    let courseTitle: String?
    let holderName: String
    let statusDate: String?
    let reason: String?
    let replacedBy: String?

    init(_ row: Storage.IssuedCertificate) {
        id = row.id
        status = Self.word(row.status)
        issued = row.issued
        tier = row.tier.rawValue
        course = row.course
        courseTitle = (try? CertificateRecord.parse(canonical: Array(row.recordJSON.utf8)))?.course.title
        holderName = row.holderName
        statusDate = row.statusDate.isEmpty ? nil : row.statusDate
        reason = row.reason.isEmpty ? nil : row.reason
        replacedBy = row.replacedBy.isEmpty ? nil : row.replacedBy
    }

    /// `valid` for a standing certificate (the registry stores `issued`), else `revoked` or `superseded`.
    static func word(_ state: CertificateRegistry.State) -> String {
        switch state {
        case .issued: "valid"
        case .revoked: "revoked"
        case .superseded: "superseded"
        }
    }
}

/// `/.well-known/campus-trust.json`: what an offline verifier needs to trust this issuer.
struct TrustDocument: Encodable {
    /// The root certificates (PEM), one per entry.
    let roots: [String]
    /// The issuer certificate and its chain (PEM), one per entry.
    let issuers: [String]
    /// Where the signed status list is published.
    let statusList: String
}
