import Assessment
import Foundation

/// A certificate as an Open Badges 3.0 `OpenBadgeCredential` (W3C Verifiable Credentials Data Model 2.0), secured
/// as a JWT by the issuer key (VC-JOSE-COSE: header `{"alg":"ES256","kid":…,"typ":"vc+jwt"}`, the credential
/// itself as the payload), for HR systems and learners' wallets.
///
/// `kid` is the base64url SHA-256 thumbprint of the issuer certificate, the key's entry on the issuer's trust list.
/// The credential's `id` is the certificate's verification page (`BASE/v/ID`), `credentialStatus` points at the
/// issuer's status list, `validUntil` is there when the certificate expires.
public enum OpenBadgeCredential {
    /// The JSON-LD contexts, in order: VC Data Model 2.0, then Open Badges 3.0.
    public static let contexts = [
        "https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    /// The `credentialStatus` type of the issuer's status list (a JWS of revoked and superseded ids).
    public static let statusType = "KommunalCampusStatusList"
    /// Longest credential JWT read, in bytes.
    public static let maximumLength = 32 * 1024

    /// The credential for `record` (a verified one) issued at the service `base` (`https://…`).
    public static func credential(for record: CertificateRecord, base: String) -> [String: Any] {
        var trimmed = base
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        let german = record.language == .german
        let tierName = german ? record.tier.germanName : record.tier.englishName
        let achievementID = achievementURN(record)
        var achievement: [String: Any] = [
            "id": achievementID, "type": ["Achievement"], "achievementType": "Certificate",
            "name": "\(tierName): \(record.course.title)",
            "description": german
                ? "\(tierName) über den Kurs „\(record.course.title)“ von \(record.course.provider)."
                : "\(tierName) for the course “\(record.course.title)” by \(record.course.provider).",
            "criteria": ["narrative": criteria(record.tier, german: german)],
            "creator": ["id": trimmed, "type": ["Profile"], "name": record.course.provider],
        ]
        var subject: [String: Any] = [
            "type": ["AchievementSubject"],
            "identifier": [
                [
                    "type": "IdentityObject", "identityType": "name", "hashed": false,
                    "identityHash": record.holder.name,
                ]
            ],
            "activityStartDate": "\(record.course.start)T00:00:00Z",
            "activityEndDate": "\(record.course.end)T23:59:59Z",
        ]
        if let ects = record.course.ects, record.tier == .qualified {
            let credits = NSDecimalNumber(string: ects.formatted(places: 4))
            achievement["creditsAvailable"] = credits
            subject["creditsEarned"] = credits
        }
        if let score = record.score {
            let description = achievementID + "#score"
            achievement["resultDescriptions"] = [
                [
                    "id": description, "type": ["ResultDescription"], "resultType": "Percent",
                    "name": german
                        ? "Punkte in Hausaufgaben und Abschlussprüfung (\(score.points.formatted(places: 4)) von "
                            + "\(score.maximum.formatted(places: 4)))"
                        : "Points in homework and final exam (\(score.points.formatted(places: 4)) of "
                            + "\(score.maximum.formatted(places: 4)))",
                ]
            ]
            subject["result"] = [
                ["type": ["Result"], "resultDescription": description, "value": score.percent.formatted(places: 2)]
            ]
        }
        subject["achievement"] = achievement
        var credential: [String: Any] = [
            "@context": contexts,
            "id": "\(trimmed)/v/\(record.id)",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": ["id": trimmed, "type": ["Profile"], "name": record.issuer],
            "name": "\(tierName) – \(record.course.title)",
            "validFrom": "\(record.issued)T00:00:00Z",
            "credentialSubject": subject,
            "credentialStatus": [
                "id": "\(trimmed)/status/list#\(record.id)", "type": statusType,
            ],
        ]
        if let validUntil = record.validUntil { credential["validUntil"] = "\(validUntil)T23:59:59Z" }
        return credential
    }

    /// The credential for `record` as a JWT signed by `identity` (ECDSA P-256).
    public static func make(for record: CertificateRecord, identity: SigningIdentity, base: String)
        throws(CertificateError) -> String
    {
        let header: [String: Any] = [
            "alg": "ES256", "typ": "vc+jwt", "kid": Base64URL.encode(identity.keyThumbprint),
        ]
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        guard let headerJSON = try? JSONSerialization.data(withJSONObject: header, options: options),
            let payloadJSON = try? JSONSerialization.data(
                withJSONObject: credential(for: record, base: base), options: options)
        else { throw CertificateError(.record, "the credential could not be written as JSON") }
        let signingInput = Base64URL.encode(Array(headerJSON)) + "." + Base64URL.encode(Array(payloadJSON))
        return signingInput + "." + Base64URL.encode(try identity.signES256(Array(signingInput.utf8)))
    }

    /// A deterministic URN for the achievement: the course (provider and title) and the tier.
    static func achievementURN(_ record: CertificateRecord) -> String {
        var digest = Digest.sha256(
            Array("\(record.course.provider)\n\(record.course.title)\n\(record.tier.rawValue)".utf8))
        digest[6] = digest[6] & 0x0F | 0x80  // version 8 (RFC 9562: custom)
        digest[8] = digest[8] & 0x3F | 0x80  // variant
        let hex = Digest.hex(Array(digest.prefix(16)))
        let parts = [
            hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4),
        ]
        return "urn:uuid:" + parts.joined(separator: "-") + "-" + hex.dropFirst(20)
    }

