import Apply
import Foundation
import Plan
import PlanFixtures
import TestHelpers
import XCTest

/// The `compose-apply` executable itself: exit statuses and stderr.
final class CommandLineTests: XCTestCase {
    private func binary() throws -> String { try ExecutablePaths.find("compose-apply") }

    func testInvalidPlanExitsOneNamingThePointer() throws {
        var plan = PlanFixtures.web(project: "demo", network: "n")
        PlanFixtures.addNATProxy(to: &plan, listen: "tcp:10.0.0.1:8080")
        plan.placeholders["web-1.eth0.ipv4"]?.pointers = ["/instances/web-1/devices/gone/connect"]
        let path = NSTemporaryDirectory() + "cli-plan-\(UUID().uuidString).json"
        try JanssonCoding.encode(plan.jsonValue).write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = Shell.run(
            try binary(), [path, "--socket", "/nonexistent/unix.socket"],
            environment: ProcessInfo.processInfo.environment)
        XCTAssertEqual(output.status, 1, output.stderr)
        XCTAssertTrue(output.stderr.contains("/placeholders/web-1.eth0.ipv4/pointers/0"), output.stderr)
    }

    func testCheckSourceRefusesChangedOrMissingInputsBeforeAnyRequest() throws {
        let directory = NSTemporaryDirectory() + "cli-source-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let kept = directory + "/compose.yaml"
        let changed = directory + "/compose.override.yaml"
        let missing = directory + "/compose.incus.yaml"
        try "services: {}\n".write(toFile: kept, atomically: true, encoding: .utf8)
        try "services: {}\n".write(toFile: changed, atomically: true, encoding: .utf8)
        let digest = Shell.run("/usr/bin/sha256sum", [kept], environment: [:]).stdout.prefix(64)
        var plan = PlanFixtures.web(project: "demo", network: "n")
        plan.source = PlanSource(
            projectDirectory: directory,
            files: [
                PlanSourceFile(path: kept, sha256: String(digest)),
                PlanSourceFile(path: changed, sha256: String(digest)),
                PlanSourceFile(path: missing, sha256: String(digest)),
            ])
        try "services: {web: {image: nginx}}\n".write(toFile: changed, atomically: true, encoding: .utf8)
        let path = directory + "/plan.json"
        try JanssonCoding.encode(plan.jsonValue).write(toFile: path, atomically: true, encoding: .utf8)
        // A socket that does not exist: any request would fail with status 4, not 1.
        let output = Shell.run(
            try binary(), [path, "--check-source", "--socket", "/nonexistent/unix.socket"],
            environment: ProcessInfo.processInfo.environment)
        XCTAssertEqual(output.status, 1, output.stderr)
        XCTAssertTrue(output.stderr.contains("\(changed) changed"), output.stderr)
        XCTAssertTrue(output.stderr.contains("\(missing) is missing"), output.stderr)
        XCTAssertFalse(output.stderr.contains("\(kept) "), output.stderr)

        var current = plan
        current.source.files = [PlanSourceFile(path: kept, sha256: String(digest))]
        try JanssonCoding.encode(current.jsonValue).write(toFile: path, atomically: true, encoding: .utf8)
        let unchanged = Shell.run(
            try binary(), [path, "--check-source", "--socket", "/nonexistent/unix.socket"],
            environment: ProcessInfo.processInfo.environment)
        XCTAssertEqual(unchanged.status, 4, "an up-to-date plan goes on to the server: \(unchanged.stderr)")
    }

    func testUsageErrors() throws {
        let output = Shell.run(
            try binary(), ["plan.json", "--volumes"], environment: ProcessInfo.processInfo.environment)
        XCTAssertEqual(output.status, 64, output.stderr)
    }
}
