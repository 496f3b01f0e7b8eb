import Apply
import Foundation
import Plan
import PlanFixtures
import TestHelpers
import XCTest

/// Apply against the real private incusd: proxies, placeholders, no-op re-apply, live updates.
final class ConvergenceEndToEndTests: EndToEndTestCase {
    func testProxiesPlaceholdersRestartAndNoOpReapply() throws {
        let port = Int.random(in: 20000...24999)
        var plan = webPlan(basePort: port)
        PlanFixtures.addNATProxy(to: &plan, listen: "tcp:\(bridgeAddress):\(port + 100)")

        let (first, _) = applySucceeds(plan)
        XCTAssertEqual(first.summary?.created, 3, "project, network and instance")
        XCTAssertTrue(
            Shell.waitForHTTP("http://127.0.0.1:\(port)/", containing: "compose-test ok", seconds: 15),
            "userspace proxy on 127.0.0.1 answers")
        let natURL = "http://\(bridgeAddress):\(port + 100)/"
        XCTAssertTrue(Shell.waitForHTTP(natURL, containing: "compose-test ok", seconds: 15), "NAT proxy answers")

        let instance = try query("/1.0/instances/web-1?project=\(project)")
        let pinned = instance["devices"]?["eth0"]?["ipv4.address"]?.stringValue ?? ""
        XCTAssertTrue(
            pinned.hasPrefix(String(bridgeAddress.dropLast(1))), "eth0 pinned in the bridge subnet: \(pinned)")
        XCTAssertEqual(instance["devices"]?["proxy-nat"]?["nat"]?.stringValue, "true")
        XCTAssertEqual(instance["devices"]?["proxy-nat"]?["connect"]?.stringValue, "tcp:\(pinned):80")
        XCTAssertEqual(
            instance["config"]?["environment.LITERAL"]?.stringValue, "{{not-a-placeholder}}",
            "a literal {{…}} outside the placeholder pointers stays untouched")
        let serverText = JanssonCoding.encode(instance)
        XCTAssertFalse(serverText.contains("{{web-1"), "no placeholder left on the server")

        let (second, lines) = applySucceeds(plan)
        XCTAssertEqual(second.writeRequests, [], "re-apply sends no write request")
        XCTAssertEqual(second.summary?.unchanged, 3)
        XCTAssertEqual(
            (second.summary?.created ?? -1) + (second.summary?.updated ?? -1), 0, lines.joined(separator: "\n"))

        incus(["restart", "web-1", "--project", project])
        XCTAssertTrue(Shell.waitForHTTP(natURL, containing: "compose-test ok", seconds: 30), "NAT port after restart")
        let (afterRestart, _) = applySucceeds(plan)
        XCTAssertEqual(afterRestart.writeRequests, [], "the pinned address survives a restart")

        plan.instances["web-1"]?.config["environment.GREETING"] = "hello"
        let (changed, changedLines) = applySucceeds(plan)
        XCTAssertEqual(changed.summary?.updated, 1, changedLines.joined(separator: "\n"))
        // The container's init takes its environment when it starts, so the change restarts it.
        XCTAssertTrue(
            changedLines.contains {
                $0.contains("config environment.GREETING") && $0.contains("(stopped, updated, started)")
            }, changedLines.joined(separator: "\n"))
        let updated = try query("/1.0/instances/web-1?project=\(project)")
        XCTAssertEqual(updated["config"]?["environment.GREETING"]?.stringValue, "hello")
        XCTAssertEqual(updated["status"]?.stringValue, "Running")
        XCTAssertTrue(Shell.waitForHTTP(natURL, containing: "compose-test ok", seconds: 15))
    }

    func testLoweredReplicaCountRemovesTheExtraInstance() throws {
        let port = Int.random(in: 25000...27999)
        let two = webPlan(replicas: 2, basePort: port)
        applySucceeds(two)
        XCTAssertTrue(Shell.waitForHTTP("http://127.0.0.1:\(port + 1)/", containing: "compose-test ok", seconds: 15))
        let one = webPlan(replicas: 1, basePort: port)
        let (result, lines) = applySucceeds(one)
        XCTAssertEqual(result.summary?.deleted, 1, lines.joined(separator: "\n"))
        XCTAssertEqual(try names("/1.0/instances?project=\(project)"), ["web-1"])
        let (again, _) = applySucceeds(one)
        XCTAssertEqual(again.writeRequests, [])
    }

    func testDryRunSendsNoWrite() throws {
        let plan = webPlan(basePort: Int.random(in: 28000...29999))
        var options = ApplyOptions()
        options.dryRun = true
        let (result, lines) = applySucceeds(plan, options: options)
        XCTAssertEqual(result.writeRequests, [])
        XCTAssertTrue(lines.contains { $0.hasPrefix("would create instance web-1") }, lines.joined(separator: "\n"))
        XCTAssertFalse(try names("/1.0/projects").contains(project))
    }
}
