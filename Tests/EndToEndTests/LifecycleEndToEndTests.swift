import Apply
import Foundation
import Plan
import PlanFixtures
import TestHelpers
import XCTest

/// Recreate keeps volume data; destroy removes everything but volumes unless asked; refusals.
final class LifecycleEndToEndTests: EndToEndTestCase {
    private func planWithVolume(port: Int) -> Plan {
        var plan = webPlan(basePort: port)
        plan.volumes["data"] = PlanVolume(
            composeName: "data", external: false, pool: "default", description: "compose volume data", config: [:])
        plan.instances["web-1"]?.devices["data"] = [
            "type": "disk", "pool": "default", "source": "data", "path": "/data",
        ]
        return plan
    }

    func testRecreateKeepsNamedVolumeDataAndDestroyRemovesEverything() throws {
        let plan = planWithVolume(port: Int.random(in: 20000...29999))
        applySucceeds(plan)
        incus(["exec", "web-1", "--project", project, "--", "sh", "-c", "echo kept > /data/marker"])
        let before = try query("/1.0/instances/web-1?project=\(project)")["config"]?["volatile.uuid"]?.stringValue

        var recreate = ApplyOptions()
        recreate.recreate = true
        let (result, lines) = applySucceeds(plan, options: recreate)
        XCTAssertTrue(lines.contains { $0.contains("recreated") }, lines.joined(separator: "\n"))
        XCTAssertEqual(result.summary?.created, 1, "the instance is created anew")
        let after = try query("/1.0/instances/web-1?project=\(project)")["config"]?["volatile.uuid"]?.stringValue
        XCTAssertNotEqual(before, after, "a new instance")
        XCTAssertEqual(incus(["exec", "web-1", "--project", project, "--", "cat", "/data/marker"]), "kept\n")

        var destroy = ApplyOptions()
        destroy.destroy = true
        let (kept, keptLines) = applySucceeds(plan, options: destroy)
        XCTAssertTrue(keptLines.contains { $0.contains("kept storage volume data") }, keptLines.joined(separator: "\n"))
        XCTAssertEqual(kept.summary?.deleted, 2, "instance and network; the project keeps the volume")
        XCTAssertNoThrow(try query("/1.0/storage-pools/default/volumes/custom/data?project=\(project)"))

        destroy.destroyVolumes = true
        applySucceeds(plan, options: destroy)
        try assertProjectGone()
    }

    func testDestroyLeavesNoInstanceNetworkOrProject() throws {
        let plan = webPlan(replicas: 2, basePort: Int.random(in: 20000...29999))
        applySucceeds(plan)
        var destroy = ApplyOptions()
        destroy.destroy = true
        let (result, _) = applySucceeds(plan, options: destroy)
        XCTAssertEqual(result.summary?.deleted, 4, "two instances, the network, the project")
        try assertProjectGone()
    }

    private func assertProjectGone(file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertFalse(try names("/1.0/projects").contains(project), "project removed", file: file, line: line)
        XCTAssertFalse(try names("/1.0/networks").contains(network), "network removed", file: file, line: line)
    }

    func testExternalNetworkIsUsedButNeverChangedOrDeleted() throws {
        let bridge = environment["INCUS_TEST_BRIDGE"] ?? "incustest0"
        let before = try query("/1.0/networks/\(bridge)")["config"]
        var plan = webPlan(basePort: Int.random(in: 20000...29999))
        plan.networks = [
            bridge: PlanNetwork(
                composeName: "lan", external: true, type: "bridge", description: "external", config: [:])
        ]
        plan.instances["web-1"]?.devices["eth0"]?["network"] = bridge
        applySucceeds(plan)
        XCTAssertEqual(try names("/1.0/instances?project=\(project)"), ["web-1"])
        var destroy = ApplyOptions()
        destroy.destroy = true
        destroy.destroyVolumes = true
        applySucceeds(plan, options: destroy)
        XCTAssertEqual(try query("/1.0/networks/\(bridge)")["config"], before, "the external bridge is untouched")
        XCTAssertFalse(try names("/1.0/projects").contains(project))

        plan.networks = [
            "e2e-missing": PlanNetwork(
                composeName: "lan", external: true, type: "bridge", description: "external", config: [:])
        ]
        let (missing, _) = run(plan)
        XCTAssertEqual(missing.status, .refused)
        XCTAssertEqual(missing.writeRequests, [])
    }

    func testOCIImageIsRefusedBeforeAnythingIsCreated() throws {
        let server = try query("/1.0")
        let extensions = server["api_extensions"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard !extensions.contains("instance_oci") else { return }
        var plan = webPlan(basePort: 20000)
        plan.instances["web-1"]?.image = PlanImage(kind: "oci", reference: "docker.io/library/nginx:latest", remote: "")
        let (result, _) = run(plan)
        XCTAssertEqual(result.status, .refused)
        XCTAssertEqual(result.writeRequests, [])
        let version = server["environment"]?["server_version"]?.stringValue ?? "?"
        XCTAssertTrue(result.message?.contains("docker.io/library/nginx:latest") ?? false, result.message ?? "")
        XCTAssertTrue(result.message?.contains(version) ?? false, result.message ?? "")
    }

    func testAutoSubnetEitherWorksOrSaysHowToFixIt() throws {
        let plan = PlanFixtures.web(project: project, network: network, subnet: "auto", basePort: 20000)
        destroyAfterwards(plan)
        let (result, _) = run(plan)
        if result.status == .success {
            let (again, _) = run(plan)
            XCTAssertEqual(again.writeRequests, [], "auto matches the address the server picked")
        } else {
            XCTAssertEqual(result.status, .failed)
            XCTAssertTrue(result.message?.contains("ipam.config.subnet") ?? false, result.message ?? "")
            XCTAssertTrue(result.message?.contains("x-incus") ?? false, result.message ?? "")
        }
    }

    func testNetworkOwnedBySomeoneElseIsRefused() throws {
        incus(["network", "create", network, "ipv4.address=\(subnet)", "ipv4.nat=false", "ipv6.address=none"])
        defer { _ = Shell.run("/usr/bin/incus", ["network", "delete", network], environment: environment) }
        let (result, _) = run(webPlan(basePort: 20000))
        XCTAssertEqual(result.status, .refused)
        XCTAssertEqual(result.writeRequests, [])
        XCTAssertTrue(result.message?.contains("network \(network)") ?? false, result.message ?? "")
    }
}
