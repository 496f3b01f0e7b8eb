import Apply
import Foundation
import Plan
import XCTest

/// A short-syntax bind whose source is missing: docker creates the directory, and so does apply
/// on a local server, where the daemon looks for it (inside its own root when it has one). A long
/// one with `bind.create_host_path: false` is left to the user, as docker leaves it.
final class BindSourceEndToEndTests: ComposeDirectoryTestCase {
    func testMissingShortSyntaxBindSourceIsCreatedAsADirectory() throws {
        let planPath = try compileServices(
            """
              web:
                image: busybox
                volumes:
                  - ./data/nested:/data
                x-incus: {image: "local:compose-test"}
            """)
        let plan = try ApplyRun.loadPlan(planPath)
        XCTAssertEqual(plan.instances["web-1"]?.createHostPaths, [directory + "/data/nested"])
        let firstLines = applySucceeds(planPath)
        XCTAssertTrue(
            firstLines.contains { $0.contains("created the missing bind mount source") },
            firstLines.joined(separator: "\n"))
        let listing = incus(["exec", "web-1", "--project", project, "--", "sh", "-c", "test -d /data && echo dir"])
        XCTAssertEqual(listing, "dir\n")

        let (second, secondLines) = run(planFile: planPath)
        XCTAssertEqual(second.writeRequests, [], "re-apply writes nothing\n" + secondLines.joined(separator: "\n"))
        XCTAssertFalse(secondLines.contains { $0.contains("created the missing bind mount source") })
    }

    func testLongSyntaxWithoutCreateHostPathIsNotCreated() throws {
        let planPath = try compileServices(
            """
              web:
                image: busybox
                volumes:
                  - type: bind
                    source: ./absent
                    target: /data
                    bind: {create_host_path: false}
                x-incus: {image: "local:compose-test"}
            """)
        XCTAssertEqual(try ApplyRun.loadPlan(planPath).instances["web-1"]?.createHostPaths, [])
    }
}
