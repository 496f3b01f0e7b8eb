import Apply
import Foundation
import Plan
import TestHelpers
import XCTest

/// Compose service names and aliases resolve inside the containers, only on the networks the
/// service is on; a scaled service resolves to every replica; `--destroy` leaves no record behind.
final class ServiceDiscoveryEndToEndTests: ComposeDirectoryTestCase {
    /// A second free /24 beside the one the base class picked.
    private func secondSubnet() throws -> String {
        let used = Set(
            try query("/1.0/networks?recursion=1").arrayValue?.compactMap { network -> String? in
                let parts = (network["config"]?["ipv4.address"]?.stringValue ?? "").split(separator: ".")
                return parts.count == 4 ? String(parts[2]) : nil
            } ?? [])
        let taken = used.union([String(bridgeAddress.split(separator: ".")[2])])
        let octet = (100...250).map(String.init).filter { !taken.contains($0) }.randomElement() ?? "98"
        return "10.187.\(octet).1/24"
    }

    func testServiceNamesAliasesAndReplicasResolveOnlyWhereTheyShould() throws {
        let otherSubnet = try secondSubnet()
        let compose = """
            name: \(project)
            services:
              server:
                image: busybox
                networks:
                  default:
                    aliases: [api-alias]
                x-incus: {image: "local:compose-test"}
              client:
                image: busybox
                x-incus: {image: "local:compose-test"}
              scaled:
                image: busybox
                deploy: {replicas: 2}
                x-incus: {image: "local:compose-test"}
              loner:
                image: busybox
                networks: [other]
                x-incus: {image: "local:compose-test"}
            networks:
              default:
                x-incus: {ipv4.address: "\(subnet)", ipv4.nat: "false"}
              other:
                x-incus: {ipv4.address: "\(otherSubnet)", ipv4.nat: "false"}
            """
        let planPath = try compileProject(compose)
        let plan = try ApplyRun.loadPlan(planPath)
        XCTAssertEqual(plan.placeholders.keys.sorted(), ["scaled-1.eth0.ipv4", "scaled-2.eth0.ipv4"])

        let (applied, lines) = run(planFile: planPath)
        XCTAssertEqual(applied.status, .success, "\(applied.message ?? "")\n" + lines.joined(separator: "\n"))

        func address(_ instance: String) throws -> String {
            try query("/1.0/instances/\(instance)?project=\(project)")["devices"]?["eth0"]?["ipv4.address"]?
                .stringValue ?? "unpinned"
        }
        func lookup(_ name: String, from instance: String) -> String {
            let output = Shell.run(
                "/usr/bin/incus", ["exec", instance, "--project", project, "--", "nslookup", name],
                environment: environment)
            return output.status == 0 ? output.stdout : ""
        }
        func waitForLookup(_ name: String, from instance: String, containing expected: [String]) -> Bool {
            let deadline = Date().addingTimeInterval(20)
            repeat {
                let answer = lookup(name, from: instance)
                if expected.allSatisfy({ answer.contains($0) }) { return true }
                Thread.sleep(forTimeInterval: 0.5)
            } while Date() < deadline
            return false
        }

        // server-1 has no pinned address (no placeholder uses it), so take its lease.
        let serverAddress = try XCTUnwrap(
            query("/1.0/instances/server-1/state?project=\(project)")["network"]?["eth0"]?["addresses"]?.arrayValue?
                .first { $0["family"]?.stringValue == "inet" }?["address"]?.stringValue)
        XCTAssertTrue(waitForLookup("server", from: "client-1", containing: [serverAddress]), "server from client")
        XCTAssertTrue(waitForLookup("api-alias", from: "client-1", containing: [serverAddress]), "alias from client")
        let replicas = [try address("scaled-1"), try address("scaled-2")]
        XCTAssertTrue(waitForLookup("scaled", from: "client-1", containing: replicas), "both replicas: \(replicas)")
        XCTAssertTrue(waitForLookup("client", from: "server-1", containing: ["client"]), "client from server")
        // loner is on `other` only: the default network's names do not resolve there.
        XCTAssertFalse(lookup("server", from: "loner-1").contains(serverAddress), "server must not resolve on other")
        XCTAssertTrue(waitForLookup("loner", from: "loner-1", containing: ["loner"]), "its own service name")

        var destroy = ApplyOptions()
        destroy.destroy = true
        destroy.destroyVolumes = true
        let (destroyed, destroyLines) = run(planFile: planPath, options: destroy)
        XCTAssertEqual(destroyed.status, .success, destroyLines.joined(separator: "\n"))
        let remaining = try query("/1.0/networks?recursion=1").arrayValue?.filter {
            $0["config"]?["user.compose.project"]?.stringValue == project
        }
        XCTAssertEqual(remaining?.count, 0, "the networks, and their records, are gone")
    }
}
