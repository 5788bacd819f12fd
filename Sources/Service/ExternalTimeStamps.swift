import AsyncHTTPClient
import Certificates
import Foundation
import NIOCore
import NIOHTTP1

/// An external RFC 3161 time-stamp authority reached over HTTP(S), as `--tsa URL` names it.
public struct ExternalTimeStamps: Sendable {
    /// The authority's address (`http://` or `https://`).
    public let url: URL
    /// The certificates (PEM) the authority's certificate must chain to; verifiers need them too.
    public let rootsPEM: [UInt8]
    /// How long one request may take.
    public let timeout: TimeAmount

    /// Largest answer read.
    static let maximumResponseSize = 64 * 1024

    /// An authority at `address` whose certificate chains to a certificate in `rootsPEM`.
    ///
    /// - Throws: ``ServiceError`` `.keys` when `address` is not an absolute http(s) URL with a host.
    public init(address: String, rootsPEM: [UInt8], timeout: TimeAmount = .seconds(10)) throws(ServiceError) {
        guard let url = URL(string: address), let scheme = url.scheme?.lowercased(),
            ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else {
            throw ServiceError(
                .keys,
                "--tsa \(address): give the time-stamp authority's address as http://HOST/PATH or https://HOST/PATH")
        }
        self.url = url
        self.rootsPEM = rootsPEM
        self.timeout = timeout
    }

    /// `identity`, its signatures time-stamped by this authority.
    public func stamping(_ identity: SigningIdentity) throws(CertificateError) -> SigningIdentity {
        try identity.timeStamping(authority: url.absoluteString, rootsPEM: rootsPEM, exchange: exchange)
    }

    /// Posts one DER time-stamp request (RFC 3161 §3.4: `application/timestamp-query`) and returns the DER
    /// response body, refusing anything but 200 with at most ``maximumResponseSize`` bytes.
    ///
    /// It blocks the calling thread until the answer arrives or ``timeout`` passes: signing is synchronous.
    @Sendable func exchange(_ request: [UInt8]) throws -> [UInt8] {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/timestamp-query")
        headers.add(name: "Accept", value: "application/timestamp-reply")
        let httpRequest = try HTTPClient.Request(
            url: url, method: .POST, headers: headers, body: .byteBuffer(ByteBuffer(bytes: request)))
        let accumulator = ResponseAccumulator(request: httpRequest, maxBodySize: Self.maximumResponseSize)
        let response = try HTTPClient.shared.execute(
            request: httpRequest, delegate: accumulator, deadline: .now() + timeout
        ).wait()
        guard response.status == .ok else {
            throw ExchangeFailure(
                description: "it answered HTTP \(response.status.code) \(response.status.reasonPhrase)")
        }
        guard var body = response.body, let bytes = body.readBytes(length: body.readableBytes), !bytes.isEmpty else {
            throw ExchangeFailure(description: "it answered with an empty body")
        }
        return bytes
    }

    private struct ExchangeFailure: Error, CustomStringConvertible {
        let description: String
    }
}
