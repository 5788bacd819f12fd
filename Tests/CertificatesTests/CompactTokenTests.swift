import Assessment
import Foundation
import Testing

@testable import Certificates

/// The compact QR token: CWT in COSE_Sign1, zlib, Base45; the QR code it makes; strict reading.
@Suite("Compact token")
struct CompactTokenTests {
    static let pki = Result {
        try DevelopmentPKI.create(issuerName: "KommunalCampus Zertifikatsstelle", organization: "KommunalCampus")
    }

    static func identity() throws -> SigningIdentity {
        let pki = try pki.get()
        return try SigningIdentity(keyPEM: Array(pki.issuerKeyPEM.utf8), chainPEM: Array(pki.issuerPEM.utf8))
    }

    /// The longest plausible record: a long name and course title, qualified with a score, ECTS and an expiry.
    static func longestRecord() -> CertificateRecord {
        CertificateRecord(
            id: "KC-4E7R2T9W6YPQ",
            holder: .init(name: "Maximiliane Sophie Freifrau von Hohenstein-Müllerschön", birthDate: "1979-03-14"),
            course: .init(
                title: "Datenschutz-Auffrischung für Beschäftigte der Kommunalverwaltung nach DSGVO und BDSG",
                provider: "IHK-Bildungszentrum Musterstadt", ects: Rational(5), start: "2026-10-01",
                end: "2026-11-30"),
            tier: .qualified, score: .init(points: Rational(8325, 100), maximum: Rational(96)), issued: "2026-12-01",
            issuer: "KommunalCampus Zertifikatsstelle", validUntil: "2028-11-30")
    }

