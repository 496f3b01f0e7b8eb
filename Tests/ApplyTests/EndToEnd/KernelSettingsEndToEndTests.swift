import Apply
import Foundation
import Plan
import XCTest

/// `sysctls` and `ulimits` reach the container's kernel settings and its first process's limits, as
/// docker sets them, and a re-apply writes nothing.
final class KernelSettingsEndToEndTests: ComposeDirectoryTestCase {
    func testSysctlsAndUlimitsReachTheContainer() throws {
        let planPath = try compileProject(
            """
            name: \(project)
            services:
              web:
                image: busybox
                sysctls:
                  net.core.somaxconn: 1024
                  net.ipv4.tcp_syncookies: "0"
                ulimits:
                  nofile: {soft: 1024, hard: 2048}
                  core: -1
                x-incus: {image: "local:compose-test"}
            networks:
              default:
                x-incus: {ipv4.address: \(subnet), ipv4.nat: "false"}
            """)
        let (first, firstLines) = run(planFile: planPath)
        XCTAssertEqual(first.status, .success, firstLines.joined(separator: "\n"))
        let sysctls = incus([
            "exec", "web-1", "--project", project, "--", "cat", "/proc/sys/net/core/somaxconn",
            "/proc/sys/net/ipv4/tcp_syncookies",
        ])
        XCTAssertEqual(sysctls.split(separator: "\n").map(String.init), ["1024", "0"])
        let limits = incus(["exec", "web-1", "--project", project, "--", "cat", "/proc/1/limits"])
        let words = limits.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        XCTAssertTrue(words.contains("Max open files 1024 2048 files"), limits)
        XCTAssertTrue(words.contains("Max core file size unlimited unlimited bytes"), limits)

        let (second, secondLines) = run(planFile: planPath)
        XCTAssertEqual(second.writeRequests, [], "re-apply writes nothing\n" + secondLines.joined(separator: "\n"))
    }
}
