import Apply
import Foundation
import Plan
import TestHelpers
import XCTest

/// Docker images on Incus 7: a compiled project of OCI images from the test registry, run as docker
/// runs them (ENTRYPOINT and CMD, restart policy, NAT ports also on loopback). Servers without OCI
/// support refuse such a plan before any change (LifecycleEndToEndTests).
final class OCIEndToEndTests: ComposeDirectoryTestCase {
    private var registry = ""

    override func setUpWithError() throws {
        try super.setUpWithError()
        let extensions = try query("/1.0")["api_extensions"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard extensions.contains("instance_oci") else {
            throw XCTSkip("the server has no OCI support (instance_oci): OCI plans are refused there")
        }
        guard let registry = environment["INCUS_TEST_REGISTRY"], !registry.isEmpty else {
            XCTFail("INCUS_TEST_REGISTRY is not set: start the server with scripts/incus7-env.sh")
            throw EnvironmentError(message: "no test registry")
        }
        self.registry = registry
    }

    private func compose(wildcardPort: Int, bridgePort: Int) -> String {
        """
        name: \(project)
        services:
          web:
            image: \(registry)/compose-test/httpd:1
            restart: always
            ports: ["\(wildcardPort):80", "\(bridgeAddress):\(bridgePort):80"]
            x-incus:
              nat-proxy: true
          keeps-entrypoint:
            image: \(registry)/compose-test/entry-cmd:1
            command: ["httpd", "-f", "-p", "8080", "-h", "/var/www"]
            environment:
              GREETING: from-compose
          image-default:
            image: \(registry)/compose-test/entry-cmd:1
          replaces-entrypoint:
            image: \(registry)/compose-test/entry-cmd:1
            entrypoint: ["httpd", "-f", "-p", "80", "-h", "/var/www"]
          client:
            image: \(registry)/compose-test/httpd:1
            scale: 2
            depends_on: [web]
        networks:
          default:
            x-incus:
              ipv4.address: \(subnet)
              ipv4.nat: "false"
        """
    }

    private func exec(_ instance: String, _ command: [String]) -> Shell.Output {
        Shell.run(
            "/usr/bin/incus", ["exec", "--project", project, instance, "--"] + command, environment: environment)
    }

    func testOCIProjectRunsAsDockerRunsIt() throws {
        let wildcardPort = Int.random(in: 20000...24999)
        let bridgePort = wildcardPort + 1000
        let planPath = try compileProject(compose(wildcardPort: wildcardPort, bridgePort: bridgePort))
        let (first, lines) = run(planFile: planPath)
        XCTAssertEqual(first.status, .success, "\(first.message ?? "")\n" + lines.joined(separator: "\n"))
        XCTAssertEqual(first.summary?.fallbacks, 0, lines.joined(separator: "\n"))
        for image in ["httpd:1", "entry-cmd:1"] {
            XCTAssertEqual(
                lines.filter { $0.hasPrefix("image \(registry)/compose-test/\(image) ready") }.count, 1,
                "one pull per image: " + lines.joined(separator: "\n"))
        }

        // The NAT port on all addresses stays NAT and answers on the bridge and on loopback.
        let web = try query("/1.0/instances/web-1?project=\(project)")
        XCTAssertEqual(web["devices"]?["port-tcp-\(wildcardPort)"]?["nat"]?.stringValue, "true")
        XCTAssertEqual(
            web["devices"]?["port-tcp-\(wildcardPort)"]?["listen"]?.stringValue, "tcp:0.0.0.0:\(wildcardPort)")
        XCTAssertEqual(web["config"]?["boot.autorestart"]?.stringValue, "true")
        func answers(_ url: String) -> Bool { Shell.waitForHTTP(url, containing: "web-1", seconds: 20) }
        XCTAssertTrue(answers("http://\(bridgeAddress):\(wildcardPort)/"), "wildcard NAT port on the bridge address")
        XCTAssertTrue(answers("http://127.0.0.1:\(wildcardPort)/"), "wildcard NAT port on the host's 127.0.0.1")
        XCTAssertTrue(answers("http://\(bridgeAddress):\(bridgePort)/"), "NAT port on a concrete address")

        // ENTRYPOINT and CMD as docker has them.
        func trace(_ instance: String) -> String? {
            var text: String?
            _ = waitUntil(seconds: 15, interval: 0.5) {
                let output = exec(instance, ["cat", "/var/www/entry.txt"])
                text = output.status == 0 ? output.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
                return text != nil
            }
            return text
        }
        XCTAssertEqual(
            trace("keeps-entrypoint-1"), "entry-ran httpd -f -p 8080 -h /var/www", "command keeps ENTRYPOINT")
        XCTAssertEqual(trace("image-default-1"), "entry-ran httpd -f -p 80 -h /var/www", "the image's own")
        XCTAssertNotEqual(exec("replaces-entrypoint-1", ["cat", "/var/www/entry.txt"]).status, 0, "no entry.sh")
        XCTAssertTrue(exec("replaces-entrypoint-1", ["pidof", "httpd"]).status == 0, "entrypoint runs alone")
        XCTAssertEqual(
            exec("keeps-entrypoint-1", ["sh", "-c", "echo $GREETING"]).stdout, "from-compose\n",
            "compose environment overrides the image's Env")
        XCTAssertEqual(exec("image-default-1", ["sh", "-c", "echo $GREETING"]).stdout, "from-image\n")

        // Service names resolve from an OCI container (busybox's nslookup: its static wget has no
        // resolver), and the service answers there.
        let pinned = web["devices"]?["eth0"]?["ipv4.address"]?.stringValue ?? "none"
        XCTAssertTrue(
            waitUntil(seconds: 20, interval: 0.5) { exec("client-1", ["nslookup", "web."]).stdout.contains(pinned) },
            "web resolves to web-1 (\(pinned)) from the client")
        XCTAssertTrue(exec("client-1", ["wget", "-q", "-O", "-", "http://\(pinned)/"]).stdout.contains("web-1"))

        let (second, secondLines) = run(planFile: planPath)
        XCTAssertEqual(second.writeRequests, [], "re-apply writes nothing\n" + secondLines.joined(separator: "\n"))

        // A restart keeps NAT and loopback working (the pinned address stays).
        incus(["restart", "--project", project, "web-1"])
        XCTAssertTrue(answers("http://\(bridgeAddress):\(wildcardPort)/"), "NAT answers after a restart")
        XCTAssertTrue(answers("http://127.0.0.1:\(wildcardPort)/"), "loopback answers after a restart")

        // restart: always: a killed main process comes back by itself, and NAT still answers. (Not
        // followed by an `incus restart`: Incus 7 can fail one sent within seconds of an automatic
        // restart, see docs/incus-versions.md.)
        XCTAssertEqual(exec("web-1", ["sh", "-c", "kill -9 $(pidof httpd)"]).status, 0)
        XCTAssertTrue(
            waitUntil(seconds: 10, interval: 0.5) {
                Shell.httpGet("http://\(self.bridgeAddress):\(wildcardPort)/", timeout: 1) == nil
            },
            "the killed process took the container down")
        XCTAssertTrue(answers("http://\(bridgeAddress):\(wildcardPort)/"), "Incus restarted it (boot.autorestart)")
        XCTAssertTrue(answers("http://127.0.0.1:\(wildcardPort)/"), "loopback answers after the automatic restart")
        let (third, thirdLines) = run(planFile: planPath)
        XCTAssertEqual(third.writeRequests, [], "still nothing to write\n" + thirdLines.joined(separator: "\n"))

        var options = ApplyOptions()
        options.destroy = true
        options.destroyVolumes = true
        let (destroyed, destroyLines) = run(planFile: planPath, options: options)
        XCTAssertEqual(destroyed.status, .success, destroyLines.joined(separator: "\n"))
        XCTAssertFalse(try names("/1.0/projects").contains(project), "--destroy --volumes leaves no project")
        let plan = try ApplyRun.loadPlan(planPath)
        let networks = try names("/1.0/networks")
        for network in plan.networks.keys { XCTAssertFalse(networks.contains(network), "network \(network) is gone") }
    }

    /// Points `tag` of the test registry at the image `source` names (skopeo, in the server's
    /// namespace where the registry is trusted).
    private func moveTag(_ tag: String, to source: String) throws {
        let script = IncusTestEnvironment.repositoryRoot.appendingPathComponent(
            ProcessInfo.processInfo.environment["INCUS_TEST_ENV_SCRIPT"] ?? "scripts/incus7-env.sh")
        let copied = Shell.run(
            script.path,
            [
                "in", "skopeo", "copy", "-q", "--insecure-policy", "docker://\(registry)/\(source)",
                "docker://\(registry)/\(tag)",
            ],
            environment: ProcessInfo.processInfo.environment)
        guard copied.status == 0 else { throw EnvironmentError(message: "skopeo copy: \(copied.stderr)") }
    }

    func testPullPolicyAlwaysRebuildsWhenTheTagMoves() throws {
        let tag = "compose-test/moving-\(project):1"
        try moveTag(tag, to: "compose-test/httpd:1")
        let port = Int.random(in: 20000...24999)
        let planPath = try compileProject(
            """
            name: \(project)
            services:
              web:
                image: \(registry)/\(tag)
                pull_policy: always
                ports: ["\(bridgeAddress):\(port):80"]
                volumes: [data:/data]
            volumes:
              data: {}
            networks:
              default:
                x-incus: {ipv4.address: \(subnet), ipv4.nat: "false"}
            """)
        let (first, firstLines) = run(planFile: planPath)
        XCTAssertEqual(first.status, .success, firstLines.joined(separator: "\n"))
        XCTAssertEqual(exec("web-1", ["sh", "-c", "echo kept > /data/file"]).status, 0)
        let (same, sameLines) = run(planFile: planPath)
        XCTAssertEqual(
            same.writeRequests, [], "the tag still names the image web-1 runs\n" + sameLines.joined(separator: "\n"))

        try moveTag(tag, to: "compose-test/entry-cmd:1")
        var keep = ApplyOptions()
        keep.pull = .missing
        let (kept, keptLines) = run(planFile: planPath, options: keep)
        XCTAssertEqual(kept.writeRequests, [], "--pull missing keeps the image\n" + keptLines.joined(separator: "\n"))
        var dryRun = ApplyOptions()
        dryRun.dryRun = true
        let (_, planned) = run(planFile: planPath, options: dryRun)
        XCTAssertTrue(
            planned.contains { $0.contains("rebuild from oci:\(registry)/\(tag), which now names") }, "\(planned)")

        let (moved, movedLines) = run(planFile: planPath)
        XCTAssertEqual(moved.status, .success, movedLines.joined(separator: "\n"))
        XCTAssertTrue(
            movedLines.contains { $0.contains("rebuilt from") && $0.contains("volumes kept") },
            movedLines.joined(separator: "\n"))
        XCTAssertEqual(
            exec("web-1", ["cat", "/var/www/entry.txt"]).stdout, "entry-ran httpd -f -p 80 -h /var/www\n",
            "web-1 runs the image the tag names now")
        XCTAssertEqual(exec("web-1", ["cat", "/data/file"]).stdout, "kept\n", "volume data kept")
        XCTAssertTrue(Shell.waitForHTTP("http://\(bridgeAddress):\(port)/", containing: "web-1", seconds: 20))
        let (again, againLines) = run(planFile: planPath)
        XCTAssertEqual(again.writeRequests, [], "re-apply writes nothing\n" + againLines.joined(separator: "\n"))
    }

    func testUnreachableImageIsRefusedBeforeAnythingIsCreated() throws {
        let planPath = try compileProject(
            """
            name: \(project)
            services:
              web:
                image: \(registry)/compose-test/no-such-image:1
            networks:
              default:
                x-incus:
                  ipv4.address: \(subnet)
                  ipv4.nat: "false"
            """)
        let (result, lines) = run(planFile: planPath)
        XCTAssertEqual(result.status, .refused, lines.joined(separator: "\n"))
        XCTAssertEqual(result.writeRequests, [])
        let message = result.message ?? ""
        XCTAssertTrue(message.contains("service web"), message)
        XCTAssertTrue(message.contains("\(registry)/compose-test/no-such-image:1"), message)
    }

    /// `stop_signal` reaches the service's process when it is stopped, and `read_only` holds for an
    /// OCI image's root file system while its volume and secrets work, with no restart on re-apply.
    func testStopSignalAndReadOnlyRoot() throws {
        try "s3cret\n".write(toFile: directory + "/token.txt", atomically: true, encoding: .utf8)
        let planPath = try compileProject(
            """
            name: \(project)
            services:
              worker:
                image: \(registry)/compose-test/httpd:1
                entrypoint:
                  - sh
                  - -c
                  - for s in TERM INT USR1; do trap "echo $$s > /out/signal; exit 0" $$s; done; while true; do sleep 1; done
                stop_signal: SIGUSR1
                read_only: true
                volumes: [out:/out]
                secrets: [token]
            volumes:
              out: {}
            secrets:
              token:
                file: ./token.txt
            networks:
              default:
                x-incus: {ipv4.address: \(subnet), ipv4.nat: "false"}
            """)
        applySucceeds(planPath)
        XCTAssertEqual(
            exec(
                "worker-1",
                [
                    "sh", "-c",
                    "touch /x 2>/dev/null || echo read-only; touch /out/x && echo volume; cat /run/secrets/token",
                ]
            ).stdout, "read-only\nvolume\ns3cret\n", "the secret is on Incus's /run tmpfs, written once running")
        reapplyWritesNothing(planPath)
        let invocation = ApplyInvocation(planPath: planPath, socket: socket)
        for action in ["stop", "start"] {
            XCTAssertEqual(
                ApplyRun.lifecycle(action, invocation, services: [], timeout: nil, write: { _ in }).status, .success)
        }
        XCTAssertEqual(exec("worker-1", ["cat", "/out/signal"]).stdout, "USR1\n", "the service got SIGUSR1")
        reapplyWritesNothing(planPath)
    }
}
