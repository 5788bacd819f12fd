import Foundation
import Certificates
internal import SwiftASN1
internal import CampusCrypto

// What the verifier adds to the OpenSSL layer in CampusCrypto: failures as `VerificationFailure`s, the split of a
// CMS structure's certificates (swift-asn1), and time for OpenSSL. Nothing here is public.

// MARK: - Errors

extension VerificationFailure {
    /// A failure for an OpenSSL call that returned an error: `reason` first, then the reasons OpenSSL queued
    /// (library and reason names only).
    ///
    /// Drains the thread's OpenSSL error queue, so that a later call does not report stale errors.
    static func openSSL(_ code: Code, _ reason: String, file: String = #fileID, line: UInt = #line)
        -> VerificationFailure
    {
        let details = OpenSSLErrorQueue.drain()
        guard !details.isEmpty else { return VerificationFailure(code, reason, file: file, line: line) }
        return VerificationFailure(
            code, "\(reason) (OpenSSL: \(details.joined(separator: "; ")))", file: file, line: line)
    }

    /// The failure for an error of the OpenSSL layer, with the same reason (OpenSSL's reasons appended); `code`
    /// for every kind but a signature that does not match what it signs (``Code/documentChanged``).
    init(_ code: Code, _ error: CryptoError, file: String = #fileID, line: UInt = #line) {
        self.init(
            error.code == .signatureMismatch ? .documentChanged : code, error.description, file: file, line: line)
    }
}

// MARK: - The certificates of a CMS signature

/// A CMS ContentInfo with SignedData, split into the same structure without its `certificates` field and the DER
/// of each certificate in that field.
///
/// Parsing a certificate is the most expensive part of reading a signature with OpenSSL 3.0 (it decodes the public
/// key through its provider machinery), and every certificate PDF carries the same few certificates. Splitting
/// them off lets the verifier parse each distinct certificate once and reuse it. The DER is read and written by
/// swift-asn1.
struct SignedDataCertificates {
    /// The ContentInfo without the `certificates` field, re-encoded with the new lengths.
    let withoutCertificates: [UInt8]
    /// The DER of every certificate in the field, in order.
    let certificates: [[UInt8]]
    /// How many bytes of the input the ContentInfo takes.
    let used: Int

    private static let contextZero = ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)

    /// Splits `der`, or returns `nil` when it is not laid out as `SEQUENCE { OID, [0] { SEQUENCE { version,
    /// digestAlgorithms, encapContentInfo, [0] certificates, … } } }` with only plain certificates in the field
    /// (the caller then lets OpenSSL read the whole structure and report what is wrong).
    static func split(_ der: [UInt8]) -> SignedDataCertificates? {
        guard let used = DERLength.of(der), used <= der.count,
            let root = try? DER.parse(der[0..<used]), root.identifier == .sequence,
            case .constructed(let top) = root.content
        else { return nil }
        let topNodes = Array(top)
        guard topNodes.count == 2, topNodes[0].identifier == .objectIdentifier,
            topNodes[1].identifier == contextZero, case .constructed(let explicit) = topNodes[1].content
        else { return nil }
        let explicitNodes = Array(explicit)
        guard explicitNodes.count == 1, explicitNodes[0].identifier == .sequence,
            case .constructed(let signedData) = explicitNodes[0].content
        else { return nil }
        // version, digestAlgorithms, encapContentInfo, then [0] IMPLICIT SET OF CertificateChoices.
        let fields = Array(signedData)
        guard fields.count >= 5, fields[3].identifier == contextZero, case .constructed(let field) = fields[3].content,
            !fields[4...].contains(where: { $0.identifier == contextZero })
        else { return nil }
        var certificates: [[UInt8]] = []
        for certificate in field {
            guard certificate.identifier == .sequence else { return nil }
            certificates.append(Array(certificate.encodedBytes))
        }
        var serializer = DER.Serializer()
        serializer.appendConstructedNode(identifier: .sequence) { outer in
            outer.serializeRawBytes(topNodes[0].encodedBytes)
            outer.appendConstructedNode(identifier: contextZero) { wrapper in
                wrapper.appendConstructedNode(identifier: .sequence) { content in
                    for (index, node) in fields.enumerated() where index != 3 {
                        content.serializeRawBytes(node.encodedBytes)
                    }
                }
            }
        }
        return SignedDataCertificates(
            withoutCertificates: serializer.serializedBytes, certificates: certificates, used: used)
    }
}

// MARK: - Time

enum VerificationTime {
    /// `date` in whole seconds since 1970 for OpenSSL, clamped to years OpenSSL can compare (0000–9999).
    static func timeT(_ date: Date) -> time_t {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite else { return seconds < 0 ? -62_167_219_200 : 253_402_300_799 }
        return time_t(min(max(seconds.rounded(.down), -62_167_219_200), 253_402_300_799))
    }

    /// The UTC calendar day of `date`, as `2026-01-31`.
    static func day(_ date: Date) -> String {
        var seconds = timeT(date)
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return "\(date)" }
        let year = padded(Int(parts.tm_year) + 1900, 4)
        let month = padded(Int(parts.tm_mon) + 1, 2)
        let day = padded(Int(parts.tm_mday), 2)
        return "\(year)-\(month)-\(day)"
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
