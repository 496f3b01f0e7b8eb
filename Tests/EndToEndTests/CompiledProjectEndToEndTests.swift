import Apply
import Foundation
import Plan
import TestHelpers
import XCTest

/// `compose-compile` then apply: a compose file with a NAT-published service, a userspace-published
/// one, a named volume and a scaled service, mapped to the test image with `x-incus.image`.
final class CompiledProjectEndToEndTests: ComposeDirectoryTestCase {
    private func compose(workers: Int, userPort: Int, natPort: Int) -> String {
        """
        name: \(project)
        services:
          web:
            image: nginx
            ports: ["\(bridgeAddress):\(natPort):80"]
            volumes: [data:/data]
            x-incus:
              image: local:compose-test
              nat-proxy: true
          api:
            image: busybox
            depends_on: [web]
            ports: ["127.0.0.1:\(userPort):80"]
            x-incus:
              image: local:compose-test
          workers:
            image: busybox
            deploy:
              replicas: \(workers)
            x-incus:
              image: local:compose-test
        volumes:
          data: {}
        networks:
          default:
            x-incus:
              ipv4.address: \(subnet)
              ipv4.nat: "false"
        """
    }

    func testCompiledProjectConvergesServesAndScalesDown() throws {
        let userPort = Int.random(in: 20000...24999)
        let natPort = userPort + 1000
        let planPath = try compileProject(compose(workers: 2, userPort: userPort, natPort: natPort))

        let started = Date()
        let (first, lines) = run(planFile: planPath)
        print(String(format: "[e2e] compiled project: first apply %.2f s", Date().timeIntervalSince(started)))
        XCTAssertEqual(first.status, .success, "\(first.message ?? "")\n" + lines.joined(separator: "\n"))

        XCTAssertTrue(
            Shell.waitForHTTP("http://127.0.0.1:\(userPort)/", containing: "compose-test ok", seconds: 15),
            "userspace proxy on 127.0.0.1")
        XCTAssertTrue(
            Shell.waitForHTTP("http://\(bridgeAddress):\(natPort)/", containing: "compose-test ok", seconds: 15),
            "NAT proxy on the bridge address")
        let web = try query("/1.0/instances/web-1?project=\(project)")
        let pinned = web["devices"]?["eth0"]?["ipv4.address"]?.stringValue ?? "none"
        let nat = web["devices"]?.objectValue?.values.first { $0["nat"]?.stringValue == "true" }
        XCTAssertEqual(nat?["connect"]?.stringValue, "tcp:\(pinned):80")

        // Service discovery written by apply: a compile-time name and the replicas' placeholder records.
        // (busybox nslookup only tries the search domain for bare names, hence the trailing dots; the
        // test image's static wget cannot resolve names at all.)
        XCTAssertTrue(waitForLookup("web.", in: "api-1", containing: pinned), "web resolves to web-1 (\(pinned))")
        for replica in ["workers-1", "workers-2"] {
            let address = try query("/1.0/instances/\(replica)?project=\(project)")["devices"]?["eth0"]?[
                "ipv4.address"]?.stringValue
            XCTAssertNotNil(address, "\(replica) pinned")
            XCTAssertTrue(waitForLookup("workers.", in: "api-1", containing: address ?? "-"), "workers → \(replica)")
        }

        let (second, _) = run(planFile: planPath)
        XCTAssertEqual(second.status, .success)
        XCTAssertEqual(second.writeRequests, [], "re-applying the compiled plan changes nothing")

        let workerTwo = try query("/1.0/instances/workers-2?project=\(project)")["devices"]?["eth0"]?[
            "ipv4.address"]?.stringValue
        let smaller = try compileProject(compose(workers: 1, userPort: userPort, natPort: natPort))
        let (scaled, scaledLines) = run(planFile: smaller)
        XCTAssertEqual(scaled.status, .success, scaled.message ?? "")
        XCTAssertEqual(scaled.summary?.deleted, 1, scaledLines.joined(separator: "\n"))
        XCTAssertFalse(try names("/1.0/instances?project=\(project)").contains("workers-2"))
        let networkName = try ApplyRun.loadPlan(smaller).networks.keys.sorted().first ?? ""
        let dnsmasq = try query("/1.0/networks/\(networkName)")["config"]?["raw.dnsmasq"]?.stringValue ?? ""
        XCTAssertFalse(dnsmasq.contains("{{"), dnsmasq)
        XCTAssertFalse(dnsmasq.contains(workerTwo ?? "-"), "the removed replica's record is gone: \(dnsmasq)")
        XCTAssertTrue(dnsmasq.contains("workers"), dnsmasq)
    }

