import Apply
import Foundation
import Plan
import XCTest

/// `sysctls`, `ulimits` and `cap_drop`/`cap_add` reach the container's kernel settings and its
/// first process's limits and capabilities, as docker sets them, and a re-apply writes nothing.
final class KernelSettingsEndToEndTests: ComposeDirectoryTestCase {
    func testSysctlsAndUlimitsReachTheContainer() throws {
        let planPath = try compileServices(
            """
              web:
                image: busybox
                sysctls:
                  net.core.somaxconn: 1024
                  net.ipv4.tcp_syncookies: "0"
                ulimits:
                  nofile: {soft: 1024, hard: 2048}
                  core: -1
                cap_drop: [NET_RAW]
                x-incus: {image: "local:compose-test"}
              worker:
                image: busybox
                cap_drop: [ALL]
                cap_add: [CHOWN, NET_BIND_SERVICE]
                x-incus: {image: "local:compose-test"}
            """)
        applySucceeds(planPath)
        let sysctls = incus([
            "exec", "web-1", "--project", project, "--", "cat", "/proc/sys/net/core/somaxconn",
            "/proc/sys/net/ipv4/tcp_syncookies",
        ])
        XCTAssertEqual(sysctls.split(separator: "\n").map(String.init), ["1024", "0"])
        let limits = incus(["exec", "web-1", "--project", project, "--", "cat", "/proc/1/limits"])
        let words = limits.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        XCTAssertTrue(words.contains("Max open files 1024 2048 files"), limits)
        XCTAssertTrue(words.contains("Max core file size unlimited unlimited bytes"), limits)
        // Capability bits: CAP_NET_RAW is 13; CAP_CHOWN 0 and CAP_NET_BIND_SERVICE 10 are all the worker keeps.
        func effective(_ instance: String) -> UInt64 {
            let status = incus(["exec", instance, "--project", project, "--", "grep", "CapEff", "/proc/1/status"])
            return UInt64(
                status.split(separator: "\t").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "", radix: 16)
                ?? .max
        }
        XCTAssertEqual(effective("web-1") & (1 << 13), 0, "web drops NET_RAW")
        XCTAssertNotEqual(effective("web-1") & 1, 0, "web keeps CHOWN")
        XCTAssertEqual(effective("worker-1"), 0x401)

        reapplyWritesNothing(planPath)
    }
}
