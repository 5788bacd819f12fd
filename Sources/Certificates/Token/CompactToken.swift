import Assessment
import Foundation

/// The compact QR token, modelled on the EU Digital COVID Certificate: a CBOR Web Token (RFC 8392) in a
/// COSE_Sign1 (RFC 9052, tag 18) signed ES256 by the issuer key, zlib-compressed when that is shorter (tried when
/// name and title take more than ``compressionThreshold`` bytes together), in Base45
/// (RFC 9285) so that the QR code can use its alphanumeric mode.
///
/// Protected header `{1: -7, 4: kid}` (alg ES256; kid the first 8 bytes of the SHA-256 of the issuer certificate
/// DER), unprotected header `{}`. Claims: `6` iat (the issue date, 00:00 UTC), `4` exp (only when the certificate
/// expires: 00:00 UTC of the day after its last valid day), and under the private-use key −70001 a map `{1: holder
/// name, 2: course title, 3: tier (1 attendance, 2 scored, 3 qualified), 4: "points/max"?, 5: ECTS?, 6: the first
/// 16 bytes of the SHA-256 of the record's canonical JSON}`. The certificate id is in the link (`BASE/V/ID#TOKEN`),
/// not in the token: the signature covers it as COSE external data (its UTF-8 bytes), so a token verifies only with
/// the id it was issued for. Tokens issued before carry the id as `7` cti and no external data (``Format``); both
/// verify. Everything is written in CBOR's deterministic encoding and read back only in it.
public enum CompactToken {
    /// The private-use claim key (below −65536, RFC 8392 §9.1) of the certificate's own claims.
    static let certificateClaim: Int64 = -70_001
    /// Bytes of the issuer key id.
    public static let keyIDLength = 8
    /// Bytes of the record hash.
    public static let hashLength = 16
    /// Longest token text read (percent-escaped Base45).
    public static let maximumLength = 2048
    /// Largest COSE structure read (after decompression).
    static let maximumStructureSize = 2048

    /// The UTF-8 bytes of holder name and course title together above which a token is also tried compressed.
    static let compressionThreshold = 96

    /// Where a token names its certificate.
    enum Format {
        /// In the link, bound as COSE external data (tokens issued since December 2026).
        case idInLink
        /// In the claims, as `7` cti, with no external data (the first compact tokens).
        case idInClaims
    }

    /// The token for `record`, signed by `identity` (an ECDSA P-256 key): Base45 text escaped for a URL fragment
    /// (``escape(_:)``), as the QR code holds it.
    ///
    /// With `textBudget`, the holder name and course title together take at most that many UTF-8 bytes in the
    /// token: the longer is shortened first, each to no less than half, cut at a character and ended with "…".
    /// The record hash still binds the whole record; verifiers accept a shortened text as a prefix of the record's.
    public static func make(for record: CertificateRecord, identity: SigningIdentity, textBudget: Int? = nil)
        throws(CertificateError) -> String
    {
        try make(for: record, identity: identity, recordHash: record.canonicalHash, textBudget: textBudget)
    }

    /// The token for `record` whose canonical JSON has the SHA-256 `recordHash`.
    static func make(
        for record: CertificateRecord, identity: SigningIdentity, recordHash: [UInt8], textBudget: Int? = nil,
        format: Format = .idInLink
    ) throws(CertificateError) -> String {
        let keyID = Array(identity.keyThumbprint.prefix(keyIDLength))
        let protected = CBOR.map([.init(.unsigned(1), .integer(-7)), .init(.unsigned(4), .bytes(keyID))]).encoded
        var shown = record
        if let textBudget {
            (shown.holder.name, shown.course.title) = shortened(
                name: record.holder.name, title: record.course.title, budget: textBudget)
        }
        let payload = claims(of: shown, recordHash: recordHash, format: format).encoded
        let external = format == .idInLink ? Array(record.id.utf8) : []
        let signature = try identity.signES256(signedBytes(protected: protected, external: external, payload: payload))
        let structure = CBOR.tagged(
            18, .array([.bytes(protected), .map([]), .bytes(payload), .bytes(signature)])
        ).encoded
        // zlib pays only for long texts: its header and checksum (6 bytes) and the longer codes of the 88 bytes
        // that look random (key id, record hash, signature) outweigh what it finds in a shorter name and title.
        guard shown.holder.name.utf8.count + shown.course.title.utf8.count > Self.compressionThreshold else {
            return escape(Base45.encode(structure))
        }
        let compressed = Deflate.compressShort(structure, level: 9)
        return escape(Base45.encode(compressed.count < structure.count ? compressed : structure))
    }

