import Foundation
internal import CampusCrypto

/// A development PKI: a self-signed root CA and an issuer certificate signed by it, for tests and
/// `campus keys init`.
///
/// All keys are ECDSA P-256 and all certificates are signed with SHA-256. The issuer certificate is made for
/// PDF signatures that pdfsig and pyHanko accept: key usage digitalSignature and nonRepudiation, extended key
/// usage document signing and e-mail protection. Printing the value (`print`, `dump`, string interpolation) never shows a private key.
public struct DevelopmentPKI: Sendable {
    /// The root certificate, PEM.
    public let rootPEM: String
    /// The issuer certificate PEM followed by the root certificate PEM (the chain).
    public let issuerPEM: String
    /// The issuer's private key, PKCS#8 PEM, unencrypted.
    public let issuerKeyPEM: String
    /// The time-stamp authority's certificate followed by the root certificate, PEM: extended key usage
    /// timeStamping (critical and alone), under the same root, valid as long as the issuer's.
    public let timeStampPEM: String
    /// The time-stamp authority's private key, PKCS#8 PEM, unencrypted.
    public let timeStampKeyPEM: String
    /// The root's private key, PKCS#8 PEM; kept to issue further issuers and to sign the trust list, never printed.
    package let rootKeyPEM: String
    /// The organization named in both certificates.
    let organization: String
    /// The issuer certificate's common name.
    let issuerName: String

    /// Creates new ECDSA P-256 keys, a root CA and an issuer certificate signed by it.
    ///
    /// Root: CA:TRUE (critical), keyUsage keyCertSign and cRLSign (critical), subjectKeyIdentifier,
    /// CN "`organization` Root CA (development)". Issuer: CA:FALSE, keyUsage digitalSignature and nonRepudiation
    /// (critical), extendedKeyUsage id-kp-documentSigning and emailProtection, subjectKeyIdentifier and
    /// authorityKeyIdentifier, CN `issuerName`, O `organization`. Random 128-bit positive serial numbers.
    ///
    /// - Parameters:
    ///   - issuerName: The issuer certificate's common name (at most 64 characters).
    ///   - organization: The organization of both certificates (at most 64 characters).
    ///   - notBefore: Start of both certificates' validity.
    ///   - years: Length of both certificates' validity, in calendar years (UTC).
    /// - Throws: ``CertificateError`` (`.crypto`) for empty or over-long names or `years` below 1.
    public static func create(
        issuerName: String,
        organization: String,
        notBefore: Date = Date(),
        years: Int = 5
    ) throws(CertificateError) -> DevelopmentPKI {
        guard years >= 1 else {
            throw CertificateError(.crypto, "a development PKI must be valid for at least one year, not \(years)")
        }
        let notAfter = try addingYears(years, to: notBefore)
        return try make(
            issuerName: issuerName, organization: organization,
            root: notBefore...notAfter, issuer: notBefore...notAfter)
    }

    /// Same, but the issuer certificate's validity window is given explicitly (for tests that need an expired or
    /// not yet valid issuer under a valid root).
    ///
    /// The root is valid from the earlier of `issuerNotBefore` and now until the later of `issuerNotAfter` and five
    /// years from now, so it is valid today and covers the issuer's window.
    ///
    /// - Throws: ``CertificateError`` (`.crypto`) for empty or over-long names or when `issuerNotAfter` is not
    ///   after `issuerNotBefore`.
    public static func create(
        issuerName: String,
        organization: String,
        issuerNotBefore: Date,
        issuerNotAfter: Date
    ) throws(CertificateError) -> DevelopmentPKI {
        let now = Date()
        let rootNotAfter = max(issuerNotAfter, try addingYears(5, to: now))
        return try make(
            issuerName: issuerName, organization: organization,
            root: min(issuerNotBefore, now)...rootNotAfter,
            issuer: try validity(from: issuerNotBefore, to: issuerNotAfter))
    }

