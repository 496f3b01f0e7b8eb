import Apply
import Foundation
import Plan
import TestHelpers
import XCTest

/// A volume moved to another storage pool in compose: apply refuses before any change rather than
/// give the service a new, empty volume.
final class VolumePoolEndToEndTests: ComposeDirectoryTestCase {
    private var pool = ""

    override func tearDown() {
        super.tearDown()
        if !pool.isEmpty {
            _ = Shell.run("/usr/bin/incus", ["storage", "delete", pool], environment: environment)
        }
    }

    private func compose(pool: String?) -> String {
        """
        name: \(project)
        services:
          web:
            image: busybox
            volumes: [data:/data]
            x-incus: {image: "local:compose-test"}
        volumes:
          data:
        \(pool.map { "    x-incus: {pool: \($0)}" } ?? "    {}")
        networks:
          default:
            x-incus: {ipv4.address: \(subnet), ipv4.nat: "false"}
        """
    }

    func testAVolumeMovedToAnotherPoolIsRefused() throws {
        pool = "e2e" + String(project.suffix(6))
        incus(["storage", "create", pool, "dir"])
        let planPath = try compileProject(compose(pool: nil))
        let (first, firstLines) = run(planFile: planPath)
        XCTAssertEqual(first.status, .success, firstLines.joined(separator: "\n"))
        incus(["exec", "web-1", "--project", project, "--", "sh", "-c", "echo kept > /data/file"])

        _ = try compileProject(compose(pool: pool))
        let (moved, movedLines) = run(planFile: planPath)
        XCTAssertEqual(moved.status, .refused, movedLines.joined(separator: "\n"))
        XCTAssertEqual(moved.writeRequests, [])
        XCTAssertTrue(
            moved.message?.contains("storage volume data of project \(project) is in pool default") ?? false,
            moved.message ?? "")
        XCTAssertEqual(incus(["exec", "web-1", "--project", project, "--", "cat", "/data/file"]), "kept\n")

        // Back to its pool, the project converges with its data; then nothing is left in the new pool.
        _ = try compileProject(compose(pool: nil))
        let (back, backLines) = run(planFile: planPath)
        XCTAssertEqual(back.writeRequests, [], backLines.joined(separator: "\n"))
        var destroy = ApplyOptions()
        destroy.destroy = true
        destroy.destroyVolumes = true
        XCTAssertEqual(run(planFile: planPath, options: destroy).0.status, .success)
    }
}
