import Foundation
import XCTest

/// `compose-compile` takes docker compose's command line: global options before the subcommand,
/// `-f -`, and `config`'s switches.
final class CommandLineConfigTests: XCTestCase {
    private let compose = """
        name: cli
        services:
          web:
            image: nginx:${TAG:-1.27}
            depends_on: [db]
            volumes: [data:/data]
            profiles: [front]
          db:
            image: postgres
            environment:
              PASSWORD: ${DB_PASSWORD:?set a password}
          worker:
            build: ./worker
            profiles: [jobs]
        volumes:
          data: {}

        """

    private func run(_ arguments: [String], input: String? = nil, in directory: URL) throws
        -> TestSupport
        .ProcessResult
    {
        try TestSupport.run(
            TestSupport.compileBinary.path, arguments, environment: ["DB_PASSWORD": "secret"],
            workingDirectory: directory.path, standardInput: input.map { Data($0.utf8) })
    }

    func testGlobalOptionsBeforeTheSubcommandAndComposeFileOnStandardInput() throws {
        let directory = try TestSupport.makeProject(["compose.yaml": compose, "worker/Dockerfile": "FROM scratch\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = try run(["-f", "compose.yaml", "--profile", "front", "config", "--services"], in: directory)
        XCTAssertEqual(before.status, 0, before.standardError)
        XCTAssertEqual(before.standardOutput, "db\nweb\n", "db before web, which depends on it")
        let after = try run(["config", "--services", "-f", "compose.yaml", "--profile", "front"], in: directory)
        XCTAssertEqual(after.standardOutput, before.standardOutput, "after the subcommand, as before")

        let piped = try run(["-f", "-", "config", "--format", "json"], input: compose, in: directory)
        XCTAssertEqual(piped.status, 0, piped.standardError)
        let file = try run(["config", "--format", "json"], in: directory)
        XCTAssertEqual(piped.standardOutput, file.standardOutput, "stdin resolves against the working directory")
        let plan = try run(["-f", "-"], input: compose, in: directory)
        XCTAssertEqual(plan.status, 0, plan.standardError)
        XCTAssertTrue(plan.standardOutput.contains("\"path\": \"-\""), "the plan records standard input")
    }

    func testConfigSwitchesPrintWhatDockerComposePrints() throws {
        let directory = try TestSupport.makeProject(["compose.yaml": compose, "worker/Dockerfile": "FROM scratch\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        XCTAssertEqual(
            try run(["config", "--images", "--profile", "*"], in: directory).standardOutput,
            "postgres\nnginx:1.27\ncli-worker\n")
        XCTAssertEqual(try run(["config", "--profiles"], in: directory).standardOutput, "front\njobs\n")
        XCTAssertEqual(try run(["config", "--volumes", "--profile", "front"], in: directory).standardOutput, "data\n")
        XCTAssertEqual(try run(["config", "--networks"], in: directory).standardOutput, "default\n")
        let variables = try run(["config", "--variables"], in: directory)
        XCTAssertEqual(
            variables.standardOutput,
            "NAME                REQUIRED            DEFAULT VALUE       ALTERNATE VALUE\n"
                + "DB_PASSWORD         true                                    \n"
                + "TAG                 false               1.27                \n")
        let quiet = try run(["config", "-q"], in: directory)
        XCTAssertEqual(quiet.status, 0)
        XCTAssertEqual(quiet.standardOutput, "")
        let broken = try TestSupport.run(
            TestSupport.compileBinary.path, ["config", "-q"], environment: ["DB_PASSWORD": ""],
            workingDirectory: directory.path)
        XCTAssertEqual(broken.status, 1)
        XCTAssertEqual(broken.standardOutput, "")
        XCTAssertTrue(broken.standardError.contains("compose.yaml:11:"), broken.standardError)
        let yaml = try run(["config"], in: directory)
        XCTAssertTrue(yaml.standardOutput.hasPrefix("name: cli\nservices:\n  db:\n"), yaml.standardOutput)
        XCTAssertTrue(yaml.standardOutput.contains("      PASSWORD: secret\n"), yaml.standardOutput)
        let hashes = try run(["config", "--hash", "*"], in: directory).standardOutput.split(separator: "\n")
        XCTAssertEqual(hashes.map { $0.split(separator: " ").first.map(String.init) ?? "" }, ["db"])
        let unknown = try run(["config", "--hash", "nosuch"], in: directory)
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.standardError.contains("no such service: nosuch"), unknown.standardError)
        let output = directory.appendingPathComponent("out.yaml").path
        XCTAssertEqual(try run(["config", "-o", output], in: directory).standardOutput, "")
        XCTAssertEqual(try String(contentsOfFile: output, encoding: .utf8), yaml.standardOutput)
    }
}
