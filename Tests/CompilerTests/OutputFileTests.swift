import Foundation
import XCTest

/// `compose-compile -o FILE`: the plan can hold environment values, so the file is private (0600),
/// and a failed compile leaves whatever was there before untouched.
final class OutputFileTests: XCTestCase {
    func testPlanFileIsWrittenPrivatelyAndMatchesStandardOutput() throws {
        let directory = try TestSupport.makeProject([
            "compose.yaml": "services:\n  web:\n    image: nginx\n    environment: [PASSWORD=hunter2]\n"
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let planPath = directory.appendingPathComponent("plan.json").path
        // An existing, world-readable file is replaced by a private one.
        try Data("old".utf8).write(to: URL(fileURLWithPath: planPath))
        chmod(planPath, 0o644)
        let written = try TestSupport.run(
            TestSupport.compileBinary.path, ["-f", "compose.yaml", "-o", "plan.json"], workingDirectory: directory.path)
        XCTAssertEqual(written.status, 0, written.standardError)
        XCTAssertEqual(written.standardOutput, "")
        let attributes = try FileManager.default.attributesOfItem(atPath: planPath)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let printed = try TestSupport.run(
            TestSupport.compileBinary.path, ["-f", "compose.yaml"], workingDirectory: directory.path)
        XCTAssertEqual(try String(contentsOfFile: planPath, encoding: .utf8), printed.standardOutput)
    }

    func testFailedCompileLeavesTheOutputFileAlone() throws {
        let directory = try TestSupport.makeProject(["compose.yaml": "services:\n  web:\n    ports: [abc]\n"])
        defer { try? FileManager.default.removeItem(at: directory) }
        let planPath = directory.appendingPathComponent("plan.json").path
        try Data("previous plan\n".utf8).write(to: URL(fileURLWithPath: planPath))
        let failed = try TestSupport.run(
            TestSupport.compileBinary.path, ["-f", "compose.yaml", "-o", "plan.json"], workingDirectory: directory.path)
        XCTAssertEqual(failed.status, 1)
        XCTAssertEqual(try String(contentsOfFile: planPath, encoding: .utf8), "previous plan\n")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasPrefix("plan.json.")
        }
        XCTAssertEqual(leftovers, [], "no temporary file left behind")
    }
}