    /// Secrets and configs as in golden/secrets-configs, compiled then applied: the plan names the
    /// sources only, the instance gets the bytes, a re-apply writes nothing, `--check-source` notices an
    /// edited compose file.
    func testCompiledSecretsAndConfigsReachTheInstance() throws {
        try FileManager.default.createDirectory(atPath: directory + "/secrets", withIntermediateDirectories: true)
        try "pg-password-\(project)\n".write(
            toFile: directory + "/secrets/db_password.txt", atomically: true, encoding: .utf8)
        environment["E2E_COMPILED_TOKEN"] = "token-\(project)"
        let planPath = try compileProject(
            """
            name: \(project)
            services:
              db:
                image: busybox
                environment:
                  POSTGRES_PASSWORD_FILE: /run/secrets/db_password
                secrets:
                  - db_password
                  - source: api_token
                    target: token
                    uid: "999"
                    gid: "999"
                    mode: 0400
                configs:
                  - source: banner
                    target: /etc/motd
                    mode: 0644
                x-incus:
                  image: local:compose-test
            secrets:
              db_password:
                file: ./secrets/db_password.txt
              api_token:
                environment: E2E_COMPILED_TOKEN
            configs:
              banner:
                content: |
                  Welcome to the database host.
            networks:
              default:
                x-incus:
                  ipv4.address: \(subnet)
                  ipv4.nat: "false"
            """)
        let planText = try String(contentsOfFile: planPath, encoding: .utf8)
        XCTAssertFalse(planText.contains("pg-password-"), "the plan never holds a secret's content")
        XCTAssertFalse(planText.contains("token-\(project)"), "nor a secret variable's value")

        let (first, lines) = run(planFile: planPath)
        XCTAssertEqual(first.status, .success, "\(first.message ?? "")\n" + lines.joined(separator: "\n"))
        func cat(_ path: String) -> String { incus(["exec", "db-1", "--project", project, "--", "cat", path]) }
        XCTAssertEqual(cat("/run/secrets/db_password"), "pg-password-\(project)\n")
        XCTAssertEqual(cat("/run/secrets/token"), "token-\(project)")
        XCTAssertEqual(cat("/etc/motd"), "Welcome to the database host.\n")
        XCTAssertEqual(
            incus(["exec", "db-1", "--project", project, "--", "stat", "-c", "%u %g %a", "/run/secrets/token"]),
            "999 999 400\n")
        let (second, _) = run(planFile: planPath)
        XCTAssertEqual(second.status, .success)
        XCTAssertEqual(second.writeRequests, [], "unchanged secrets and configs are not written again")

        try (String(contentsOfFile: directory + "/compose.yaml", encoding: .utf8) + "# edited\n").write(
            toFile: directory + "/compose.yaml", atomically: true, encoding: .utf8)
        let stale = Shell.run(
            try ExecutablePaths.find("compose-apply"), [planPath, "--check-source", "--socket", socket],
            environment: environment)
        XCTAssertEqual(stale.status, 1, stale.stderr)
        XCTAssertTrue(stale.stderr.contains(directory + "/compose.yaml changed"), stale.stderr)
    }

    /// Polls `nslookup NAME` in an instance until the answer contains `expected` (DHCP and the
    /// container's resolv.conf may lag behind the apply by a moment).
    private func waitForLookup(_ name: String, in instance: String, containing expected: String) -> Bool {
        let deadline = Date().addingTimeInterval(20)
        repeat {
            let output = Shell.run(
                "/usr/bin/incus", ["exec", instance, "--project", project, "--", "nslookup", name],
                environment: environment)
            if output.status == 0 && output.stdout.contains(expected) { return true }
            Thread.sleep(forTimeInterval: 0.5)
        } while Date() < deadline
        return false
    }
}
