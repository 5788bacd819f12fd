// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "KommunalCampus",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "campus", targets: ["campus"]),
        .library(name: "Assessment", targets: ["Assessment"]),
        .library(name: "Interchange", targets: ["Interchange"]),
        .library(name: "Certificates", targets: ["Certificates"]),
        .library(name: "Verify", targets: ["Verify"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CQREncode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        .systemLibrary(
            name: "CHarfBuzz",
            pkgConfig: "harfbuzz-subset",
            providers: [.apt(["libharfbuzz-dev"])]
        ),
        .systemLibrary(
            name: "CCampusZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CLibZip",
            pkgConfig: "libzip",
            providers: [.apt(["libzip-dev"])]
        ),
        .systemLibrary(
            name: "CArgon2",
            pkgConfig: "libargon2",
            providers: [.apt(["libargon2-dev"])]
        ),
        .target(name: "CampusCore"),
        .target(
            name: "Assessment",
            dependencies: ["CampusCore", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "Interchange", dependencies: ["CampusCore", "Assessment", "CLibZip"]),
        .target(name: "CampusCrypto", dependencies: ["CampusCore", "COpenSSL", "CArgon2"]),
        .target(
            name: "Certificates",
            dependencies: ["CampusCore", "Assessment", "CampusCrypto", "CQREncode", "CHarfBuzz", "CCampusZlib"]
        ),
        .target(
            name: "Verify",
            dependencies: [
                "Assessment", "CampusCore", "Certificates", "CampusCrypto",
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .target(
            name: "Storage",
            dependencies: [
                "CampusCore", "Assessment", "Certificates", "CampusCrypto",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Service",
            dependencies: [
                "CampusCore", "Assessment", "Interchange", "Certificates", "Verify", "CampusCrypto", "Storage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CSV", package: "CSV.swift"),
                // Only `campus bench serve` speaks HTTP as a client (1,000 learners saving answers): sets up with
                // AsyncHTTPClient, loads with NIO's HTTP/1.1 codec on the event loops.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            resources: [.copy("Templates"), .copy("Static")]
        ),
        .executableTarget(
            name: "campus",
            dependencies: [
                "Assessment", "Interchange", "Certificates", "Verify", "Storage", "Service",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "VerifyFuzz", dependencies: ["Certificates", "Verify"]),
        .testTarget(name: "AssessmentTests", dependencies: ["Assessment"]),
        .testTarget(name: "InterchangeTests", dependencies: ["Interchange", "Assessment", "TestSupport"]),
        .target(
            name: "TestSupport",
            dependencies: ["Storage", "Certificates", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport"),
        .testTarget(name: "CertificatesTests", dependencies: ["Certificates", "TestSupport"]),
        .testTarget(name: "VerifyTests", dependencies: ["Verify", "CampusCrypto", "TestSupport"], exclude: ["Fuzz"]),
        .testTarget(
            name: "CampusTests", dependencies: ["campus", "Assessment", "Interchange", "TestSupport"],
            exclude: ["Golden"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "TestSupport"]),
        .testTarget(
            name: "ServiceTests",
            dependencies: [
                "Service", "Storage", "TestSupport", "Assessment", "Certificates", "Verify",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