    /// The CWT claims of `record` (with its id only in the first format).
    static func claims(of record: CertificateRecord, recordHash: [UInt8], format: Format = .idInLink) -> CBOR {
        var own: [CBOR.Pair] = [
            .init(.unsigned(1), .text(record.holder.name)), .init(.unsigned(2), .text(record.course.title)),
            .init(.unsigned(3), .unsigned(UInt64(tierNumbers[record.tier] ?? 0))),
            .init(.unsigned(6), .bytes(Array(recordHash.prefix(hashLength)))),
        ]
        let standard = CertificateToken.Claims(record: record, keyThumbprint: [], recordHash: recordHash)
        if let score = standard.score { own.append(.init(.unsigned(4), .text(score))) }
        if let ects = standard.ects { own.append(.init(.unsigned(5), .text(ects))) }
        var pairs: [CBOR.Pair] = [
            .init(.unsigned(6), .integer(EpochDay.seconds(of: record.issued) ?? 0)),
            .init(.integer(certificateClaim), .map(own)),
        ]
        if format == .idInClaims { pairs.append(.init(.unsigned(7), .bytes(Array(record.id.utf8)))) }
        if let validUntil = record.validUntil, let seconds = EpochDay.seconds(of: validUntil) {
            pairs.append(.init(.unsigned(4), .integer(seconds + EpochDay.secondsPerDay)))
        }
        return .map(pairs)
    }

    static let tierNumbers: [Tier: Int] = [.attendance: 1, .scored: 2, .qualified: 3]

    /// The mark that ends a shortened text.
    static let ellipsis = "…"

    /// Name and title within `budget` UTF-8 bytes together: each keeps at least half the budget, and what one
    /// leaves unused the other may take.
    static func shortened(name: String, title: String, budget: Int) -> (String, String) {
        let (nameBytes, titleBytes) = (name.utf8.count, title.utf8.count)
        guard nameBytes + titleBytes > budget else { return (name, title) }
        let half = budget / 2
        let nameLimit = max(half, budget - titleBytes)
        let titleLimit = max(half, budget - min(nameBytes, nameLimit))
        return (shortened(name, toBytes: nameLimit), shortened(title, toBytes: titleLimit))
    }

    /// `text` itself when it has at most `limit` UTF-8 bytes, else its longest prefix of whole characters that
    /// fits with "…" after it.
    static func shortened(_ text: String, toBytes limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var prefix = ""
        var bytes = ellipsis.utf8.count
        for character in text {
            let size = character.utf8.count
            guard bytes + size <= limit else { break }
            prefix.append(character)
            bytes += size
        }
        return prefix + ellipsis
    }

    /// Whether a token's `shown` text stands for the record's `full` text: the same, or shortened from it.
    public static func stands(for full: String, shown: String) -> Bool {
        if shown == full { return true }
        guard shown.hasSuffix(ellipsis) else { return false }
        let prefix = shown.dropLast()
        return !prefix.isEmpty && full.count > prefix.count && full.hasPrefix(prefix)
    }

