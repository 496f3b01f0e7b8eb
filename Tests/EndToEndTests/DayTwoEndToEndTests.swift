import Apply
import Foundation
import Plan
import TestHelpers
import XCTest

/// Day-2 commands by compose service name: ps, exec, logs, stop, start, restart, and apply of some
/// services only.
final class DayTwoEndToEndTests: ComposeDirectoryTestCase {
    private func compose(natPort: Int, greeting: String) -> String {
        """
        name: \(project)
        services:
          web:
            image: busybox
            environment: {GREETING: \(greeting)}
            ports: ["\(bridgeAddress):\(natPort):80"]
            x-incus: {image: "local:compose-test", nat-proxy: true}
          api:
            image: busybox
            scale: 2
            environment: {GREETING: \(greeting)}
            x-incus: {image: "local:compose-test"}
        networks:
          default:
            x-incus: {ipv4.address: \(subnet), ipv4.nat: "false"}
        """
    }

    private var invocation: ApplyInvocation { ApplyInvocation(planPath: directory + "/plan.json", socket: socket) }

    private func exec(_ service: String, index: Int = 1, _ command: [String]) -> (OperateResult, String) {
        let output = LineCollector()
        let result = ApplyRun.exec(
            invocation, request: ExecRequest(service: service, index: index, command: command),
            streams: ExecStreams(output: { output.append(String(decoding: $0, as: UTF8.self)) }, errorOutput: { _ in }))
        return (result, output.lines.joined(separator: "\n"))
    }

    private func states() -> [String: String] {
        let rows = ApplyRun.status(invocation, services: []).rows
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.instance, $0.state) })
    }

    func testOperateTheProjectByServiceName() throws {
        let natPort = Int.random(in: 20000...24999)
        let planPath = try compileProject(compose(natPort: natPort, greeting: "one"))
        let (applied, lines) = run(planFile: planPath)
        XCTAssertEqual(applied.status, .success, "\(applied.message ?? "")\n" + lines.joined(separator: "\n"))

        let status = ApplyRun.status(invocation, services: [])
        XCTAssertEqual(status.rows.map(\.instance), ["api-1", "api-2", "web-1"])
        XCTAssertEqual(status.rows.map(\.state), ["running", "running", "running"])
        XCTAssertEqual(status.rows.last?.ports, ["\(bridgeAddress):\(natPort)->80/tcp (nat)"])
        XCTAssertFalse(status.rows.contains(where: \.drifted))
        XCTAssertTrue(StatusReport.json(status.rows).contains("\"instance\": \"api-2\""))
        XCTAssertTrue(StatusReport.table(status.rows).hasPrefix("SERVICE"))

        XCTAssertEqual(exec("web", ["hostname"]).1, "web-1")
        XCTAssertEqual(exec("api", index: 2, ["hostname"]).1, "api-2")
        XCTAssertEqual(exec("web", ["sh", "-c", "exit 7"]).0.exitCode, 7)
        let unknown = exec("nosuch", ["true"]).0
        XCTAssertEqual(unknown.status, .invalidPlan)
        XCTAssertTrue(unknown.message?.contains("nosuch") ?? false, unknown.message ?? "")
        XCTAssertEqual(exec("api", index: 3, ["true"]).0.status, .failed, "there is no third api")

        let logLines = LineCollector()
        let logs = ApplyRun.logs(
            invocation, services: ["web"], tail: nil, follow: false, write: { logLines.append($0) })
        XCTAssertEqual(logs.status, .success, logs.message ?? "")
        XCTAssertTrue(logLines.lines.allSatisfy { $0.hasPrefix("web-1  | ") }, logLines.lines.joined(separator: "\n"))

        let quiet: (String) -> Void = { _ in }
        XCTAssertEqual(
            ApplyRun.lifecycle("stop", invocation, services: ["api"], timeout: 30, write: quiet).status, .success)
        XCTAssertEqual(states(), ["api-1": "stopped", "api-2": "stopped", "web-1": "running"])
        XCTAssertEqual(
            ApplyRun.lifecycle("start", invocation, services: ["api"], timeout: 30, write: quiet).status, .success)
        XCTAssertEqual(states(), ["api-1": "running", "api-2": "running", "web-1": "running"])
        XCTAssertEqual(
            ApplyRun.lifecycle("restart", invocation, services: ["web"], timeout: 30, write: quiet).status, .success)
        XCTAssertTrue(
            Shell.waitForHTTP("http://\(bridgeAddress):\(natPort)/", containing: "compose-test ok", seconds: 20),
            "the NAT port answers after a restart")

        // A change to both services, applied for web only: api keeps its old environment.
        _ = try compileProject(compose(natPort: natPort, greeting: "two"))
        var options = ApplyOptions()
        options.services = ["web"]
        let (partial, partialLines) = run(planFile: planPath, options: options)
        XCTAssertEqual(partial.status, .success, partialLines.joined(separator: "\n"))
        XCTAssertTrue(partial.writeRequests.allSatisfy { !$0.contains("/instances/api") }, "\(partial.writeRequests)")
        XCTAssertEqual(exec("web", ["sh", "-c", "echo $GREETING"]).1, "two")
        XCTAssertEqual(exec("api", ["sh", "-c", "echo $GREETING"]).1, "one")
        let drift = ApplyRun.status(invocation, services: ["api"]).rows
        XCTAssertEqual(drift.map(\.drifted), [true, true], "api differs from the plan until it is applied")
    }
}