    /// Another issuer certificate, with a new key, signed by this PKI's root; same organization and root.
    ///
    /// - Throws: ``CertificateError`` (`.crypto`) for an empty or over-long name or when `notAfter` is not after
    ///   `notBefore`.
    public func issueAnotherIssuer(issuerName: String, notBefore: Date, notAfter: Date) throws(CertificateError)
        -> DevelopmentPKI
    {
        let rootKey = try mappingCryptoErrors { () throws(CryptoError) in
            try OpenSSLKey(privateKeyPEM: Array(rootKeyPEM.utf8))
        }
        let root = try mappingCryptoErrors { () throws(CryptoError) in
            try OpenSSLCertificate.all(fromPEM: Array(rootPEM.utf8), source: "the root certificate")[0]
        }
        return try Self.makeIssuer(
            issuerName: issuerName, organization: organization,
            validity: try Self.validity(from: notBefore, to: notAfter),
            root: root, rootKey: rootKey, rootKeyPEM: rootKeyPEM)
    }

    /// A new issuer certificate and key under the root `rootPEM` (signed with `rootKeyPEM`), with the subject
    /// (common name and organization) of `previousIssuerPEM`'s first certificate, valid for `years` from `now`:
    /// the key rotation of `campus keys rotate`.
    ///
    /// - Throws: ``CertificateError`` for unreadable files, a root key that does not belong to the root, or
    ///   `years` below 1.
    package static func rotatedIssuer(
        rootPEM: [UInt8], rootKeyPEM: [UInt8], previousIssuerPEM: [UInt8], years: Int, now: Date = Date()
    ) throws(CertificateError) -> (issuerPEM: String, issuerKeyPEM: String, notAfter: Date) {
        guard years >= 1 else { throw CertificateError(.crypto, "an issuer is valid for at least one year") }
        let (root, rootKey, previous) = try mappingCryptoErrors {
            () throws(CryptoError) -> (OpenSSLCertificate, OpenSSLKey, OpenSSLCertificate) in
            (
                try OpenSSLCertificate.all(fromPEM: rootPEM, source: "the root certificate")[0],
                try OpenSSLKey(privateKeyPEM: rootKeyPEM),
                try OpenSSLCertificate.all(fromPEM: previousIssuerPEM, source: "the issuer certificate")[0]
            )
        }
        guard rootKey.belongs(to: root) else {
            throw CertificateError(.keyMismatch, "the root key does not belong to the root certificate")
        }
        let notAfter = try addingYears(years, to: now)
        let made = try makeIssuer(
            issuerName: previous.subjectName, organization: previous.subjectOrganization ?? "KommunalCampus",
            validity: try validity(from: now, to: notAfter), root: root, rootKey: rootKey,
            rootKeyPEM: String(decoding: rootKeyPEM, as: UTF8.self))
        return (made.issuerPEM, made.issuerKeyPEM, notAfter)
    }

    // MARK: - Making certificates

    private static func make(
        issuerName: String,
        organization: String,
        root rootValidity: ClosedRange<Date>,
        issuer issuerValidity: ClosedRange<Date>
    ) throws(CertificateError) -> DevelopmentPKI {
        guard !organization.isEmpty else {
            throw CertificateError(.crypto, "a development PKI needs an organization name")
        }
        let (rootKey, root, rootKeyPEM) = try mappingCryptoErrors { () throws(CryptoError) in
            let rootKey = try OpenSSLKey.generateP256()
            let root = try CertificateBuilder.makeCertificate(
                subject: [(.organization, organization), (.commonName, "\(organization) Root CA (development)")],
                key: rootKey, issuer: nil, issuerKey: rootKey,
                notBefore: rootValidity.lowerBound, notAfter: rootValidity.upperBound,
                extensions: [
                    (.basicConstraints, "critical,CA:TRUE"),
                    (.keyUsage, "critical,keyCertSign,cRLSign"),
                    (.subjectKeyIdentifier, "hash"),
                ])
            return (rootKey, root, try rootKey.pkcs8PEM())
        }
        return try makeIssuer(
            issuerName: issuerName, organization: organization, validity: issuerValidity,
            root: root, rootKey: rootKey, rootKeyPEM: rootKeyPEM)
    }