    /// The COSE Sig_structure the signature covers, with `external` data (the certificate id's bytes, or none in
    /// the first format).
    static func signedBytes(protected: [UInt8], external: [UInt8], payload: [UInt8]) -> [UInt8] {
        CBOR.array([.text("Signature1"), .bytes(protected), .bytes(external), .bytes(payload)]).encoded
    }

    /// Whether `token` is a compact token rather than a JWS (whose header always starts `eyJ`).
    public static func isCompact(_ token: some StringProtocol) -> Bool {
        !token.hasPrefix("eyJ")
    }

    /// A token read for its form only: its claims, the issuer key id, the bytes signed and the signature.
    public struct Decoded: Sendable {
        /// The claims, in the JWS claims' shape (`kid` and `hash` base64url of the short forms).
        public let claims: CertificateToken.Claims
        /// The first 8 bytes of the SHA-256 of the issuer certificate.
        public let keyID: [UInt8]
        /// The COSE Sig_structure.
        public let signedBytes: [UInt8]
        /// The raw r‖s signature.
        public let signature: [UInt8]
    }

    /// Reads `text` (Base45, percent-escaped as in a URL fragment: `%20` for a space, `%25` for `%`), strictly, for
    /// the certificate `id` its link names (`BASE/V/ID#TOKEN`): a token without `cti` is signed with that id and
    /// cannot be read without it.
    public static func decode(_ text: some StringProtocol, id: String?) -> Result<
        Decoded, CertificateToken.Problem
    > {
        func malformed(_ detail: String) -> Result<Decoded, CertificateToken.Problem> { .failure(.malformed(detail)) }
        guard text.utf8.count <= maximumLength else {
            return malformed("the token is longer than \(maximumLength) characters")
        }
        guard let unescaped = unescape(text) else {
            return malformed("a % in the token is not %20 or %25")
        }
        guard var structure = Base45.decode(unescaped) else { return malformed("the token is not Base45") }
        if isZlib(structure) {
            guard let inflated = Deflate.decompress(structure, limit: maximumStructureSize) else {
                return malformed("the token's zlib data is damaged or larger than \(maximumStructureSize) bytes")
            }
            structure = inflated
        }
        guard structure.count <= maximumStructureSize else { return malformed("the token is too large") }
        let item: CBOR
        do {
            item = try CBOR.decode(structure, maximumDepth: 4, maximumItems: 64)
        } catch {
            return .failure(.ambiguous("the token is not deterministic CBOR: \(error)"))
        }
        guard case .tagged(18, .array(let parts)) = item, parts.count == 4,
            case .bytes(let protected) = parts[0], case .map(let unprotected) = parts[1], unprotected.isEmpty,
            case .bytes(let payload) = parts[2], case .bytes(let signature) = parts[3], signature.count == 64
        else { return malformed("the token is not a COSE_Sign1 with an empty unprotected header") }
        guard let header = try? CBOR.decode(protected, maximumDepth: 1, maximumItems: 8),
            case .map(let headerPairs) = header, headerPairs.count == 2, header[.unsigned(1)] == .integer(-7),
            case .bytes(let keyID) = header[.unsigned(4)], keyID.count == keyIDLength
        else { return malformed("the token's protected header is not {alg: ES256, kid: 8 bytes}") }
        let claims: CertificateToken.Claims
        let format: Format
        switch readClaims(payload, keyID: keyID, linkID: id) {
        case .success(let read): (claims, format) = read
        case .failure(let problem): return .failure(problem)
        }
        let external = format == .idInLink ? Array(claims.id.utf8) : []
        return .success(
            Decoded(
                claims: claims, keyID: keyID,
                signedBytes: signedBytes(protected: protected, external: external, payload: payload),
                signature: signature))
    }

    /// Whether `bytes` start with a zlib header (RFC 1950: deflate, a window of at most 32 KiB, check bits), for
    /// any window size: a token's zlib stream has a window its own size. A COSE_Sign1 starts with its tag, `0xD2`,
    /// which is no zlib header.
    public static func isZlib(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 2 else { return false }
        let (method, flags) = (bytes[0], bytes[1])
        return method & 0x0F == 8 && method >> 4 <= 7 && (UInt16(method) << 8 | UInt16(flags)) % 31 == 0
    }

