import Apply
import Foundation
import Plan
import TestHelpers
import XCTest

/// A compose project on a real 3-member Incus cluster (scripts/incus-cluster-env.sh): placed on one
/// member by `x-incus.target` or by Incus, its ports (userspace and NAT) answering on that member's
/// address, names resolving between its services, moved with its volume's data when the target
/// changes, and applied over HTTPS to another member. The tests run in the host's network namespace,
/// which reaches the members' addresses on the cluster's bridge.
final class ClusterEndToEndTests: ComposeDirectoryTestCase {
    private var registry = ""
    /// Member name → its address on the cluster's bridge.
    private var addressOfMember: [String: String] = [:]

    override func setUpWithError() throws {
        try super.setUpWithError()
        guard try query("/1.0")["environment"]?["server_clustered"]?.boolValue == true else {
            throw XCTSkip(
                "the test server is not a cluster: run with INCUS_TEST_ENV_SCRIPT=scripts/incus-cluster-env.sh"
                    + " (scripts/test.sh does)")
        }
        registry = try XCTUnwrap(environment["INCUS_TEST_REGISTRY"], "scripts/incus-cluster-env.sh sets it")
        let members = (environment["INCUS_TEST_CLUSTER_MEMBERS"] ?? "").split(separator: ",").map(String.init)
        let addresses = (environment["INCUS_TEST_CLUSTER_ADDRESSES"] ?? "").split(separator: ",").map(String.init)
        XCTAssertEqual(members.count, 3, "three members")
        addressOfMember = Dictionary(uniqueKeysWithValues: zip(members, addresses))
    }

    /// A NAT service with a volume, a userspace-port service and a two-replica client, on the test's
    /// network; `target` is the project's `x-incus.target`. With `sideTarget`, a service `side` on a
    /// network of its own (10.186.N.0/24, N the octet of the test's subnet) with that target.
    private func compileClusterProject(target: String?, userspacePort: Int, natPort: Int, sideTarget: String? = nil)
        throws -> String
    {
        let placement = target.map { "x-incus:\n  target: \($0)\n" } ?? ""
        let octet = subnet.split(separator: ".")[2]
        let side =
            sideTarget.map {
                """
                  side:
                    image: \(registry)/compose-test/httpd:1
                    networks: [side]
                    x-incus:
                      target: \($0)

                """
            } ?? ""
        let sideNetwork =
            sideTarget == nil
            ? ""
            : """
              side:
                x-incus:
                  ipv4.address: 10.186.\(octet).1/24
                  ipv4.nat: "false"

            """
        return try compileProject(
            """
            name: \(project)
            \(placement)services:
              web:
                image: \(registry)/compose-test/httpd:1
                ports: ["\(userspacePort):80"]
              nat:
                image: \(registry)/compose-test/httpd:1
                ports: ["\(natPort):80"]
                volumes: ["data:/data"]
                x-incus:
                  nat-proxy: true
              client:
                image: \(registry)/compose-test/httpd:1
                deploy:
                  replicas: 2
                depends_on: [web, nat]
            \(side)volumes:
              data:
            networks:
              default:
                x-incus:
                  ipv4.address: \(subnet)
                  ipv4.nat: "false"
            \(sideNetwork)
            """)
    }

    /// Instance name → the member it is on.
    private func locations() throws -> [String: String] {
        let instances = try query("/1.0/instances?recursion=1&project=\(project)").arrayValue ?? []
        return Dictionary(
            uniqueKeysWithValues: instances.map {
                ($0["name"]?.stringValue ?? "", $0["location"]?.stringValue ?? "")
            })
    }

    private func volumeLocation(_ name: String) throws -> String {
        try query("/1.0/storage-pools/default/volumes/custom/\(name)?project=\(project)")["location"]?.stringValue ?? ""
    }

    private func composeApply(_ arguments: [String], environment: [String: String]? = nil) throws -> Shell.Output {
        Shell.run(try ExecutablePaths.find("compose-apply"), arguments, environment: environment ?? self.environment)
    }

