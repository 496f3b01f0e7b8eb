import Apply
import Foundation
import Plan
import XCTest

/// `devices`, `read_only` and `stop_grace_period` on a real server: the nodes appear where and as the
/// plan gives them, the root file system is read-only while tmpfs and secrets work, a changed secret
/// reaches the read-only instance, a re-apply writes nothing, `stop` keeps to the grace period, and a
/// device whose node is missing is refused before any change.
final class DevicesEndToEndTests: ComposeDirectoryTestCase {
    private func compose(secret: String, extraDevice: String = "") throws -> String {
        try secret.write(toFile: directory + "/token.txt", atomically: true, encoding: .utf8)
        return try compileProject(
            """
            name: \(project)
            services:
              web:
                image: busybox
                devices:
                  - /dev/fuse
                  - /dev/net/tun:/dev/tun0\(extraDevice)
                read_only: true
                tmpfs: [/tmp]
                stop_grace_period: 3s
                secrets: [token]
                x-incus: {image: "local:compose-test"}
            secrets:
              token:
                file: ./token.txt
            networks:
              default:
                x-incus: {ipv4.address: \(subnet), ipv4.nat: "false"}
            """)
    }

    private func inWeb(_ script: String) -> String {
        incus(["exec", "web-1", "--project", project, "--", "sh", "-c", script])
    }

    func testDevicesReadOnlyRootAndGracePeriod() throws {
        let planPath = try compose(secret: "first\n")
        applySucceeds(planPath)
        let nodes = inWeb("ls -l /dev/fuse /dev/tun0").split(separator: "\n").map { $0.prefix(10) }
        XCTAssertEqual(nodes, ["crw-rw-rw-", "crw-rw-rw-"], "character devices any user may open")
        XCTAssertEqual(
            inWeb(
                "touch /x 2>/dev/null && echo writable || echo read-only; touch /tmp/y && echo tmp; cat /run/secrets/token"
            ),
            "read-only\ntmp\nfirst\n")
        XCTAssertEqual(
            incus(["config", "get", "web-1", "boot.host_shutdown_timeout", "--project", project]), "3\n")
        reapplyWritesNothing(planPath)

        // A changed secret: Incus writes a running container's files through its (read-only) root,
        // so apply writes it while the instance is stopped.
        let changed = try compose(secret: "second\n")
        let lines = applySucceeds(changed)
        XCTAssertTrue(lines.contains { $0.contains("web-1") && $0.contains("files /run/secrets/token") }, "\(lines)")
        XCTAssertEqual(inWeb("cat /run/secrets/token; touch /x 2>/dev/null || echo read-only"), "second\nread-only\n")
        reapplyWritesNothing(changed)

        let invocation = ApplyInvocation(planPath: changed, socket: socket)
        XCTAssertEqual(
            ApplyRun.lifecycle("stop", invocation, services: ["web"], timeout: nil, write: { _ in }).status, .success)
        XCTAssertEqual(incus(["list", "web-1", "--project", project, "-c", "s", "-f", "csv"]), "STOPPED\n")

        // A node the host does not have: refused before anything changes, naming it.
        let missing = try compose(secret: "second\n", extraDevice: "\n      - /dev/no-such-node0")
        let (result, refusedLines) = run(planFile: missing)
        XCTAssertEqual(result.status, .refused, refusedLines.joined(separator: "\n"))
        XCTAssertTrue(
            result.message?.contains("device /dev/no-such-node0 does not exist on the server's host") ?? false,
            result.message ?? "")
        XCTAssertEqual(result.writeRequests, [], "nothing changed")
    }
}
