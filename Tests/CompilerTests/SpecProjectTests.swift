import Foundation
import Plan
import XCTest

@testable import Compiler

/// Temporary project directories for loader tests.
enum SpecFixture {
    static func directory(_ files: [String: String]) throws -> String {
        let root = NSTemporaryDirectory() + "spec-\(UUID().uuidString)"
        for (path, text) in files {
            let full = root + "/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: full, atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return root
    }

    static func load(
        _ files: [String: String], args: [String] = [], profiles: [String] = [], env: [String: String] = [:]
    ) throws -> JSONValue {
        let root = try directory(files)
        var options = CompileOptions(workingDirectory: root)
        options.files = args
        options.profiles = profiles
        options.environment = env
        return try ComposeModel.load(options).configJSON
    }
}

/// Merging, tags, extends, include, profiles and normalization, checked on `config` output.
final class SpecProjectTests: XCTestCase {
    func service(_ json: JSONValue, _ name: String) -> JSONValue? { json["services"]?[name] }

    func testOverrideAndIncusOverlayMergeRules() throws {
        let json = try SpecFixture.load([
            "compose.yaml": """
            services:
              web:
                image: nginx
                command: a b
                ports: ["80:80"]
                environment: [A=1, B=2]
                volumes: ["./x:/data", "v:/keep"]
            volumes: {v: {}}
            """,
            "compose.override.yml": """
            services:
              web:
                command: [c]
                ports: ["443:443"]
                environment: {B: override, C: "3"}
                volumes: ["./y:/data"]
            """,
            "compose.incus.yaml": "services:\n  web:\n    environment:\n      C: incus\n",
        ])
        let web = try XCTUnwrap(service(json, "web"))
        XCTAssertEqual(web["command"], .array([.string("c")]))
        XCTAssertEqual(web["ports"]?.arrayValue?.count, 2)
        XCTAssertEqual(web["environment"], .stringMap(["A": "1", "B": "override", "C": "incus"]))
        let volumes = try XCTUnwrap(web["volumes"]?.arrayValue)
        XCTAssertEqual(volumes.count, 2)
        XCTAssertEqual(volumes[0]["target"], .string("/data"))
        XCTAssertEqual(volumes[0]["source"]?.stringValue?.hasSuffix("/y"), true)
    }

    /// Repeated list entries, within a file and across an override, keep the last one in the
    /// first one's place, as `docker compose config` prints them (checked against docker compose
    /// v5.6.1 on this very project).
    func testRepeatedListEntriesAreMerged() throws {
        // Past 16 entries repeats are found another way: V3 is given twice among 20.
        let longList = ((0..<19).map { "V\($0)=\($0)" } + ["V3=last"]).joined(separator: ", ")
        let json = try SpecFixture.load([
            "compose.yaml": """
            services:
              web:
                image: nginx
                ports: ["80:80", "8080:80", "80:80"]
                environment: ["A=1", "B=2", "A=3"]
                volumes: ["./a:/data", "./b:/data", "./c:/other"]
              long:
                image: nginx
                environment: [\(longList)]
            """,
            "compose.override.yaml": """
            services:
              web:
                ports: ["8080:80", "9090:90"]
                volumes: ["./d:/other"]
            """,
        ])
        let web = try XCTUnwrap(service(json, "web"))
        let ports = try XCTUnwrap(web["ports"]?.arrayValue)
        XCTAssertEqual(ports.map { $0["published"] }, [.string("80"), .string("8080"), .string("9090")])
        XCTAssertEqual(web["environment"], .stringMap(["A": "3", "B": "2"]))
        let volumes = try XCTUnwrap(web["volumes"]?.arrayValue)
        XCTAssertEqual(volumes.map { $0["target"] }, [.string("/data"), .string("/other")])
        XCTAssertEqual(volumes.compactMap { $0["source"]?.stringValue?.split(separator: "/").last }, ["b", "d"])
        let long = try XCTUnwrap(service(json, "long")?["environment"]?.objectValue)
        XCTAssertEqual(long.count, 19)
        XCTAssertEqual(long["V3"], .string("last"))
    }