    /// The claims of a payload, in the JWS claims' shape, with the id from `cti` or else from the link.
    private static func readClaims(_ payload: [UInt8], keyID: [UInt8], linkID: String?) -> Result<
        (CertificateToken.Claims, Format), CertificateToken.Problem
    > {
        func malformed(_ detail: String) -> Result<(CertificateToken.Claims, Format), CertificateToken.Problem> {
            .failure(.malformed("the token's claims: \(detail)"))
        }
        let item: CBOR
        do {
            item = try CBOR.decode(payload, maximumDepth: 2, maximumItems: 32)
        } catch {
            return .failure(.ambiguous("the token's claims are not deterministic CBOR: \(error)"))
        }
        guard case .map(let pairs) = item,
            pairs.allSatisfy({
                [.unsigned(4), .unsigned(6), .unsigned(7), .integer(certificateClaim)].contains($0.key)
            })
        else { return malformed("unknown or missing claims") }
        guard case .unsigned(let issuedAt) = item[.unsigned(6)], let issued = EpochDay.date(ofSeconds: issuedAt)
        else { return malformed("iat is not 00:00 UTC of a day") }
        var validUntil: String? = nil
        if let expiry = item[.unsigned(4)] {
            guard case .unsigned(let seconds) = expiry, seconds >= UInt64(EpochDay.secondsPerDay),
                let day = EpochDay.date(ofSeconds: seconds - UInt64(EpochDay.secondsPerDay))
            else { return malformed("exp is not 00:00 UTC of a day") }
            validUntil = day
        }
        let id: String
        let format: Format
        if let cti = item[.unsigned(7)] {
            guard case .bytes(let idBytes) = cti, let named = String(validating: idBytes, as: UTF8.self),
                CertificateID.isValid(named)
            else { return malformed("cti is not a certificate id") }
            (id, format) = (named, .idInClaims)
        } else {
            guard let linkID else {
                return .failure(
                    .malformed(
                        "the token alone does not name its certificate: give the whole link (…/v/ID#TOKEN) or the "
                            + "certificate's PDF with it"))
            }
            guard CertificateID.isValid(linkID) else {
                return .failure(.malformed("the link's certificate id is not KC- and 12 characters"))
            }
            (id, format) = (linkID, .idInLink)
        }
        guard let own = item[.integer(certificateClaim)], case .map(let ownPairs) = own,
            ownPairs.allSatisfy({ (1...6).contains($0.key.integerValue ?? 0) })
        else { return malformed("the certificate claims are missing or have unknown members") }
        guard case .text(let name) = own[.unsigned(1)], case .text(let course) = own[.unsigned(2)],
            case .unsigned(let tierNumber) = own[.unsigned(3)],
            let tier = tierNumbers.first(where: { UInt64($0.value) == tierNumber })?.key,
            case .bytes(let hash) = own[.unsigned(6)], hash.count == hashLength
        else { return malformed("name, course, tier or record hash is missing or malformed") }
        var score: String? = nil
        if let value = own[.unsigned(4)] {
            guard case .text(let text) = value else { return malformed("the score is not text") }
            score = text
        }
        var ects: String? = nil
        if let value = own[.unsigned(5)] {
            guard case .text(let text) = value else { return malformed("the ECTS credits are not text") }
            ects = text
        }
        let claims = CertificateToken.Claims(
            id: id, name: name, course: course, tier: tier.rawValue, score: score, ects: ects, issued: issued,
            validUntil: validUntil, kid: Base64URL.encode(keyID), hash: Base64URL.encode(hash))
        return .success((claims, format))
    }

