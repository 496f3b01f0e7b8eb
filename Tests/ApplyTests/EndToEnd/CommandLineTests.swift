import Apply
import Foundation
import Plan
import XCTest

/// The `compose-apply` executable itself: exit statuses and stderr.
final class CommandLineTests: XCTestCase {
    private func binary() throws -> String {
        let candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
            .map { $0.appendingPathComponent("compose-apply").path }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw EnvironmentError(message: "compose-apply not found next to the tests (looked at \(candidates))")
        }
        return found
    }

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

    func testUsageErrors() throws {
        let output = Shell.run(
            try binary(), ["plan.json", "--volumes"], environment: ProcessInfo.processInfo.environment)
        XCTAssertEqual(output.status, 64, output.stderr)
    }
}
