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
        .target(name: "CampusCore"),
        .target(
            name: "Assessment",
            dependencies: ["CampusCore", .product(name: "Yams", package: "Yams")]
        ),
        .target(name: "Interchange", dependencies: ["CampusCore", "Assessment", "CLibZip"]),
        .target(name: "CampusCrypto", dependencies: ["CampusCore", "COpenSSL"]),
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
        .executableTarget(
            name: "campus",
            dependencies: [
                "Assessment", "Interchange", "Certificates", "Verify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "VerifyFuzz", dependencies: ["Certificates", "Verify"]),
        .testTarget(name: "AssessmentTests", dependencies: ["Assessment"]),
        .testTarget(name: "InterchangeTests", dependencies: ["Interchange", "Assessment", "TestSupport"]),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CertificatesTests", dependencies: ["Certificates", "TestSupport"]),
        .testTarget(name: "VerifyTests", dependencies: ["Verify", "CampusCrypto", "TestSupport"], exclude: ["Fuzz"]),
        .testTarget(
            name: "CampusTests", dependencies: ["campus", "Assessment", "Interchange", "TestSupport"],
            exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
