// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "giaoban",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "giaoban", targets: ["giaoban"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .target(name: "GiaoBanCore"),
        // The address of Swift's global-enqueue hook, for `TaskExecution` (see docs/decisions.md).
        .target(name: "CSwiftHooks"),
        .target(
            name: "GiaoBanOffice",
            dependencies: [
                "GiaoBanCore",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "CSV", package: "CSV.swift"),
            ]
        ),
        .target(
            name: "App",
            dependencies: [
                "GiaoBanCore",
                "GiaoBanOffice",
                "CSwiftHooks",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "giaoban",
            dependencies: [
                "App",
                .product(name: "Vapor", package: "vapor"),
            ]
        ),
        .testTarget(name: "GiaoBanCoreTests", dependencies: ["GiaoBanCore"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "GiaoBanOfficeTests",
            dependencies: ["GiaoBanOffice", "GiaoBanCore"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "App",
                "GiaoBanCore",
                "GiaoBanOffice",
                .product(name: "VaporTesting", package: "vapor"),
            ],
            // The snapshot references are read from the source tree (`Snapshot.swift`), not bundled.
            exclude: ["__Snapshots__"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
