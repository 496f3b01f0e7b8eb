// swift-tools-version:5.9
import PackageDescription

let package = Package(
    name: "incus-compose-swift",
    products: [
        .executable(name: "compose-compile", targets: ["compose-compile"]),
        .executable(name: "compose-apply", targets: ["compose-apply"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The exec websockets of the Incus API (interactive exec, streamed output), over the unix
        // socket or TLS with the remote's client certificate.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(
            name: "CJansson", path: "Sources/CJansson", pkgConfig: "jansson",
            providers: [.apt(["libjansson-dev"])]),
        .systemLibrary(
            name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        // jemalloc replaces glibc's malloc in compose-compile: its stages build and drop many small
        // tree nodes on several threads, where jemalloc is about a tenth faster. The options it gets
        // are in Sources/CAllocator/allocator_settings.c (docs/benchmarks.md).
        .target(
            name: "CAllocator", path: "Sources/CAllocator",
            linkerSettings: [.linkedLibrary("jemalloc")]),
        .target(name: "Plan", dependencies: ["CJansson", "CCrypto"], path: "Sources/Plan"),
        // The version and commit `--version` prints, written before each build (scripts/build-info.sh).
        .plugin(name: "BuildInfoPlugin", capability: .buildTool(), path: "Plugins/BuildInfoPlugin"),
        .target(name: "BuildInfo", path: "Sources/BuildInfo", plugins: ["BuildInfoPlugin"]),
        .target(name: "Compiler", dependencies: ["CYAML", "Plan"], path: "Sources/Compiler"),
        .executableTarget(
            name: "compose-compile",
            dependencies: [
                "BuildInfo", "CAllocator", "Compiler", "Plan",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/compose-compile"),
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(
            name: "Apply",
            dependencies: [
                "CCurl", "CYAML", "Plan",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Sources/Apply"),
        .executableTarget(
            name: "compose-apply",
            dependencies: [
                "Apply", "BuildInfo", "Plan", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/compose-apply"),
        // Plans for tests of the Plan and Apply modules.
        .target(name: "PlanFixtures", dependencies: ["Plan"], path: "Tests/PlanFixtures"),
        .testTarget(name: "PlanTests", dependencies: ["Plan", "PlanFixtures"], path: "Tests/PlanTests"),
        // Helpers the Apply unit tests and the end-to-end tests share (commands, paths, waiting).
        .target(name: "TestHelpers", path: "Tests/TestHelpers"),
        .testTarget(
            name: "ApplyTests", dependencies: ["Apply", "Plan", "PlanFixtures", "TestHelpers"],
            path: "Tests/ApplyTests", exclude: ["Fixtures"]),
        // Tests against real Incus servers (scripts/test.sh starts them).
        .testTarget(
            name: "EndToEndTests", dependencies: ["Apply", "Plan", "PlanFixtures", "TestHelpers"],
            path: "Tests/EndToEndTests"),
        .testTarget(name: "CompilerTests", dependencies: ["Compiler", "Plan"], path: "Tests/CompilerTests"),
    ]
)