    /// Both ports answer on `member`'s address with the serving instance's host name, and the client
    /// reaches both services by name.
    private func assertServesOn(_ member: String, userspacePort: Int, natPort: Int, planPath: String) throws {
        let address = try XCTUnwrap(addressOfMember[member])
        XCTAssertTrue(
            Shell.waitForHTTP("http://\(address):\(userspacePort)/", containing: "web-1", seconds: 30),
            "the userspace port answers on \(member)")
        XCTAssertTrue(
            Shell.waitForHTTP("http://\(address):\(natPort)/", containing: "nat-1", seconds: 30),
            "the NAT port answers on \(member)")
        for service in ["web", "nat"] {
            let fetched = try composeApply(
                ["exec", planPath, "client", "--socket", socket, "--", "wget", "-qO-", "http://\(service)/"])
            XCTAssertEqual(fetched.status, 0, fetched.stderr)
            XCTAssertTrue(
                fetched.stdout.contains("\(service)-1"), "client reaches \(service) by name: \(fetched.stdout)")
        }
    }

    func testAProjectWithATargetRunsWholeOnThatMember() throws {
        let userspacePort = Int.random(in: 20000...22999)
        let natPort = userspacePort + 3000
        let planPath = try compileClusterProject(target: "m3", userspacePort: userspacePort, natPort: natPort)
        applySucceeds(planPath)
        XCTAssertEqual(
            try locations(), ["web-1": "m3", "nat-1": "m3", "client-1": "m3", "client-2": "m3"], "every instance on m3")
        XCTAssertEqual(try volumeLocation("data"), "m3")
        try assertServesOn("m3", userspacePort: userspacePort, natPort: natPort, planPath: planPath)
        reapplyWritesNothing(planPath)

        let listed = try composeApply(["ps", planPath, "--socket", socket])
        XCTAssertEqual(listed.status, 0, listed.stderr)
        let rows = listed.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(rows.first?.contains("MEMBER") == true, listed.stdout)
        XCTAssertEqual(rows.dropFirst().filter { $0.contains(" m3 ") }.count, 4, listed.stdout)

        // A changed target moves the stopped instances and the volume with its data.
        let written = try composeApply(
            ["exec", planPath, "nat", "--socket", socket, "--", "sh", "-c", "echo kept > /data/mark"])
        XCTAssertEqual(written.status, 0, written.stderr)
        var options = ApplyOptions()
        options.target = "m1"
        let (moved, lines) = run(planFile: planPath, options: options)
        XCTAssertEqual(moved.status, .success, (moved.message ?? "") + "\n" + lines.joined(separator: "\n"))
        XCTAssertEqual(
            try locations(), ["web-1": "m1", "nat-1": "m1", "client-1": "m1", "client-2": "m1"], "every instance on m1")
        XCTAssertEqual(try volumeLocation("data"), "m1")
        let read = try composeApply(["exec", planPath, "nat", "--socket", socket, "--", "cat", "/data/mark"])
        XCTAssertEqual(read.stdout, "kept\n", read.stderr)
        try assertServesOn("m1", userspacePort: userspacePort, natPort: natPort, planPath: planPath)
        let (again, againLines) = run(planFile: planPath, options: options)
        XCTAssertEqual(again.writeRequests, [], "re-apply on m1 writes nothing\n" + againLines.joined(separator: "\n"))
        // The recorded member is kept without --target; the plan's own target would move it back.
        XCTAssertEqual(try query("/1.0/projects/\(project)")["config"]?["user.compose.member"]?.stringValue, "m1")

        let destroyed = try composeApply([planPath, "--socket", socket, "--destroy", "--volumes"])
        XCTAssertEqual(destroyed.status, 0, destroyed.stderr)
        try assertNothingLeft()
    }

    func testWithoutATargetIncusChoosesOneMemberForTheWholeProject() throws {
        let userspacePort = Int.random(in: 20000...22999)
        let natPort = userspacePort + 3000
        let planPath = try compileClusterProject(
            target: nil, userspacePort: userspacePort, natPort: natPort, sideTarget: "m2")
        let lines = applySucceeds(planPath)
        var placed = try locations()
        // The service with a target of its own (and a network of its own) runs there.
        XCTAssertEqual(placed.removeValue(forKey: "side-1"), "m2")
        let member = try XCTUnwrap(placed["web-1"])
        XCTAssertTrue(lines.contains { $0.contains("cluster member \(member) chosen by Incus") }, "\(lines)")
        XCTAssertEqual(Set(placed.values), [member], "every other instance on one member: \(placed)")
        XCTAssertEqual(try volumeLocation("data"), member)
        XCTAssertEqual(try query("/1.0/projects/\(project)")["config"]?["user.compose.member"]?.stringValue, member)
        try assertServesOn(member, userspacePort: userspacePort, natPort: natPort, planPath: planPath)
        reapplyWritesNothing(planPath)
    }

