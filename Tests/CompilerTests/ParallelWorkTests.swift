import Foundation
import XCTest

/// Per-service stages run on several cores; the number of workers and the way services are cut
/// into chunks must never show in a plan, a `config` output, a warning or an error.
final class ParallelWorkTests: XCTestCase {
    /// One worker, and three workers with one service per chunk (so even a two-service golden
    /// case is split): every golden plan and warning list stays byte for byte the same.
    func testGoldenCasesDoNotDependOnTheWorkerCount() throws {
        for caseDirectory in try TestSupport.goldenCases() {
            let name = caseDirectory.lastPathComponent
            let expectedPlan = try String(
                contentsOf: caseDirectory.appendingPathComponent("plan.json"), encoding: .utf8)
            let expectedWarnings =
                (try? String(contentsOf: caseDirectory.appendingPathComponent("warnings.txt"), encoding: .utf8)) ?? ""
            for knobs in [
                ["COMPOSE_COMPILE_THREADS": "1"], ["COMPOSE_COMPILE_THREADS": "3", "COMPOSE_COMPILE_CHUNK": "1"],
            ] {
                let result = try TestSupport.run(
                    "/bin/bash",
                    [
                        TestSupport.repositoryRoot.appendingPathComponent("scripts/golden-run.sh").path,
                        TestSupport.compileBinary.path, caseDirectory.path,
                    ], environment: knobs)
                XCTAssertEqual(result.status, 0, "\(name) \(knobs): \(result.standardError)")
                XCTAssertEqual(result.standardOutput, expectedPlan, "\(name) \(knobs): plan differs")
                XCTAssertEqual(result.standardError, expectedWarnings, "\(name) \(knobs): warnings differ")
            }
        }
    }

    /// `config` and `config --extensions` print the same model whatever the worker count.
    func testConfigOutputDoesNotDependOnTheWorkerCount() throws {
        for caseDirectory in try TestSupport.goldenCases()
        where FileManager.default.fileExists(atPath: caseDirectory.appendingPathComponent("compose.yaml").path) {
            for arguments in [["config"], ["config", "--extensions"]] {
                let outputs = try [
                    ["COMPOSE_COMPILE_THREADS": "1"], ["COMPOSE_COMPILE_THREADS": "4", "COMPOSE_COMPILE_CHUNK": "1"],
                ].map { knobs in
                    try TestSupport.run(
                        TestSupport.compileBinary.path, arguments + ["-f", "compose.yaml"], environment: knobs,
                        workingDirectory: caseDirectory.path)
                }
                XCTAssertEqual(outputs[0].status, outputs[1].status, caseDirectory.lastPathComponent)
                XCTAssertEqual(outputs[0].standardOutput, outputs[1].standardOutput, caseDirectory.lastPathComponent)
                XCTAssertEqual(outputs[0].standardError, outputs[1].standardError, caseDirectory.lastPathComponent)
            }
        }
    }

    /// A file of 64 KiB or more is read by libyaml on another thread while the tree is built:
    /// its plan, and every kind of error it can stop at, are the ones a single thread gives.
    func testLargeFilesParseTheSameOnOneOrTwoThreads() throws {
        var services = "services:\n"
        for index in 0..<1500 {
            services += "  svc\(index):\n    image: nginx\n    environment: {A: \"\(index)\"}\n"
        }
        XCTAssertGreaterThan(services.utf8.count, 64 * 1024)
        let sources = [
            services,
            // A syntax error near the end, a key defined twice in the middle, an unknown alias.
            services + "  broken: [\n",
            services.replacingOccurrences(of: "  svc700:\n", with: "  svc1:\n"),
            services + "  late: *nowhere\n",
            // Invalid UTF-8 (a reader error, located from a byte offset).
            services + "  bad: \"\u{FFFD}\"\n",
        ]
        for (index, source) in sources.enumerated() {
            var bytes = Array(source.utf8)
            if index == 4, let position = bytes.lastIndex(of: 0xBD) { bytes[position] = 0xFF }
            let directory = try TestSupport.makeProject(["compose.yaml": ""])
            defer { try? FileManager.default.removeItem(at: directory) }
            try Data(bytes).write(to: directory.appendingPathComponent("compose.yaml"))
            let results = try ["1", "2"].map { threads in
                try TestSupport.run(
                    TestSupport.compileBinary.path, [], environment: ["COMPOSE_COMPILE_THREADS": threads],
                    workingDirectory: directory.path)
            }
            XCTAssertEqual(results[0].status, index == 0 ? 0 : 1, "case \(index): \(results[0].standardError)")
            XCTAssertEqual(results[1].status, results[0].status, "case \(index)")
            XCTAssertEqual(results[1].standardOutput, results[0].standardOutput, "case \(index)")
            XCTAssertEqual(results[1].standardError, results[0].standardError, "case \(index)")
        }
    }

    /// With errors in several services, the one reported is the one a sequential run meets first,
    /// in every stage that splits services: short syntax, validation and translation.
    func testTheFirstErrorInServiceOrderIsReported() throws {
        let projects = [
            // Short port syntax (CanonicalSyntax): services b and d are both wrong.
            "services:\n  a: {image: nginx}\n  b: {image: nginx, ports: [\"80:80:80\"]}\n  c: {image: nginx}\n"
                + "  d: {image: nginx, ports: [\"abc\"]}\n",
            // Port bindings past the limit: the limit is crossed in the second service.
            "services:\n  a: {image: nginx, ports: [\"1-40000:1-40000\"]}\n"
                + "  b: {image: nginx, ports: [\"1-40000:1-40000\"]}\n  c: {image: nginx, ports: [\"1-40000:1-40000\"]}\n",
            // Translation: undeclared networks in two services.
            "services:\n  a: {image: nginx}\n  b: {image: nginx, networks: [missing1]}\n  c: {image: nginx}\n"
                + "  d: {image: nginx, networks: [missing2]}\n",
            // Validation: a wrong type in two services.
            "services:\n  a: {image: nginx}\n  b: {image: nginx, environment: 3}\n  c: {image: nginx, labels: 4}\n",
        ]
        for source in projects {
            let directory = try TestSupport.makeProject(["compose.yaml": source])
            defer { try? FileManager.default.removeItem(at: directory) }
            for arguments in [[String](), ["config"]] {
                let sequential = try TestSupport.run(
                    TestSupport.compileBinary.path, arguments, environment: ["COMPOSE_COMPILE_THREADS": "1"],
                    workingDirectory: directory.path)
                if arguments.isEmpty {
                    XCTAssertEqual(sequential.status, 1, source + sequential.standardError)
                    XCTAssertTrue(sequential.standardError.contains("compose.yaml:"), sequential.standardError)
                }
                for threads in ["2", "4"] {
                    let parallel = try TestSupport.run(
                        TestSupport.compileBinary.path, arguments,
                        environment: ["COMPOSE_COMPILE_THREADS": threads, "COMPOSE_COMPILE_CHUNK": "1"],
                        workingDirectory: directory.path)
                    XCTAssertEqual(parallel.status, sequential.status, source)
                    XCTAssertEqual(parallel.standardError, sequential.standardError, source)
                    XCTAssertEqual(parallel.standardOutput, sequential.standardOutput, source)
                }
            }
        }
    }
}
