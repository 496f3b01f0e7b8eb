import Foundation
import Plan
import PlanFixtures
import XCTest

@testable import Apply

/// An invalid plan exits 1 naming its pointer and the server sees no request at all.
final class ValidationFirstTests: XCTestCase {
    private func write(_ document: JSONValue) throws -> String {
        let path = NSTemporaryDirectory() + "apply-plan-\(UUID().uuidString).json"
        try JanssonCoding.encode(document).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func run(_ document: JSONValue) throws -> (ApplyResult, RecordingTransport) {
        let transport = RecordingTransport()
        let path = try write(document)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = ApplyRun.execute(
            ApplyInvocation(planPath: path), reporter: Reporter(isTerminal: false, write: { _ in }),
            transport: transport)
        return (result, transport)
    }

    func testTamperedPlansSendNothing() throws {
        var dangling = PlanFixtures.web(project: "demo", network: "n")
        PlanFixtures.addNATProxy(to: &dangling, listen: "tcp:10.0.0.1:8080")
        dangling.placeholders["web-1.eth0.ipv4"]?.pointers = ["/instances/web-1/devices/nope/connect"]
        var undeclared = PlanFixtures.web(project: "demo", network: "n")
        PlanFixtures.addNATProxy(to: &undeclared, listen: "tcp:10.0.0.1:8080")
        undeclared.placeholders = [:]
        guard case .object(var unknownFormat) = PlanFixtures.web(project: "demo", network: "n").jsonValue else {
            return XCTFail("plan is not an object")
        }
        unknownFormat["format"] = .integer(2)
        let cases: [(JSONValue, String)] = [
            (.object(unknownFormat), "/format"),
            (dangling.jsonValue, "/placeholders/web-1.eth0.ipv4/pointers/0"),
            (undeclared.jsonValue, "/instances/web-1/devices/proxy-nat/connect"),
        ]
        for (document, pointer) in cases {
            let (result, transport) = try run(document)
            XCTAssertEqual(result.status, .invalidPlan)
            XCTAssertTrue(result.message?.contains(pointer) ?? false, result.message ?? "no message")
            XCTAssertEqual(transport.requests, [], "the server must see no request")
        }
    }

    func testValidationErrorComesBeforeUnreachableSocket() throws {
        var plan = PlanFixtures.web(project: "demo", network: "n")
        plan.instances["web-1"]?.image.kind = "docker"
        let path = try write(plan.jsonValue)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = ApplyRun.execute(
            ApplyInvocation(planPath: path, socket: "/nonexistent/unix.socket"),
            reporter: Reporter(isTerminal: false, write: { _ in }))
        XCTAssertEqual(result.status, .invalidPlan)
        XCTAssertTrue(result.message?.contains("/instances/web-1/image/kind") ?? false, result.message ?? "")
    }

    func testUnreachableSocketIsExitFour() throws {
        let path = try write(PlanFixtures.web(project: "demo", network: "n").jsonValue)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = ApplyRun.execute(
            ApplyInvocation(planPath: path, socket: "/nonexistent/unix.socket"),
            reporter: Reporter(isTerminal: false, write: { _ in }))
        XCTAssertEqual(result.status, .unreachable)
        XCTAssertTrue(result.message?.contains("/nonexistent/unix.socket") ?? false, result.message ?? "")
    }
}
