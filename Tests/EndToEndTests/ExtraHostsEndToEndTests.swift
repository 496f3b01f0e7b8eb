import Apply
import Foundation
import Plan
import XCTest

/// `extra_hosts` reach the container's /etc/hosts before it starts, `host-gateway` as the address of
/// its network's bridge, and a re-apply writes nothing.
final class ExtraHostsEndToEndTests: ComposeDirectoryTestCase {
    func testExtraHostsAreInTheContainersHostsFile() throws {
        let gateway = String(subnet.split(separator: "/").first ?? "")
        let planPath = try compileServices(
            """
              web:
                image: busybox
                extra_hosts:
                  - "db.internal:10.0.0.5"
                  - "host.docker.internal:host-gateway"
                x-incus: {image: "local:compose-test"}
            """)
        applySucceeds(planPath)
        let hosts = incus(["exec", "web-1", "--project", project, "--", "cat", "/etc/hosts"])
        XCTAssertTrue(hosts.contains("10.0.0.5\tdb.internal\n"), hosts)
        XCTAssertTrue(hosts.contains("\(gateway)\thost.docker.internal\n"), hosts)
        XCTAssertTrue(hosts.hasPrefix("127.0.0.1\tlocalhost\n"), hosts)

        reapplyWritesNothing(planPath)
    }
}
