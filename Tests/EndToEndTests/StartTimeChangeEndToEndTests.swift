import Apply
import Foundation
import Plan
import XCTest

/// A changed plan updates live what Incus applies live, and stops, updates and starts the instance
/// for what a container only takes when it starts (its init's environment, `raw.lxc` mounts).
final class StartTimeChangeEndToEndTests: EndToEndTestCase {
    func testEnvironmentChangeRestartsAndLimitChangeIsLive() throws {
        var plan = webPlan(basePort: Int.random(in: 30000...34000))
        applySucceeds(plan)

        plan.instances["web-1"]?.config["environment.GREETING"] = "hello"
        let (restarted, restartLines) = applySucceeds(plan)
        XCTAssertEqual(restarted.summary?.updated, 1, restartLines.joined(separator: "\n"))
        XCTAssertTrue(
            restartLines.contains { $0.contains("web-1") && $0.contains("(stopped, updated, started)") },
            restartLines.joined(separator: "\n"))
        let environment = incus(["exec", "web-1", "--project", project, "--", "cat", "/proc/1/environ"])
        XCTAssertTrue(environment.contains("GREETING=hello"), "init sees the new variable")

        plan.instances["web-1"]?.config["limits.memory"] = "256MiB"
        let (live, liveLines) = applySucceeds(plan)
        XCTAssertEqual(live.summary?.updated, 1)
        XCTAssertTrue(
            liveLines.contains { $0.contains("web-1") && $0.contains("(live)") }, liveLines.joined(separator: "\n"))

        let (again, _) = applySucceeds(plan)
        XCTAssertEqual(again.writeRequests, [], "converged")
    }
}
