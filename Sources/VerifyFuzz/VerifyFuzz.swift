import Certificates
import Foundation
import Verify

/// One fuzz input: read as a certificate PDF, as a QR token (URL or bare token, JWS or compact), as CBOR, and as
/// the Base45 of a compact token's structure.
enum FuzzTarget {
    /// A verifier trusting a development PKI made once per process.
    static let verifier: CertificateVerifier = {
        do {
            let pki = try DevelopmentPKI.create(issuerName: "Fuzz Zertifikatsstelle", organization: "KommunalCampus")
            return CertificateVerifier(trust: try TrustList(pem: Array(pki.rootPEM.utf8)))
        } catch {
            fatalError("cannot make the fuzzing PKI: \(error)")
        }
    }()

    static func run(_ bytes: [UInt8]) {
        _ = verifier.verify(pdf: bytes)
        let text = String(decoding: bytes.prefix(64 * 1024), as: UTF8.self)
        _ = CertificateToken.decode(text)
        _ = CompactToken.decode(text, id: nil)
        _ = CompactToken.decode(text, id: "KC-0123456789AB")
        _ = verifier.verify(token: text)
        // Raw bytes as CBOR, and as the structure inside a compact token (so the fuzzer need not find Base45).
        if let item = try? CBOR.decode(bytes), item.encoded != bytes {
            fatalError("CBOR read a non-deterministic encoding: \(bytes)")
        }
        _ = CompactToken.decode(CompactToken.escape(Base45.encode(Array(bytes.prefix(2048)))), id: "KC-0123456789AB")
    }
}

#if FUZZING
    /// libFuzzer's entry point (built by `.ci/fuzz` with `-sanitize=fuzzer -DFUZZING`).
    @_cdecl("LLVMFuzzerTestOneInput")
    public func verifyFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        guard let data else {
            FuzzTarget.run([])
            return 0
        }
        FuzzTarget.run(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }

    /// libFuzzer's driver (in the runtime that `-sanitize=fuzzer` links).
    @_silgen_name("LLVMFuzzerRunDriver")
    func llvmFuzzerRunDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    /// SwiftPM links an executable's entry point as `<Module>_main`; it hands over to libFuzzer.
    @_cdecl("VerifyFuzz_main")
    public func verifyFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
        var argc = argc
        var argv = argv
        return llvmFuzzerRunDriver(&argc, &argv, verifyFuzzTestOneInput)
    }
#else
    /// Without the fuzzer: replays the files named on the command line (a crash input, say).
    @main
    struct VerifyFuzz {
        static func main() throws {
            let files = CommandLine.arguments.dropFirst()
            guard !files.isEmpty else {
                print("usage: VerifyFuzz FILE…  (replays inputs; build with .ci/fuzz to fuzz)")
                return
            }
            for file in files {
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
                FuzzTarget.run(bytes)
                print("\(file): no crash")
            }
        }
    }
#endif