    @Test("a token round-trips: decoded claims are the record's, and the issuer key verifies it")
    func roundTrip() throws {
        let identity = try Self.identity()
        let record = Self.longestRecord()
        let token = try CompactToken.make(for: record, identity: identity)
        let decoded = try CompactToken.decode(token, id: record.id).get()
        #expect(
            decoded.claims
                == CompactToken.expectedClaims(
                    record: record, thumbprint: identity.keyThumbprint, recordHash: record.canonicalHash))
        #expect(decoded.claims.validUntil == "2028-11-30")
        #expect(decoded.claims.issued == "2026-12-01")
        #expect(decoded.keyID == Array(identity.keyThumbprint.prefix(8)))
        let key = try #require(ES256PublicKey(certificateDER: identity.certificateDER))
        #expect(try CompactToken.verify(token, id: record.id, issuerKey: key).get() == decoded.claims)
        // The token is escaped for the URL fragment: no space, every % starts %20 or %25.
        #expect(!token.contains(" "))
    }

    @Test("the id is in the link, not the token: the signature binds it, and the first format still verifies")
    func idInLink() throws {
        let identity = try Self.identity()
        let key = try #require(ES256PublicKey(certificateDER: identity.certificateDER))
        let record = Self.longestRecord()
        let token = try CompactToken.make(for: record, identity: identity)
        let structure = try #require(CompactToken.unescape(token).flatMap(Base45.decode))
        let inflated =
            CompactToken.isZlib(structure) ? try #require(Deflate.decompress(structure, limit: 2048)) : structure
        guard case .tagged(18, .array(let parts)) = try CBOR.decode(inflated), case .bytes(let payload) = parts[2],
            case .map(let claims) = try CBOR.decode(payload)
        else { Issue.record("not a COSE_Sign1 with a claims map"); return }
        #expect(!claims.contains { $0.key == .unsigned(7) }, "no cti")
        #expect(payload.firstRange(of: Array(record.id.utf8)) == nil)

        // Alone it names no certificate; with another id its signature fails.
        #expect(throws: CertificateToken.Problem.self) { try CompactToken.decode(token, id: nil).get() }
        #expect(throws: CertificateToken.Problem.self) { try CompactToken.decode(token, id: "KC-0").get() }
        #expect(throws: CertificateToken.Problem.badSignature) {
            try CompactToken.verify(token, id: "KC-4E7R2T9W6YPR", issuerKey: key).get()
        }

        // A token of the first format (cti in the claims, no external data) verifies with or without its link.
        let first = try CompactToken.make(
            for: record, identity: identity, recordHash: record.canonicalHash, format: .idInClaims)
        for link in [nil, record.id, "KC-4E7R2T9W6YPR"] {
            let claims = try CompactToken.verify(first, id: link, issuerKey: key).get()
            #expect(claims.id == record.id)
            #expect(claims == (try CompactToken.verify(token, id: record.id, issuerKey: key).get()))
        }
        #expect(first.utf8.count > token.utf8.count + 10, "the id costs \(first.utf8.count - token.utf8.count)")
    }

    @Test("the longest plausible record's QR code is version 12 or lower at level M, name and title shortened")
    func qrVersion() throws {
        let identity = try Self.identity()
        let issuer = try CertificateIssuer(
            identity: identity, verificationBase: "https://campus.example.de", fonts: .dejaVu())
        let record = Self.longestRecord()
        let issued = try issuer.issue(record)
        let full = try CompactToken.make(for: issued.record, identity: identity)
        let fullQR = try QRCode(
            encoding: CompactToken.verificationURL(base: "https://campus.example.de", id: record.id, token: full))
        let jws = try CertificateToken.makeJWS(for: issued.record, identity: identity)
        let jwsQR = try QRCode(
            encoding: CertificateToken.verificationURL(base: "https://campus.example.de", id: record.id, token: jws))
        print(
            "QR sizes: compact token as issued \(issued.token.utf8.count) characters, URL "
                + "\(issued.verificationURL.utf8.count), version \(issued.qrVersion); unshortened \(full.utf8.count) "
                + "characters, version \(fullQR.version); JWS \(jws.utf8.count) characters, version \(jwsQR.version)")
        #expect(issued.qrVersion <= 12, "\(issued.verificationURL)")
        #expect(issued.verificationURL.hasPrefix("HTTPS://CAMPUS.EXAMPLE.DE/V/KC-4E7R2T9W6YPQ#"))
        let alphanumeric = Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ$%*+-./:#")
        #expect(issued.verificationURL.allSatisfy { alphanumeric.contains($0) }, "\(issued.verificationURL)")

        let claims = try CompactToken.decode(issued.token, id: record.id).get().claims
        #expect(claims.name.hasSuffix("…") || claims.course.hasSuffix("…"), "\(claims)")
        #expect(CompactToken.stands(for: record.holder.name, shown: claims.name))
        #expect(CompactToken.stands(for: record.course.title, shown: claims.course))
        #expect(claims.name.utf8.count + claims.course.utf8.count <= 96)

        // Short texts stay whole.
        var short = record
        short.holder.name = "Anna Schmidt"
        short.course.title = "Vergaberecht"
        let plain = try CompactToken.decode(try issuer.issue(short).token, id: record.id).get().claims
        #expect(plain.name == "Anna Schmidt" && plain.course == "Vergaberecht")
    }

    @Test("zlib is tried only for long texts, and then used when it is shorter")
    func compression() throws {
        let identity = try Self.identity()
        let key = try #require(ES256PublicKey(certificateDER: identity.certificateDER))
        var record = Self.longestRecord()
        /// Whether `record`'s token is compressed, after checking that it verifies.
        func compressed() throws -> Bool {
            let token = try CompactToken.make(for: record, identity: identity)
            _ = try CompactToken.verify(token, id: record.id, issuerKey: key).get()
            return CompactToken.isZlib(try #require(CompactToken.unescape(token).flatMap(Base45.decode)))
        }
        record.holder.name = "Anna Schmidt"
        record.course.title = String(repeating: "Verwaltung ", count: 7)  // 12 + 77 bytes: not tried
        #expect(try !compressed())
        record.course.title = String(repeating: "Verwaltung ", count: 9)  // 12 + 99 bytes: tried, and shorter
        #expect(try compressed())
        record = Self.longestRecord()  // 54 + 84 bytes: tried, but longer
        #expect(try !compressed())
    }

    @Test("shortening keeps whole characters, gives each text half the budget, and lends what one leaves")
    func shortening() {
        #expect(CompactToken.shortened("Müllerschön", toBytes: 8) == "Müll…")
        #expect(CompactToken.shortened("Müllerschön", toBytes: 100) == "Müllerschön")
        let (name, title) = CompactToken.shortened(
            name: "Anna Schmidt", title: String(repeating: "Verwaltung ", count: 10), budget: 64)
        #expect(name == "Anna Schmidt")
        #expect(title.utf8.count <= 64 - 12 && title.hasSuffix("…"))
        #expect(CompactToken.stands(for: "Vergaberecht", shown: "Verga…"))
        #expect(!CompactToken.stands(for: "Vergaberecht", shown: "Vorga…"))
        #expect(!CompactToken.stands(for: "Vergaberecht", shown: "…"))
        #expect(!CompactToken.stands(for: "Verga", shown: "Verga…"))
    }

    @Test("changed, re-encoded or malformed tokens are refused, never misread")
    func refusals() throws {
        let identity = try Self.identity()
        let key = try #require(ES256PublicKey(certificateDER: identity.certificateDER))
        let record = Self.longestRecord()
        let token = try CompactToken.make(for: record, identity: identity)
        let decodedText = try #require(CompactToken.unescape(token))
        let structure = try #require(Base45.decode(decodedText))

        // The COSE structure without compression verifies too; with one claim byte changed it does not.
        #expect(structure.first == 0xD2)
        let compressed = Base45.encode(Deflate.compress(structure, level: 9))
        #expect((try? CompactToken.verify(CompactToken.escape(compressed), id: record.id, issuerKey: key).get()) != nil)
        guard case .tagged(18, .array(var parts)) = try CBOR.decode(structure),
            case .bytes(var payload) = parts[2]
        else { Issue.record("not a COSE_Sign1"); return }
        let name = try #require(payload.firstRange(of: Array("Maximiliane".utf8)))
        payload[name.lowerBound] = UInt8(ascii: "N")
        parts[2] = .bytes(payload)
        let changed = CompactToken.escape(Base45.encode(CBOR.tagged(18, .array(parts)).encoded))
        #expect(throws: CertificateToken.Problem.badSignature) {
            try CompactToken.verify(changed, id: record.id, issuerKey: key).get()
        }

        // A non-deterministic encoding of the same structure (a length in a longer head) is refused.
        var longHead = structure
        let index = try #require(longHead.firstIndex(of: 0x84))  // array(4)
        longHead.replaceSubrange(index...index, with: [0x98, 0x04])
        #expect(throws: CertificateToken.Problem.self) {
            try CompactToken.decode(CompactToken.escape(Base45.encode(longHead)), id: record.id).get()
        }

        for bad in ["", "%", "%2", "%41AB", "eyJ", "ABCD", "::::", String(repeating: "A", count: 3000)] {
            #expect(throws: CertificateToken.Problem.self, "\(bad)") {
                try CompactToken.decode(bad, id: record.id).get()
            }
        }
    }

    @Test("mutated tokens never crash the reader and never verify with other claims")
    func mutations() throws {
        let identity = try Self.identity()
        let key = try #require(ES256PublicKey(certificateDER: identity.certificateDER))
        let record = Self.longestRecord()
        let token = Array(try CompactToken.make(for: record, identity: identity).utf8)
        let original = try CompactToken.decode(String(decoding: token, as: UTF8.self), id: record.id).get().claims
        var generator = SplitMix(seed: 20_261_203)
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)
        for _ in 0..<3000 {
            var mutated = token
            for _ in 0..<Int(generator.next() % 3 + 1) {
                let position = Int(generator.next() % UInt64(mutated.count))
                switch generator.next() % 3 {
                case 0: mutated[position] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                case 1: mutated.remove(at: position)
                default: mutated.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: position)
                }
            }
            if case .success(let claims) = CompactToken.verify(
                String(decoding: mutated, as: UTF8.self), id: record.id, issuerKey: key)
            {
                #expect(claims == original)
            }
        }
    }

    @Test("CBOR: whatever decodes re-encodes to the same bytes; non-deterministic forms are refused")
    func cborDeterminism() throws {
        var generator = SplitMix(seed: 42)
        var decoded = 0
        for _ in 0..<20_000 {
            let count = Int(generator.next() % 12)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            if let item = try? CBOR.decode(bytes) {
                decoded += 1
                #expect(item.encoded == bytes, "\(bytes)")
            }
        }
        #expect(decoded > 100)
        let refused: [[UInt8]] = [
            [0x18, 0x05],  // 5 in a one-byte argument
            [0x19, 0x00, 0x10],  // 16 in two bytes
            [0xA2, 0x02, 0x00, 0x01, 0x00],  // keys out of order
            [0xA2, 0x01, 0x00, 0x01, 0x00],  // a key twice
            [0x9F, 0x01, 0xFF],  // indefinite array
            [0xF9, 0x3C, 0x00],  // a half float
            [0xF5],  // true
            [0x01, 0x02],  // trailing byte
            [0x62, 0xC3, 0x28],  // text that is not UTF-8
            [0x5A, 0xFF, 0xFF, 0xFF, 0xFF],  // a string longer than the input
            [0x9B, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],  // a count beyond the input
            Array(repeating: 0x81, count: 20) + [0x00],  // nested too deeply
        ]
        for bytes in refused {
            #expect(throws: CBOR.Problem.self, "\(bytes)") { try CBOR.decode(bytes) }
        }
    }

    @Test("Base45 follows RFC 9285's examples and refuses texts with a second reading")
    func base45() {
        #expect(Base45.encode(Array("AB".utf8)) == "BB8")
        #expect(Base45.encode(Array("Hello!!".utf8)) == "%69 VD92EX0")
        #expect(Base45.encode(Array("base-45".utf8)) == "UJCLQE7W581")
        #expect(Base45.decode("QED8WEX0") == Array("ietf!".utf8))
        #expect(Base45.decode("GGW") == nil)  // 65536
        #expect(Base45.decode("GGW1") == nil)  // length 3n + 1
        #expect(Base45.decode("aa") == nil)
        #expect(Base45.decode(":Z") == nil)  // 44 + 35 × 45 > 255
    }
}

/// A small deterministic generator for the fuzz loops (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
