// swift-tools-version:6.0
// The ceiling for GiaoBan's /healthz: the same Vapor, one plain-text route, nothing else
// (no middleware, no database, no logging per request). Built and run by Benchmarks/run.sh.
import PackageDescription

let package = Package(
    name: "BareVapor",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
    ],
    targets: [
        .executableTarget(name: "BareVapor", dependencies: [.product(name: "Vapor", package: "vapor")]),
    ]
)