    private static func makeIssuer(
        issuerName: String,
        organization: String,
        validity: ClosedRange<Date>,
        root: OpenSSLCertificate,
        rootKey: OpenSSLKey,
        rootKeyPEM: String
    ) throws(CertificateError) -> DevelopmentPKI {
        guard !issuerName.isEmpty else {
            throw CertificateError(.crypto, "an issuer certificate needs a name")
        }
        return try mappingCryptoErrors { () throws(CryptoError) in
            let issuerKey = try OpenSSLKey.generateP256()
            let issuer = try CertificateBuilder.makeCertificate(
                subject: [(.organization, organization), (.commonName, issuerName)],
                key: issuerKey, issuer: root, issuerKey: rootKey,
                notBefore: validity.lowerBound, notAfter: validity.upperBound,
                extensions: [
                    (.basicConstraints, "CA:FALSE"),
                    (.keyUsage, "critical,digitalSignature,nonRepudiation"),
                    // id-kp-documentSigning (RFC 9336) for the purpose, emailProtection for pdfsig's NSS check.
                    (.extendedKeyUsage, "1.3.6.1.5.5.7.3.36,emailProtection"),
                    (.subjectKeyIdentifier, "hash"),
                    (.authorityKeyIdentifier, "keyid:always"),
                ])
            // The time-stamp authority: its own key, for time stamping only (RFC 3161 §2.3).
            let timeStampKey = try OpenSSLKey.generateP256()
            let timeStamp = try CertificateBuilder.makeCertificate(
                subject: [
                    (.organization, organization), (.commonName, "\(organization.prefix(40)) Zeitstempeldienst"),
                ],
                key: timeStampKey, issuer: root, issuerKey: rootKey,
                notBefore: validity.lowerBound, notAfter: validity.upperBound,
                extensions: [
                    (.basicConstraints, "critical,CA:FALSE"),
                    (.keyUsage, "critical,digitalSignature,nonRepudiation"),
                    (.extendedKeyUsage, "critical,timeStamping"),
                    (.subjectKeyIdentifier, "hash"),
                    (.authorityKeyIdentifier, "keyid:always"),
                ])
            let rootPEM = try root.pem()
            return DevelopmentPKI(
                rootPEM: rootPEM, issuerPEM: try issuer.pem() + rootPEM, issuerKeyPEM: try issuerKey.pkcs8PEM(),
                timeStampPEM: try timeStamp.pem() + rootPEM, timeStampKeyPEM: try timeStampKey.pkcs8PEM(),
                rootKeyPEM: rootKeyPEM, organization: organization, issuerName: issuerName)
        }
    }

    // MARK: - Time

    private static func validity(from notBefore: Date, to notAfter: Date) throws(CertificateError)
        -> ClosedRange<Date>
    {
        // Certificates count whole seconds.
        guard CertificateBuilder.timeT(notAfter) > CertificateBuilder.timeT(notBefore) else {
            throw CertificateError(
                .crypto, "a certificate's validity must end after it starts (\(notBefore) is not before \(notAfter))")
        }
        return notBefore...notAfter
    }

    private static func addingYears(_ years: Int, to date: Date) throws(CertificateError) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let end = calendar.date(byAdding: .year, value: years, to: date) else {
            throw CertificateError(.crypto, "\(years) years after \(date) is not a date a certificate can hold")
        }
        return end
    }
}

extension DevelopmentPKI: CustomStringConvertible, CustomReflectable {
    /// Names the PKI without any key: `DevelopmentPKI(issuer: "…", organization: "…")`.
    public var description: String {
        "DevelopmentPKI(issuer: \"\(issuerName)\", organization: \"\(organization)\")"
    }

    /// The certificates only, so that `dump` never shows a private key.
    public var customMirror: Mirror {
        Mirror(self, children: ["rootPEM": rootPEM, "issuerPEM": issuerPEM], displayStyle: .struct)
    }
}