    func testResetAndOverrideTags() throws {
        let json = try SpecFixture.load(
            [
                "base.yaml":
                    "services:\n  web:\n    image: nginx\n    ports: [\"80:80\"]\n    environment: {A: \"1\"}\n",
                "over.yaml": "services:\n  web:\n    ports: !reset []\n    environment: !override {B: \"2\"}\n",
            ], args: ["base.yaml", "over.yaml"])
        let web = try XCTUnwrap(service(json, "web"))
        XCTAssertNil(web["ports"])
        XCTAssertEqual(web["environment"], .stringMap(["B": "2"]))
    }

    func testPortRangesExpandAndLongSyntaxIsTyped() throws {
        let json = try SpecFixture.load([
            "compose.yaml": """
            services:
              web:
                image: nginx
                ports: ["127.0.0.1:8000-8001:80-81/udp", "9000-9005:90", {target: "70", published: 7070}]
            """
        ])
        let ports = try XCTUnwrap(service(json, "web")?["ports"]?.arrayValue)
        XCTAssertEqual(ports.count, 4)
        XCTAssertEqual(ports[0]["host_ip"], .string("127.0.0.1"))
        XCTAssertEqual(ports[1]["published"], .string("8001"))
        XCTAssertEqual(ports[1]["target"], .integer(81))
        XCTAssertEqual(ports[2]["published"], .string("9000-9005"))
        XCTAssertEqual(ports[3]["target"], .integer(70))
        XCTAssertEqual(ports[3]["published"], .string("7070"))
    }

    func testExtendsSameFileOtherFileAndNested() throws {
        let json = try SpecFixture.load([
            "compose.yaml": """
            services:
              base: {image: alpine, environment: {L: base}}
              mid: {extends: base, environment: {L: mid}}
              leaf: {extends: {service: mid}, labels: [x=y]}
              remote: {extends: {file: lib/common.yaml, service: tool}}
            """,
            "lib/common.yaml": "services:\n  tool:\n    image: busybox\n    volumes: [./data:/data]\n",
        ])
        XCTAssertEqual(service(json, "leaf")?["environment"], .stringMap(["L": "mid"]))
        XCTAssertEqual(service(json, "leaf")?["image"], .string("alpine"))
        let source = service(json, "remote")?["volumes"]?.arrayValue?.first?["source"]?.stringValue
        XCTAssertEqual(source?.hasSuffix("/lib/data"), true)
    }