    /// The tier rule in words (the platform's concept; thresholds are set per course, 50 % unless it says otherwise).
    static func criteria(_ tier: Tier, german: Bool) -> String {
        switch (tier, german) {
        case (.attendance, true):
            "Mindestens der vom Kurs verlangte Anteil der Kursinhalte (in der Regel 50 %) wurde bearbeitet."
        case (.attendance, false):
            "At least the share of the course content the course requires (usually 50 %) was worked through."
        case (.scored, true):
            "Mindestens der vom Kurs verlangte Anteil der Punkte aus Hausaufgaben und Abschlussprüfung (in der Regel "
                + "50 %) wurde erreicht; das schließt die Teilnahmebestätigung ein."
        case (.scored, false):
            "At least the share of the points of homework and final exam the course requires (usually 50 %) was "
                + "reached; this includes the certificate of attendance."
        case (.qualified, true):
            "Die Punkteschwelle wurde erreicht, und Hausaufgaben wie Abschlussprüfung wurden mit Einwilligung per "
                + "Webcam beaufsichtigt; dafür werden die ECTS-Leistungspunkte des Kurses vergeben."
        case (.qualified, false):
            "The points threshold was reached, and homework and final exam were supervised by webcam with the "
                + "participant's consent; the course's ECTS credits are awarded for it."
        }
    }

    /// Reads a credential JWT's form (strictly, see ``CompactJWS``) and what it states, in the shape of a token's
    /// claims (`kid` the issuer thumbprint, `score` the percent, no record hash); the signature is not checked.
    public static func decode(_ text: String) -> Result<
        (claims: CertificateToken.Claims, signingInput: [UInt8], signature: [UInt8]), CertificateToken.Problem
    > {
        let jws: CompactJWS
        switch CompactJWS.parse(text, maximumLength: maximumLength, what: "credential") {
        case .success(let parsed): jws = parsed
        case .failure(.malformed(let detail)): return .failure(.malformed(detail))
        case .failure(.ambiguous(let detail)): return .failure(.ambiguous(detail))
        }
        func malformed(_ detail: String) -> Result<
            (claims: CertificateToken.Claims, signingInput: [UInt8], signature: [UInt8]), CertificateToken.Problem
        > { .failure(.malformed("the credential \(detail)")) }
        guard let header = try? JSONSerialization.jsonObject(with: Data(jws.header)) as? [String: Any],
            let kid = header["kid"] as? String, header["typ"] as? String == "vc+jwt"
        else { return malformed("header is not {alg: ES256, typ: vc+jwt, kid}") }
        guard let credential = try? JSONSerialization.jsonObject(with: Data(jws.payload)) as? [String: Any] else {
            return malformed("is not a JSON object")
        }
        guard (credential["@context"] as? [String])?.prefix(2).elementsEqual(contexts) == true,
            let types = credential["type"] as? [String], types.contains("VerifiableCredential"),
            types.contains("OpenBadgeCredential")
        else { return malformed("is not an OpenBadgeCredential (VC Data Model 2.0)") }
        guard let id = (credential["id"] as? String)?.split(separator: "/").last.map(String.init),
            CertificateID.isValid(id),
            let validFrom = credential["validFrom"] as? String, validFrom.hasSuffix("T00:00:00Z"),
            case let issued = String(validFrom.prefix(10)), CalendarDate.isValid(issued),
            let subject = credential["credentialSubject"] as? [String: Any],
            let achievement = subject["achievement"] as? [String: Any],
            let identifiers = subject["identifier"] as? [[String: Any]],
            let name = identifiers.first(where: { $0["identityType"] as? String == "name" })?["identityHash"]
                as? String,
            let achievementName = achievement["name"] as? String,
            let tier = Tier.allCases.first(where: { tier in
                [tier.germanName, tier.englishName].contains { achievementName.hasPrefix($0 + ": ") }
            })
        else { return malformed("lacks the id, validFrom, holder or achievement this verifier reads") }
        let course = String(
            achievementName.drop { $0 != ":" }.dropFirst(2))
        var validUntil: String? = nil
        if let until = credential["validUntil"] {
            guard let text = until as? String, text.hasSuffix("T23:59:59Z"),
                CalendarDate.isValid(String(text.prefix(10)))
            else { return malformed("validUntil is not the end of a day") }
            validUntil = String(text.prefix(10))
        }
        let score = ((subject["result"] as? [[String: Any]])?.first?["value"] as? String).map { "\($0) %" }
        let ects = (subject["creditsEarned"] as? NSNumber).map { "\($0)" }
        return .success(
            (
                CertificateToken.Claims(
                    id: id, name: name, course: course, tier: tier.rawValue, score: score, ects: ects, issued: issued,
                    validUntil: validUntil, kid: kid, hash: ""),
                jws.signingInput, jws.signature
            ))
    }
}