    /// `compose-apply --remote` to member m2 over HTTPS, with a client certificate trusted by the
    /// cluster, the way a user sets it up (`incus remote add` with a trust token).
    func testApplyOverHTTPSToAnotherMember() throws {
        let clientName = "compose-apply-e2e-" + project
        let token = incus(["config", "trust", "add", clientName, "--quiet"]).split(separator: "\n").last.map(
            String.init)
        let configDirectory = NSTemporaryDirectory() + "incus-conf-" + project
        addTeardownBlock { [environment] in
            try? FileManager.default.removeItem(atPath: configDirectory)
            let certificates = Shell.run(
                "/usr/bin/incus", ["query", "/1.0/certificates?recursion=1"], environment: environment)
            let listed = (try? JanssonCoding.decode(certificates.stdout))?.arrayValue ?? []
            for certificate in listed where certificate["name"]?.stringValue == clientName {
                let fingerprint = certificate["fingerprint"]?.stringValue ?? ""
                _ = Shell.run("/usr/bin/incus", ["config", "trust", "remove", fingerprint], environment: environment)
            }
        }
        var clientEnvironment = environment
        clientEnvironment["INCUS_CONF"] = configDirectory
        // No unix socket: everything goes over HTTPS to m2.
        clientEnvironment["INCUS_SOCKET"] = "/nonexistent/unix.socket"
        clientEnvironment["INCUS_DIR"] = "/nonexistent"
        let address = try XCTUnwrap(addressOfMember["m2"])
        let added = Shell.run(
            "/usr/bin/incus",
            ["remote", "add", "cluster", "https://\(address):8443", "--accept-certificate", "--token", token ?? ""],
            environment: clientEnvironment)
        XCTAssertEqual(added.status, 0, added.stderr)

        let userspacePort = Int.random(in: 20000...22999)
        let natPort = userspacePort + 3000
        let planPath = try compileClusterProject(target: "m2", userspacePort: userspacePort, natPort: natPort)
        let applied = try composeApply(["--remote", "cluster", planPath], environment: clientEnvironment)
        XCTAssertEqual(applied.status, 0, applied.stderr)
        XCTAssertEqual(Set(try locations().values), ["m2"])
        let listed = try composeApply(["ps", planPath, "--remote", "cluster"], environment: clientEnvironment)
        XCTAssertEqual(listed.status, 0, listed.stderr)
        XCTAssertTrue(listed.stdout.contains(" m2 "), listed.stdout)
        var options = ApplyOptions()
        options.environment = clientEnvironment
        let lines = LineCollector()
        let again = ApplyRun.execute(
            ApplyInvocation(planPath: planPath, remote: "cluster", options: options),
            reporter: Reporter(dryRun: false, isTerminal: false, write: { lines.append($0) }))
        XCTAssertEqual(again.status, .success, again.message ?? "")
        XCTAssertEqual(
            again.writeRequests, [], "re-apply over HTTPS writes nothing\n" + lines.lines.joined(separator: "\n"))
    }

    /// No instance, volume, network or project of the test is left on any member.
    private func assertNothingLeft() throws {
        XCTAssertFalse(try names("/1.0/projects").contains(project), "the project is gone")
        for member in addressOfMember.keys.sorted() {
            let networks = try query("/1.0/networks?recursion=1&target=\(member)").arrayValue ?? []
            XCTAssertFalse(
                networks.contains { $0["config"]?["user.compose.project"]?.stringValue == project },
                "no network of the project on \(member)")
            let volumes = try query("/1.0/storage-pools/default/volumes?recursion=1&all-projects=true&target=\(member)")
            XCTAssertFalse(
                (volumes.arrayValue ?? []).contains { $0["project"]?.stringValue == project },
                "no volume of the project on \(member)")
        }
    }
}
