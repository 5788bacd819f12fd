import Foundation
internal import COpenSSL

/// Makes version 3 X.509 certificates with OpenSSL (for development PKIs).
package enum CertificateBuilder {
    /// A field of a certificate's subject name.
    package enum NameField: Sendable {
        case organization, commonName

        var nid: Int32 {
            switch self {
            case .organization: NID_organizationName
            case .commonName: NID_commonName
            }
        }
    }

    /// A certificate extension, given its value in OpenSSL's configuration syntax.
    package enum Extension: Sendable {
        case basicConstraints, keyUsage, extendedKeyUsage, subjectKeyIdentifier, authorityKeyIdentifier

        var nid: Int32 {
            switch self {
            case .basicConstraints: NID_basic_constraints
            case .keyUsage: NID_key_usage
            case .extendedKeyUsage: NID_ext_key_usage
            case .subjectKeyIdentifier: NID_subject_key_identifier
            case .authorityKeyIdentifier: NID_authority_key_identifier
            }
        }
    }

    /// A version 3 certificate for `key` with a random positive 128-bit serial number, signed with SHA-256 by
    /// `issuerKey`; self-signed when `issuer` is `nil`. `extensions` are added in order.
    ///
    /// - Throws: ``CryptoError`` (`.tooLarge`) when a name value is longer than 64 characters, `.openSSL` when
    ///   OpenSSL fails.
    package static func makeCertificate(
        subject: [(NameField, String)],
        key: OpenSSLKey,
        issuer: OpenSSLCertificate?,
        issuerKey: OpenSSLKey,
        notBefore: Date,
        notAfter: Date,
        extensions: [(Extension, String)]
    ) throws(CryptoError) -> OpenSSLCertificate {
        OpenSSLErrorQueue.clear()
        guard let created = X509_new() else { throw .openSSL("OpenSSL could not allocate a certificate") }
        let certificate = OpenSSLCertificate(taking: created)
        let x509 = certificate.pointer
        guard X509_set_version(x509, Int(X509_VERSION_3)) == 1 else {
            throw .openSSL("OpenSSL could not set the certificate version")
        }
        try setRandomSerial(of: x509)

        guard let nameCreated = X509_NAME_new() else { throw .openSSL("OpenSSL could not allocate a name") }
        let name = OpenSSLObject(nameCreated, release: X509_NAME_free)
        for (field, value) in subject {
            let nid = field.nid
            let bytes = Array(value.utf8)
            guard X509_NAME_add_entry_by_NID(name.pointer, nid, MBSTRING_UTF8, bytes, Int32(bytes.count), -1, 0) == 1
            else {
                let field = String(cString: OBJ_nid2ln(nid))
                throw .openSSL("“\(value)” cannot be a certificate's \(field) (at most 64 characters)", code: .tooLarge)
            }
        }
        let issuerName = issuer.map { X509_get_subject_name($0.pointer) } ?? name.pointer
        guard X509_set_subject_name(x509, name.pointer) == 1, X509_set_issuer_name(x509, issuerName) == 1 else {
            throw .openSSL("OpenSSL could not set the certificate's names")
        }

        guard ASN1_TIME_set(X509_getm_notBefore(x509), timeT(notBefore)) != nil,
            ASN1_TIME_set(X509_getm_notAfter(x509), timeT(notAfter)) != nil
        else { throw .openSSL("OpenSSL could not set the certificate's validity") }
        guard X509_set_pubkey(x509, key.pointer) == 1 else {
            throw .openSSL("OpenSSL could not put the public key into the certificate")
        }

        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.pointer ?? x509, x509, nil, nil, 0)
        for (kind, value) in extensions {
            let nid = kind.nid
            guard let extensionCreated = X509V3_EXT_nconf_nid(nil, &context, nid, value) else {
                throw .openSSL("OpenSSL could not make the certificate extension \(String(cString: OBJ_nid2ln(nid)))")
            }
            let owned = OpenSSLObject(extensionCreated, release: X509_EXTENSION_free)
            guard X509_add_ext(x509, owned.pointer, -1) == 1 else {
                throw .openSSL("OpenSSL could not add the certificate extension \(String(cString: OBJ_nid2ln(nid)))")
            }
        }

        guard X509_sign(x509, issuerKey.pointer, SHA256Algorithm.shared.pointer) > 0 else {
            throw .openSSL("OpenSSL could not sign the certificate")
        }
        return certificate
    }

    /// Sets a random positive 128-bit serial number.
    private static func setRandomSerial(of x509: OpaquePointer) throws(CryptoError) {
        guard let created = BN_new() else { throw .openSSL("OpenSSL could not allocate a number") }
        let serial = OpenSSLObject(created, release: BN_free)
        guard BN_rand(serial.pointer, 128, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) == 1,
            BN_to_ASN1_INTEGER(serial.pointer, X509_get_serialNumber(x509)) != nil
        else { throw .openSSL("OpenSSL could not make a random serial number") }
    }

    /// `date` in whole seconds since 1970, as certificates count time.
    package static func timeT(_ date: Date) -> Int {
        Int(date.timeIntervalSince1970.rounded(.down))
    }
}
