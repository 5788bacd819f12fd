import Certificates
import Foundation
import Verify

/// The issuer's signing identity and the trust list public verification uses, loaded from a keys folder.
public struct IssuerKeys: Sendable {
    /// Signs certificates and status lists.
    public let identity: SigningIdentity
    /// The roots verifiers trust (`root.pem`), PEM.
    public let rootPEM: [UInt8]
    /// The issuer certificate followed by its chain (`issuer.pem`), PEM.
    public let chainPEM: [UInt8]
    /// The trust list built from ``rootPEM``.
    public let trust: TrustList

    /// Reads `DIR/issuer.key`, `DIR/issuer.pem` and `DIR/root.pem`. A key file that group or others can read is
    /// refused: the key is the issuer's whole trust. Signatures are time-stamped by `externalTimeStamps` when given
    /// (its roots join the trust list), else by the folder's own authority (`tsa.key`, `tsa.pem`) if it has one.
    public static func load(directory: String, externalTimeStamps: ExternalTimeStamps? = nil) throws(ServiceError)
        -> IssuerKeys
    {
        let keyPath = (directory as NSString).appendingPathComponent("issuer.key")
        let chainPath = (directory as NSString).appendingPathComponent("issuer.pem")
        let rootPath = (directory as NSString).appendingPathComponent("root.pem")
        var status = stat()
        guard stat(keyPath, &status) == 0 else {
            throw ServiceError(
                .keys, "\(keyPath): no issuer key here; create keys with `campus keys init --dir \(directory)`")
        }
        if status.st_mode & 0o077 != 0 {
            throw ServiceError(
                .keys,
                "\(keyPath): the issuer key can be read by group or others (mode \(String(status.st_mode & 0o777, radix: 8))); "
                    + "run `chmod 600 \(keyPath)`")
        }
        let key = try read(keyPath)
        let chain = try read(chainPath)
        let root = try read(rootPath)
        // A time-stamp authority beside the issuer key (`campus keys init` makes one) dates every signature.
        let tsaKeyPath = (directory as NSString).appendingPathComponent("tsa.key")
        let tsaPath = (directory as NSString).appendingPathComponent("tsa.pem")
        let timeStamping =
            externalTimeStamps == nil
                && (FileManager.default.fileExists(atPath: tsaKeyPath)
                    || FileManager.default.fileExists(atPath: tsaPath))
            ? (key: try read(tsaKeyPath), certificate: try read(tsaPath)) : nil
        do {
            var identity = try SigningIdentity(keyPEM: key, chainPEM: chain)
            if let externalTimeStamps {
                do {
                    identity = try externalTimeStamps.stamping(identity)
                } catch {
                    throw ServiceError(.keys, "--tsa-root: \(error.reason)")
                }
            } else if let timeStamping {
                do {
                    identity = try identity.timeStamping(
                        keyPEM: timeStamping.key, certificatePEM: timeStamping.certificate)
                } catch {
                    throw ServiceError(.keys, "\(tsaKeyPath), \(tsaPath): \(error.reason)")
                }
            }
            let roots = root + (externalTimeStamps.map { [UInt8]("\n".utf8) + $0.rootsPEM } ?? [])
            let trust = try TrustList(pem: roots)
            return IssuerKeys(identity: identity, rootPEM: roots, chainPEM: chain, trust: trust)
        } catch let error as ServiceError {
            throw error
        } catch let error as CertificateError {
            throw ServiceError(.keys, "\(keyPath), \(chainPath): \(error.reason)")
        } catch let error as VerificationFailure {
            throw ServiceError(.keys, "\(rootPath): \(error.reason)")
        } catch {
            throw ServiceError(.keys, "\(directory): \(error)")
        }
    }

    /// A fresh development root and issuer, in memory only (for `--demo` and tests without `--keys`).
    public static func development() throws(ServiceError) -> IssuerKeys {
        do {
            let pki = try DevelopmentPKI.create(
                issuerName: "KommunalCampus Demo-Zertifikatsstelle", organization: "KommunalCampus (Demo)", years: 1)
            let identity = try SigningIdentity(
                keyPEM: Array(pki.issuerKeyPEM.utf8), chainPEM: Array(pki.issuerPEM.utf8)
            ).timeStamping(keyPEM: Array(pki.timeStampKeyPEM.utf8), certificatePEM: Array(pki.timeStampPEM.utf8))
            let root = Array(pki.rootPEM.utf8)
            return IssuerKeys(
                identity: identity, rootPEM: root, chainPEM: Array(pki.issuerPEM.utf8), trust: try TrustList(pem: root))
        } catch {
            throw ServiceError(.keys, "the demo keys could not be made: \(error)")
        }
    }

    private static func read(_ path: String) throws(ServiceError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ServiceError(.keys, "\(path): cannot be read; create keys with `campus keys init`")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: 1_000_001)) ?? Data()
        guard data.count <= 1_000_000 else { throw ServiceError(.keys, "\(path): larger than 1 MB, not a key file") }
        return Array(data)
    }
}