    /// Verifies `text`, for the certificate `id` its link names, with the issuer key and returns its claims.
    public static func verify(_ text: some StringProtocol, id: String?, issuerKey: ES256PublicKey) -> Result<
        CertificateToken.Claims, CertificateToken.Problem
    > {
        decode(text, id: id).flatMap { decoded in
            issuerKey.verify(signature: decoded.signature, message: decoded.signedBytes)
                ? .success(decoded.claims) : .failure(.badSignature)
        }
    }

    /// The claims a compact token for `record` by the issuer whose certificate has the SHA-256 `thumbprint` has.
    public static func expectedClaims(record: CertificateRecord, thumbprint: [UInt8], recordHash: [UInt8])
        -> CertificateToken.Claims
    {
        var claims = CertificateToken.Claims(record: record, keyThumbprint: thumbprint, recordHash: recordHash)
        claims.kid = Base64URL.encode(Array(thumbprint.prefix(keyIDLength)))
        claims.hash = Base64URL.encode(Array(recordHash.prefix(hashLength)))
        return claims
    }

    /// Base45 `text` as a URL fragment: `%` as `%25`, space as `%20` (every other Base45 character is allowed).
    public static func escape(_ text: String) -> String {
        ASCIIEdits.replacing(in: text) { byte in
            switch byte {
            case UInt8(ascii: "%"): "%25"
            case UInt8(ascii: " "): "%20"
            default: nil
            }
        }
    }

    /// The Base45 text of a fragment: `%20` and `%25` undone; `nil` for any other `%`.
    public static func unescape(_ text: some StringProtocol) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "%")) else { return String(text) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "2") else { return nil }
                switch bytes[index + 2] {
                case UInt8(ascii: "0"): output.append(UInt8(ascii: " "))
                case UInt8(ascii: "5"): output.append(UInt8(ascii: "%"))
                default: return nil
                }
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The URL the QR code holds: `BASE/V/ID#TOKEN` (`token` as ``make(for:identity:)`` returns it, escaped) with
    /// the scheme and host of `base` in upper case, so that everything but the `#` fits the QR code's alphanumeric mode when the base
    /// has no lower-case path.
    public static func verificationURL(base: String, id: String, token: String) -> String {
        var trimmed = Substring(base)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        return "\(ASCIIEdits.schemeAndHost(of: trimmed, upper: true))/V/\(id)#\(token)"
    }
}

/// Days since 1970-01-01 for `YYYY-MM-DD` dates, in whole UTC days.
enum EpochDay {
    static let secondsPerDay: Int64 = 86_400

    /// Seconds from 1970-01-01T00:00:00Z to 00:00 UTC of `date`; `nil` for an invalid date.
    static func seconds(of date: String) -> Int64? {
        guard CalendarDate.isValid(date) else { return nil }
        let parts = date.split(separator: "-").compactMap { Int64($0) }
        // Days from civil (H. Hinnant's algorithm), years 1900–2999.
        let year = parts[1] <= 2 ? parts[0] - 1 : parts[0]
        let era = year / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (parts[1] + (parts[1] > 2 ? -3 : 9)) + 2) / 5 + parts[2] - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return (era * 146_097 + dayOfEra - 719_468) * secondsPerDay
    }

    /// `YYYY-MM-DD` of `seconds` since 1970 when that is 00:00 UTC of a day in 1970–2999; `nil` otherwise.
    static func date(ofSeconds seconds: UInt64) -> String? {
        guard seconds % UInt64(secondsPerDay) == 0, seconds <= 32_503_680_000 else { return nil }
        let (year, month, day) = civil(fromDays: Int64(seconds / UInt64(secondsPerDay)))
        let text = String(format: "%04d-%02d-%02d", year, month, day)
        return CalendarDate.isValid(text) ? text : nil
    }

    /// Year, month and day (proleptic Gregorian) of the day `days` after 1970-01-01, before it when negative
    /// (H. Hinnant's civil-from-days algorithm).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