    func testUnknownExtendsTargetIsPositioned() throws {
        XCTAssertThrowsError(
            try SpecFixture.load(["compose.yaml": "services:\n  a:\n    image: x\n    extends: ghost\n"])
        ) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("compose.yaml:4:14: error: cannot extend service 'a'"), text)
            XCTAssertTrue(text.hasSuffix("(at services.a.extends)"), text)
        }
    }

    func testExtendsCycleIsAnError() throws {
        XCTAssertThrowsError(
            try SpecFixture.load([
                "compose.yaml": "services:\n  a:\n    extends: b\n  b:\n    image: x\n    extends: a\n"
            ])
        ) { error in
            XCTAssertTrue("\(error)".contains("error: circular extends"), "\(error)")
        }
    }

    func testIncludeHasItsOwnDirectoryAndEnvironment() throws {
        let json = try SpecFixture.load([
            "compose.yaml": "include: [sub/compose.yaml]\nservices:\n  web: {image: nginx, depends_on: [api]}\n",
            "sub/compose.yaml": "services:\n  api:\n    image: python:${PY}\n    volumes: [./src:/src]\n",
            "sub/.env": "PY=3.12\n",
        ])
        XCTAssertEqual(service(json, "api")?["image"], .string("python:3.12"))
        let source = service(json, "api")?["volumes"]?.arrayValue?.first?["source"]?.stringValue
        XCTAssertEqual(source?.hasSuffix("/sub/src"), true)
    }

    func testIncludeCycleIsPositioned() throws {
        XCTAssertThrowsError(
            try SpecFixture.load([
                "compose.yaml": "include:\n  - other.yaml\nservices:\n  a: {image: x}\n",
                "other.yaml": "include:\n  - compose.yaml\n",
            ])
        ) { error in
            let text = "\(error)"
            XCTAssertTrue(
                text.contains("other.yaml:2:5: error: include cycle: compose.yaml → other.yaml → compose.yaml"), text)
        }
    }

    func testProfiles() throws {
        let files = [
            "compose.yaml": """
            services:
              always: {image: a}
              dbg: {image: b, profiles: [debug]}
              tool: {image: c, profiles: [tools, debug]}
            """
        ]
        XCTAssertEqual(try SpecFixture.load(files)["services"]?.objectValue?.keys.sorted(), ["always"])
        XCTAssertEqual(
            try SpecFixture.load(files, profiles: ["tools"])["services"]?.objectValue?.keys.sorted(),
            ["always", "tool"])
        XCTAssertEqual(
            try SpecFixture.load(files, env: ["COMPOSE_PROFILES": "debug"])["services"]?.objectValue?.keys.sorted(),
            ["always", "dbg", "tool"])
        XCTAssertEqual(try SpecFixture.load(files, profiles: ["*"])["services"]?.objectValue?.count, 3)
    }

    func testRequiredDependencyOnInactiveProfileIsAnError() throws {
        XCTAssertThrowsError(
            try SpecFixture.load([
                "compose.yaml":
                    "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: y\n    profiles: [p]\n"
            ])
        ) { error in
            XCTAssertTrue(
                "\(error)".contains("compose.yaml:4:18: error: service 'a' depends on service 'b'"), "\(error)")
        }
    }

    func testEnvFileShortAndLongSyntax() throws {
        let json = try SpecFixture.load(
            [
                "compose.yaml": """
                services:
                  a:
                    image: x
                    env_file: [one.env, {path: missing.env, required: false}]
                    environment: {KEEP: service}
                """,
                "one.env": "KEEP=file\nFROM_FILE=${WHO}\n",
            ], env: ["WHO": "process"])
        XCTAssertEqual(service(json, "a")?["environment"], .stringMap(["KEEP": "service", "FROM_FILE": "process"]))
        XCTAssertNil(service(json, "a")?["env_file"])
    }

    func testAnchorsAndMergeKeysAndDefaultNetwork() throws {
        let json = try SpecFixture.load([
            "compose.yaml": """
            x-base: &base {image: alpine, environment: {A: "1"}}
            services:
              one: {<<: *base, restart: always}
            """
        ])
        XCTAssertEqual(service(json, "one")?["environment"], .stringMap(["A": "1"]))
        XCTAssertEqual(service(json, "one")?["networks"], .object(["default": .null]))
        XCTAssertEqual(json["networks"]?["default"]?["name"]?.stringValue?.hasSuffix("_default"), true)
        XCTAssertEqual(service(json, "one")?["command"], .null)
        XCTAssertNotNil(json["x-base"])
    }

    func testMissingRequiredVariableAndBrokenDotEnvAreReportedThroughTheLoader() throws {
        XCTAssertThrowsError(
            try SpecFixture.load(["compose.yaml": "services:\n  a:\n    image: \"x:${TAG:?TAG is required}\"\n"])
        ) { error in
            let text = "\(error)"
            XCTAssertTrue(
                text.hasSuffix(
                    "compose.yaml:3:12: error: required variable TAG is missing a value: TAG is required (at services.a.image)"
                ), text)
        }
        XCTAssertThrowsError(
            try SpecFixture.load(["compose.yaml": "services:\n  a: {image: x}\n", ".env": "GOOD=1\nNOT VALID=2\n"])
        ) { error in
            XCTAssertTrue(
                "\(error)".hasSuffix(".env:2:1: error: variable name 'NOT VALID' cannot contain a space"), "\(error)")
        }
    }

    func testDependencyCycleIsAnError() throws {
        XCTAssertThrowsError(
            try SpecFixture.load([
                "compose.yaml": "services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x, links: [a]}\n"
            ])
        ) { error in
            XCTAssertTrue("\(error)".contains("error: dependency cycle: a → b → a"), "\(error)")
        }
    }
}
